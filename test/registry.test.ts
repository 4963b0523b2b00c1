/**
 * The registries: a scenario registered from test/ (test/scenarios/test-echo.ts, through
 * WSBENCH_REGISTER) runs through bench, report.json, Markdown and HTML with nothing of it under
 * runner/; the library registry's type rejects an entry that is not a complete manifest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { registry } from '../adapters/index.js';
import { manifest as ws } from '../adapters/ws/manifest.js';
import { ROOT, readReport, runBench, runFolder, SHORT, tempDir } from './helpers/bench.js';

/** Every file under `dir` whose text contains `needle`. */
function filesWith(dir: string, needle: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => fs.readFileSync(f, 'utf8').includes(needle));
}

test(
  'a scenario registered from test/ runs through bench, report.json, Markdown and HTML',
  { timeout: 120_000 },
  async () => {
    assert.deepEqual(filesWith(path.join(ROOT, 'runner'), 'test-echo'), [], 'runner/ knows nothing of it');
    const out = tempDir('wsbench-registry-');
    const r = await runBench(
      ['bench', '--lib', 'ws', '--scenario', 'test-echo', '--test-size', '64', ...SHORT, '--out', out],
      { timeoutMs: 100_000 },
    );
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}\n${r.stdout}`);
    const dir = runFolder(out);
    const report = readReport(dir) as unknown as {
      scenarios: { name: string }[];
      runs: { scenario: string; status: string; case: { id: string; params: Record<string, unknown> } }[];
      highlights?: { scenario: string; label: string; value: number | null }[];
    };
    assert.deepEqual(
      report.scenarios.map((s) => s.name),
      ['test-echo'],
    );
    assert.deepEqual(
      report.runs.map((x) => [x.scenario, x.status, x.case.id]),
      [['test-echo', 'completed', 's64-text']],
      'its typed parameter and its declared frames shaped the case',
    );
    const h = report.highlights?.find((x) => x.scenario === 'test-echo');
    assert.ok(h && h.value !== null && h.value > 0, `its highlight is in report.json: ${JSON.stringify(h)}`);
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    assert.match(md, /test-echo/);
    assert.match(md, /test-echo highlight: echoes per second/);
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    assert.match(html, /bars:test-echo:msgsPerSec/, 'its own chart is in the HTML report');
    // Not registered: an unknown scenario, one line, exit 2.
    const off = await runBench(['bench', '--scenario', 'test-echo', '--out', out], {
      env: { WSBENCH_REGISTER: '' },
      timeoutMs: 30_000,
    });
    assert.equal(off.code, 2);
    assert.match(off.stderr, /^wsbench: error: unknown scenario 'test-echo'/);
  },
);

test('the library registry accepts only complete manifests named as their keys (a compile-time check)', () => {
  assert.equal(registry({ ws }).ws.name, 'ws');
  // @ts-expect-error: an entry without capabilities or a micro suite is not a manifest
  registry({ plain: { name: 'plain', packageName: 'plain', serverModule: 'x.js', codecModule: 'y.js' } });
  // @ts-expect-error: the key must be the manifest's name
  registry({ other: ws });
});
