/** The open-loop pacer's schedule, in process (no sockets): round-robin, batches, send lag. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer } from '../runner/loadgen/pacer.js';

test('pacer: message k due at t0 + k / rate, round-robin over streams, one write per stream per step, lag to the write', async () => {
  const sent: Array<{ s: number; due: number }> = [];
  const writes: Array<{ s: number; at: number; n: number; lastDue: number }> = [];
  let open = new Map<number, number>();
  const pacer = new Pacer(3, 3000, {
    begin: (s) => {
      assert.ok(!open.has(s), 'no batch begins twice');
      open.set(s, 0);
    },
    send: (s, due) => {
      assert.ok(open.has(s), 'sends only inside a batch');
      open.set(s, open.get(s)! + 1);
      sent.push({ s, due });
    },
    flush: (s, at) => {
      writes.push({ s, at, n: open.get(s)!, lastDue: sent[sent.length - 1].due });
      open.delete(s);
    },
    measured: () => true,
  });
  await new Promise((r) => setTimeout(r, 100));
  const lag = pacer.stop();
  open = new Map();
  assert.ok(sent.length >= 150, `about 300 sent in 100 ms, got ${sent.length}`);
  sent.forEach((m, k) => assert.equal(m.s, k % 3, 'round-robin'));
  for (let k = 1; k < sent.length; k++)
    assert.ok(Math.abs(sent[k].due - sent[k - 1].due - 1000 / 3000) < 1e-6, 'evenly spaced due times');
  assert.equal(
    writes.reduce((n, w) => n + w.n, 0),
    sent.length,
    'every message went out in some write',
  );
  assert.equal(lag.totalCount, sent.length, 'a send lag per message');
  // A write happens after the due time of every message it carries (the last queued is the latest).
  for (const w of writes) assert.ok(w.at >= w.lastDue, `a write at ${w.at} carried a message due at ${w.lastDue}`);
  const before = sent.length;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(sent.length, before, 'nothing is sent after stop()');
});
