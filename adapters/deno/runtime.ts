/** How Deno runs a server, from the npm package `deno`: its binary is in its platform package. */
import type { RuntimeLaunch } from '../types.js';

const arch = process.arch === 'arm64' ? 'arm64' : 'x64';

export const runtime: RuntimeLaunch = {
  binaries: ({ main, inPackage }) => [
    inPackage(`@deno/${process.platform}-${arch}-glibc`, 'deno'),
    inPackage(`@deno/${process.platform}-${arch}`, 'deno'),
    main ? `${main}/deno` : '',
  ],
  // Only what a server needs: the network and its own environment; --expose-gc for `mem`.
  args: (entry) => [
    'run',
    '--quiet',
    '--no-prompt',
    '--no-config',
    '--allow-net',
    '--allow-env',
    '--allow-read',
    '--v8-flags=--expose-gc',
    entry,
  ],
  env: { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' },
};
