/**
 * `--lib <path>`: the example chat adapter, copied to a folder outside the project (its
 * node_modules a link to ours, standing in for `npm install ws` there), benchmarks like a
 * built-in library, with its own settings in the report; a path that is not an adapter is one
 * line of error naming what is missing, exit 2, no stack trace, nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, readReport, runBench, runFolder, tempDir } from './helpers/bench.js';

const EXAMPLE = path.join(ROOT, 'examples/chat-adapter');
const LOCKED_SHORT = ['--duration', '0.5', '--warmup', '0.2', '--runs', '1'];

interface Lib {
  name: string;
  version: string;
  settings: Record<string, unknown>;
  facts: Record<string, unknown>;
}

function copyExample(): string {
  const dir = path.join(tempDir('wsbench-chat-'), 'chat-adapter');
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

test(
  'the example chat adapter, from a folder outside the project: completed rows, its settings in the report',
  { timeout: 120_000 },
  async () => {
    const dir = copyExample();
    assert.ok(path.relative(ROOT, dir).startsWith('..'), `${dir} must lie outside ${ROOT}`);
    const out = tempDir('wsbench-chat-out-');
    const r = await runBench(
      ['bench', '--lib', dir, '--scenario', 'latency,throughput', ...LOCKED_SHORT, '--out', out],
      { timeoutMs: 100_000 },
    );
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}\n${r.stdout}`);
    const report = readReport(runFolder(out));
    const runs = report.runs.filter((x) => x.library === 'chat-adapter');
    // The default suite: latency, throughput at 32 B and 1 KiB, and throughput's production case
    // (TLS, compression), which runs because the adapter's manifest declares both (and its server
    // was checked to serve them).
    assert.equal(runs.length, 4, JSON.stringify(report.runs));
    assert.deepEqual(
      runs.map((x) => x.status),
      ['completed', 'completed', 'completed', 'completed'],
      JSON.stringify(runs),
    );
    assert.deepEqual(
      [runs[3].case.params.production, runs[3].case.params.tls, runs[3].case.params.compression],
      [true, true, true],
    );
    const prod = runs[3] as { stats?: { tls?: { protocol?: string }; metrics: Record<string, number> } };
    assert.match(String(prod.stats?.tls?.protocol), /^TLSv1\.[23]$/, 'the production run spoke TLS');
    // Compressed on the wire: fewer bytes per message than the same case in plain text (the JSON
    // envelope makes an uncompressed echo larger than its payload). Not msgs/s: on a loaded
    // machine a half-second window of 800 deflated messages in flight may answer none in time.
    const plain = runs[2] as { stats?: { metrics: Record<string, number> } };
    const wire = [prod.stats?.metrics.wireBytesPerMsg, plain.stats?.metrics.wireBytesPerMsg];
    assert.ok(wire[0] !== undefined && wire[1] !== undefined && wire[0] < wire[1], `compressed: ${wire.join(' < ')}`);
    const lib = (report.libraries as Lib[]).find((l) => l.name === 'chat-adapter');
    assert.ok(lib, 'the adapter is listed among the libraries');
    assert.equal(lib.version, '1.0.0', 'the version comes from its package.json');
    assert.equal(lib.settings.framework, 'ws on node:http');
    assert.equal(lib.settings.perMessageDeflate, false);
    assert.equal(lib.facts.adapterPath, dir);
    assert.equal(lib.facts.codec, path.join(dir, 'codec.js'), 'its own codec drove the load generator');
    assert.equal(lib.facts.tlsServer, 'https.createServer (node:tls)', 'the TLS stack its manifest declares');
    assert.match(r.stdout, /chat-adapter\s+ok/);
  },
);

async function assertOneLine(args: string[], says: RegExp): Promise<void> {
  const parent = tempDir('wsbench-badlib-');
  const out = path.join(parent, 'out');
  const r = await runBench(['bench', '--scenario', 'latency', '--out', out, ...args], { timeoutMs: 30_000 });
  const what = `bench ${args.join(' ')}`;
  assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stderr}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `${what}: one line expected, got:\n${r.stderr}`);
  assert.match(lines[0], /^wsbench: error: /);
  assert.match(lines[0], says);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(fs.existsSync(out), false, `${what} wrote results`);
}

test('--lib paths that are not adapters: one line naming what is missing, exit 2', { timeout: 120_000 }, async () => {
  const dir = tempDir('wsbench-notadapter-');
  const write = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  await assertOneLine(['--lib', path.join(dir, 'missing')], /no such file or folder/);
  await assertOneLine(['--lib', write('none.mjs', 'export const server = {};\n')], /does not export 'adapter'/);
  await assertOneLine(
    ['--lib', write('nostart.mjs', 'export const adapter = { settings: {} };\n')],
    /has no start\(\{ host, port \}\) function/,
  );
  await assertOneLine(
    ['--lib', write('nosettings.mjs', 'export const adapter = { start() {} };\n')],
    /has no settings object/,
  );
  await assertOneLine(
    ['--lib', write('throws.mjs', "throw new Error('boom at load');\n")],
    /could not be loaded: boom at load/,
  );
  // A module that never finishes its own work must not hold the check (it exits after checking).
  const hangs = write(
    'keeps-running.mjs',
    'setInterval(() => {}, 1000);\nexport const adapter = { settings: {}, start() {} };\nexport const codec = 42;\n',
  );
  await assertOneLine(['--lib', hangs], /'codec'/);
  const folder = path.join(dir, 'empty-folder');
  fs.mkdirSync(folder);
  await assertOneLine(['--lib', folder], /has no server\.js/);
});

test(
  'a manifest that declares what the server does not serve: one line naming the capability, exit 2',
  { timeout: 120_000 },
  async () => {
    const variant = (from: string, to: string): string => {
      const dir = copyExample();
      const file = path.join(dir, 'server.js');
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.includes(from), `the example has ${from}`);
      fs.writeFileSync(file, text.replaceAll(from, to));
      return dir;
    };
    // Declares compression, never negotiates it.
    await assertOneLine(
      ['--lib', variant('perMessageDeflate: COMPRESSION', 'perMessageDeflate: false')],
      /declares compression \(capabilities\.compression: true\).*did not negotiate permessage-deflate/,
    );
    // Declares TLS, serves plain TCP whatever the certificate.
    await assertOneLine(
      ['--lib', variant('const server = TLS_FILES ?', 'const server = false ?')],
      /declares TLS \(capabilities\.tls\.stack\)/,
    );
    // A manifest of the wrong shape.
    await assertOneLine(
      ['--lib', variant('compression: true,', "compression: 'yes',")],
      /manifest\.capabilities\.compression must be true or \{ unsupported/,
    );
  },
);

test(
  'the package exports the contract: the example type-checks against wsbench\u2019s ServerAdapter and WireCodec',
  { timeout: 60_000 },
  async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = path.join(tempDir('wsbench-types-'), 'chat-adapter');
    fs.cpSync(EXAMPLE, dir, { recursive: true });
    // As after `npm install ws` and `npm install --save-dev <this clone>` in the adapter's folder.
    const modules = path.join(dir, 'node_modules');
    fs.mkdirSync(modules);
    fs.symlinkSync(ROOT, path.join(modules, 'wsbench'), 'dir');
    for (const dep of ['ws', '@types'])
      fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(modules, dep), 'dir');
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const args = [
      tsc,
      '--allowJs',
      '--checkJs',
      '--noEmit',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--types',
      'node',
      'server.js',
      'codec.js',
    ];
    const check = (): string => {
      try {
        execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return '';
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e);
      }
    };
    assert.equal(check(), '', 'the example matches the exported types');
    // The check can fail: a codec whose `binary` is not a boolean does not match WireCodec.
    fs.writeFileSync(
      path.join(dir, 'codec.js'),
      fs.readFileSync(path.join(dir, 'codec.js'), 'utf8').replace('binary: false,', "binary: 'no',"),
    );
    assert.match(check(), /codec\.js.*Type 'string' is not assignable to type 'boolean'/);
    // `import 'wsbench'` from the adapter's folder resolves through the package's exports.
    const keys = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('wsbench'); process.stdout.write(Object.keys(m).join())"],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(keys, 'FAIR_SETTINGS');
  },
);
