// Test-only, run by Deno (see adapters/index.ts TEST_ADAPTERS): never prints its ready line, and
// ignores SIGTERM, so the runner must SIGKILL it after the ready timeout.
Deno.addSignalListener('SIGTERM', () => {});
Deno.stderr.writeSync(new TextEncoder().encode('test-noready-deno: starting, and never ready (SIGTERM ignored)\n'));
setInterval(() => {}, 1000);
