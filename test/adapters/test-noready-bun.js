// Test-only, run by Bun (see adapters/index.ts TEST_ADAPTERS): never reports ready over IPC.
// A timer keeps it alive until the runner gives up and kills it.
process.stderr.write('test-noready-bun: starting, and never ready\n');
setInterval(() => {}, 1000);
