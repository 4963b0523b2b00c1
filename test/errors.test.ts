/**
 * The error codes: one list in runner/errors.ts, each explained in docs/ERRORS.md, and no
 * source file raising a code that is not in the list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError, ERROR_CODES, passCode, UsageError } from '../runner/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

test('docs/ERRORS.md explains every code, and only those', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'ERRORS.md'), 'utf8');
  const documented = [...doc.matchAll(/^\| `(E[A-Z_]+)` +\| *(.+?) *\|$/gm)];
  assert.deepEqual(documented.map((m) => m[1]).sort(), [...ERROR_CODES].sort());
  for (const m of documented) assert.ok(m[2].length > 20, `${m[1]} needs a sentence for the user`);
});

test('every code raised in the sources is in ERROR_CODES', () => {
  const known = new Set<string>(ERROR_CODES);
  const raised = new Set<string>();
  for (const file of ['runner', 'adapters', 'scenarios'].flatMap(sources)) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    // new CodedError('X', …), new ClientError('X', …), passCode(…, 'X'), startError: ['X', …], code ?? 'X'
    const re = /(?:Error\(\s*|passCode\([^,]+,\s*|startError: \[|\?\? )'(E[A-Z_]{2,})'/g;
    for (const m of text.matchAll(re)) raised.add(m[1]);
  }
  assert.ok(raised.size >= 20, `found only ${raised.size} codes: the pattern no longer matches the sources`);
  assert.deepEqual(
    [...raised].filter((c) => !known.has(c)),
    [],
  );
});

test('codes: a UsageError is EUSAGE, a passed code is kept, else the fallback', () => {
  assert.equal(new UsageError('x').code, 'EUSAGE');
  assert.ok(new UsageError('x') instanceof CodedError);
  assert.equal(new CodedError(passCode('ECONNRESET', 'ESOCKET'), 'x').code, 'ECONNRESET');
  assert.equal(new CodedError(passCode(undefined, 'ESOCKET'), 'x').code, 'ESOCKET');
});
