/**
 * wsbench as another project's dev dependency: `npm pack`, the tarball installed into an empty
 * folder (from the npm registry, through the npm cache) beside an adapter of that folder's own,
 * and `npx wsbench bench --lib ./my-adapter --quick --scenario latency` exits 0 with a report. The
 * install carries neither Bun nor Deno, and `--lib bun` there is one line naming the fix, exit 2.
 * The adapter's types come from the package. With CI=true nothing here skips; elsewhere only a
 * registry that cannot be reached skips it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tempDir } from './helpers/bench.js';

const run = promisify(execFile);
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

interface Done {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a non-zero exit is a result, not a throw. */
async function sh(file: string, args: string[], cwd: string, timeout: number): Promise<Done> {
  try {
    const r = await run(file, args, {
      cwd,
      timeout,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, WSBENCH_TEST_ADAPTERS: '' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: `${e.stderr ?? ''}${e.killed ? '\n(killed: timeout)' : ''}`,
    };
  }
}

/** The adapter of the user's project: ws on /echo and /room, a one-line prefix protocol. */
const SERVER = `import { WebSocketServer } from 'ws';

/** @type {import('wsbench').ServerAdapter} */
export const adapter = {
  settings: { framework: 'ws', protocol: 'text frames "> " + payload', perMessageDeflate: false },
  async start({ host, port }) {
    const wss = new WebSocketServer({ host, port, perMessageDeflate: false, clientTracking: true });
    await new Promise((resolve, reject) => wss.once('listening', resolve).once('error', reject));
    wss.on('connection', (socket, req) => {
      socket.on('error', () => {});
      socket.on('message', (data, isBinary) => {
        if (req.url === '/echo') return socket.send(data, { binary: isBinary });
        for (const other of wss.clients) if (other !== socket) other.send(data, { binary: isBinary });
      });
    });
    return { port: wss.address().port, facts: { mine: true }, close: () => new Promise((resolve) => wss.close(() => resolve())) };
  },
};
`;
const CODEC = `const PREFIX = Buffer.from('> ');

/** @type {import('wsbench').WireCodec} */
export const codec = {
  path: (channel) => (channel === 'echo' ? '/echo' : '/room'),
  binary: false,
  async open() {},
  encode: (_channel, payload) => ({ frames: [{ opcode: 1, payload: Buffer.concat([PREFIX, payload]) }], payloadOffset: PREFIX.length }),
  decode: (opcode, data) => (opcode === 1 && data.subarray(0, PREFIX.length).equals(PREFIX) ? data.subarray(PREFIX.length) : null),
};
`;
/** A TypeScript user's view of the exported types. */
const TYPES_CHECK = `import type { ServerAdapter, WireCodec } from 'wsbench';
export const settings: ServerAdapter['settings'] = { framework: 'ws' };
export const binary: WireCodec['binary'] = false;
`;

function wsVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/ws/package.json'), 'utf8')) as { version: string })
    .version;
}

