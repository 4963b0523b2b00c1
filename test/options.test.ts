/**
 * The options table (runner/options.ts): one entry gives the flag, its --help wording and
 * default, its parsed value and its validation; --micro's meaning is decided in the plan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addOptions, BENCH_OPTIONS, collectOptions, optionValue, type OptionDef } from '../runner/options.js';
import { makePlan } from '../runner/plan.js';
import { UsageError } from '../runner/errors.js';
import { tempDir } from './helpers/tmp.js';

test('an entry is a flag with its wording and default in --help, hidden ones left out', () => {
  const table = {
    serverProcs: { arg: '<n>', help: 'server processes', default: 1, quick: 2 },
    dryRun: { help: 'plan only' },
    secret: { arg: '<s>', help: 'not shown', hidden: true },
  } as const satisfies Record<string, OptionDef>;
  const help = addOptions(new Command('x'), table).helpInformation();
  assert.match(help, /--server-procs <n>\s+server processes \(default 1, quick 2\)/);
  assert.match(help, /--dry-run\s+plan only/);
  assert.doesNotMatch(help, /--secret/);
  const bench = addOptions(new Command('bench'), BENCH_OPTIONS).helpInformation();
  assert.match(
    bench,
    /--runs <n>\s+repetitions of every measurement, libraries\s+interleaved \(side by side: blocks of\s+windows,\s+10,\s+quick 6\)\s+\(default 3,\s+quick 1\)/,
  );
});

test('parsed: switches are booleans, transport flags nest, values are checked and defaulted', () => {
  const cmd = addOptions(new Command('bench'), BENCH_OPTIONS).exitOverride();
  cmd.parse(['--tls', '--frames', 'binary', '--runs', '4', '--export', 'a=1', '--export', 'b=2'], { from: 'user' });
  const raw = collectOptions(cmd.opts(), BENCH_OPTIONS);
  assert.equal(raw.quick, false);
  assert.equal(raw.runs, '4');
  assert.deepEqual(raw.export, ['a=1', 'b=2']);
  assert.deepEqual(raw.transport, {
    frames: 'binary',
    tls: true,
    compression: undefined,
    deflateOffer: undefined,
    messages: undefined,
    messagesOrder: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    tlsResume: false,
  });
  assert.equal(optionValue({ runs: '4' }, 'runs'), 4);
  assert.equal(optionValue({}, 'runs'), 3);
  assert.equal(optionValue({}, 'runs', true), 1);
  assert.equal(optionValue({}, 'out'), 'results');
  assert.throws(
    () => optionValue({ duration: '0' }, 'duration'),
    (e: Error) => e instanceof UsageError && e.message === "--duration must be greater than 0, got '0'",
  );
});

test('--micro without --scenario plans no scenario; with one, that one', () => {
  const out = tempDir('wsbench-options-');
  assert.deepEqual(makePlan({ lib: 'ws', micro: true, out, params: {} }).scenarios, []);
  const one = makePlan({ lib: 'ws', micro: true, scenario: 'latency', out, params: {} });
  assert.deepEqual(
    one.scenarios.map((s) => s.scenario.name),
    ['latency'],
  );
  assert.ok(makePlan({ lib: 'ws', out, params: {} }).scenarios.length > 1);
});

test('a scenario’s own window is its measured window unless --duration is given', () => {
  const out = tempDir('wsbench-options-');
  const windowOf = (raw: { quick?: boolean; duration?: string }, name: string) =>
    makePlan({ lib: 'ws', scenario: `${name},latency`, out, params: {}, ...raw }).scenarios.find(
      (s) => s.scenario.name === name,
    )!.options.durationMs;
  // connections measures the ramp: its window is the idle hold before the echo check, 1 s.
  assert.deepEqual([windowOf({}, 'connections'), windowOf({ quick: true }, 'connections')], [1000, 1000]);
  assert.deepEqual([windowOf({}, 'slow-consumers'), windowOf({ quick: true }, 'slow-consumers')], [30_000, 10_000]);
  // Without a window of its own, the suite's; --duration overrides a declared one.
  assert.equal(windowOf({}, 'rate'), 3000);
  assert.equal(windowOf({ duration: '2' }, 'connections'), 2000);
});
