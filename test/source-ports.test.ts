/** Explicit source ports for connections spread over 127.0.0.x (no kernel bind(0) search). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { localPortRange, SourcePorts } from '../runner/loadgen/source-ports.js';

test('source ports: in order per address from the range start, wrapping at its end', () => {
  const p = new SourcePorts([40000, 40002]);
  assert.equal(p.size, 3);
  assert.deepEqual(
    [p.take('127.0.0.1'), p.take('127.0.0.1'), p.take('127.0.0.2'), p.take('127.0.0.1'), p.take('127.0.0.1')],
    [40000, 40001, 40000, 40002, 40000],
  );
});

test('the local port range is read from the kernel', () => {
  // This project runs on Linux: /proc has the range, and it must be what the client uses.
  const kernel = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  assert.deepEqual(localPortRange(), kernel);
});