/** The user's project: a package.json, the adapter, and the packed wsbench installed from its tarball. */
async function userProject(t: { skip(why: string): void }): Promise<string | null> {
  const packDir = tempDir('wsbench-pack-');
  // dist/ is built already (the tests run from it); --ignore-scripts: prepare's rebuild would
  // replace dist/ under the running tests. The files list is what a user gets either way.
  const pack = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], ROOT, 120_000);
  assert.equal(pack.code, 0, pack.stderr);
  const [info] = JSON.parse(pack.stdout) as { filename: string; size: number; files: { path: string }[] }[];
  const files = info.files.map((f) => f.path);
  for (const need of [
    'dist/runner/cli.js',
    'dist/adapters/types.d.ts',
    'adapters/bun/server.js',
    'adapters/deno/server.js',
    'schema/report.schema.json',
  ]) {
    assert.ok(files.includes(need), `the package holds ${need}`);
  }
  assert.deepEqual(
    files.filter(
      (f) => f.startsWith('dist/test/') || f.endsWith('.map') || /^(adapters|runner|scenarios)\/.*\.ts$/.test(f),
    ),
    [],
    'no tests, source maps or sources',
  );
  assert.ok(info.size < 1024 * 1024, `the tarball is small: ${info.size} bytes`);
  console.log(`npm pack: ${info.filename}, ${info.size} bytes, ${files.length} files`);

  const dir = path.join(tempDir('wsbench-user-'), 'user-project');
  fs.mkdirSync(path.join(dir, 'my-adapter'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  fs.writeFileSync(path.join(dir, 'my-adapter/server.js'), SERVER);
  fs.writeFileSync(path.join(dir, 'my-adapter/codec.js'), CODEC);
  fs.writeFileSync(
    path.join(dir, 'my-adapter/package.json'),
    JSON.stringify({ name: 'my-adapter', version: '2.3.4', private: true, type: 'module' }),
  );
  const started = Date.now();
  const install = await sh(
    'npm',
    ['install', '--save-dev', ...NPM_FLAGS, path.join(packDir, info.filename), `ws@${wsVersion()}`],
    dir,
    240_000,
  );
  if (
    install.code !== 0 &&
    process.env.CI !== 'true' &&
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH/.test(install.stderr)
  ) {
    t.skip(`the npm registry cannot be reached: ${install.stderr.trim().split('\n')[0]}`);
    return null;
  }
  assert.equal(install.code, 0, `npm install: ${install.stderr}`);
  console.log(`npm install of the tarball: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

test(
  'npm pack, installed into an empty project with an adapter of its own: npx wsbench benches it; no Bun, no Deno',
  { timeout: 420_000 },
  async (t) => {
    const dir = await userProject(t);
    if (!dir) return;
    const nm = path.join(dir, 'node_modules');
    for (const runtime of ['bun', 'deno', '@oven', '@deno'])
      assert.equal(fs.existsSync(path.join(nm, runtime)), false, `node_modules/${runtime} is not installed`);
    assert.ok(fs.existsSync(path.join(nm, '.bin/wsbench')), 'the wsbench bin is linked');

    const out = path.join(dir, 'results');
    const bench = await sh(
      'npx',
      ['--no-install', 'wsbench', 'bench', '--lib', './my-adapter', '--quick', '--scenario', 'latency', '--out', out],
      dir,
      180_000,
    );
    assert.equal(bench.code, 0, `exit ${bench.code}\n${bench.stderr}\n${bench.stdout}`);
    console.log(bench.stdout);
    const [runId] = fs.readdirSync(out);
    const report = JSON.parse(fs.readFileSync(path.join(out, runId, 'report.json'), 'utf8')) as {
      runs: { library: string; status: string }[];
      libraries: { name: string; version: string }[];
    };
    // --quick: the one latency case, measured in side-by-side windows (6 blocks), every one completed.
    assert.ok(report.runs.length >= 2, `${report.runs.length} runs`);
    assert.deepEqual(
      [...new Set(report.runs.map((r) => `${r.library}/${r.status}`))],
      ['my-adapter/completed'],
      JSON.stringify(report.runs.map((r) => r.status)),
    );
    assert.equal(report.libraries.find((l) => l.name === 'my-adapter')?.version, '2.3.4');
    for (const file of ['report.md', 'report.html'])
      assert.ok(fs.statSync(path.join(out, runId, file)).size > 0, `${file} written`);
    assert.match(bench.stdout, /my-adapter/);

    // Bun is not installed here: one line naming the fix, exit 2, nothing benched.
    const bun = await sh(
      'npx',
      [
        '--no-install',
        'wsbench',
        'bench',
        '--lib',
        'bun',
        '--scenario',
        'latency',
        '--out',
        path.join(dir, 'bun-results'),
      ],
      dir,
      60_000,
    );
    assert.equal(bun.code, 2, bun.stderr);
    const lines = bun.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, bun.stderr);
    assert.match(
      lines[0],
      /--lib bun: the bun runtime is not installed: run npm install --save-dev bun@\d+\.\d+\.\d+, or set WSBENCH_BUN=<path to bun>/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'bun-results')), false);

    // The exported types, as a TypeScript user imports them.
    fs.writeFileSync(path.join(dir, 'check.ts'), TYPES_CHECK);
    const tsconfig = {
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['check.ts'],
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = await sh(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      dir,
      60_000,
    );
    assert.equal(tsc.code, 0, `tsc: ${tsc.stdout}${tsc.stderr}`);
  },
);
