/** Explicit source ports for connections spread over 127.0.0.x (no kernel bind(0) search). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localPortRange, SourcePorts } from '../runner/loadgen/source-ports.js';

test('source ports: in order per address from the range start, wrapping at its end', () => {
  const p = new SourcePorts([40000, 40002]);
  assert.equal(p.size, 3);
  assert.deepEqual([p.take('127.0.0.1'), p.take('127.0.0.1'), p.take('127.0.0.2'), p.take('127.0.0.1'), p.take('127.0.0.1')], [40000, 40001, 40000, 40002, 40000]);
});

test('the local port range is read from the kernel (or Linux default)', () => {
  const [lo, hi] = localPortRange();
  assert.ok(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi <= 65535 && hi >= lo, `${lo}-${hi}`);
});
