/**
 * How Bun runs a server, from the npm package `bun`: npm 11 runs no install scripts, so its binary
 * is in its platform package (or `bun/bin/bun.exe` where npm placed it there).
 */
import type { RuntimeLaunch } from '../types.js';

const arch = process.arch === 'arm64' ? 'aarch64' : 'x64';

export const runtime: RuntimeLaunch = {
  binaries: ({ main, inPackage }) => [
    main ? `${main}/bin/bun.exe` : '',
    ...['', '-baseline', '-musl'].map((v) => inPackage(`@oven/bun-${process.platform}-${arch}${v}`, 'bin/bun')),
  ],
  args: (entry) => ['run', '--no-install', entry],
  env: { BUN_DISABLE_TELEMETRY: '1', DO_NOT_TRACK: '1', NO_COLOR: '1' },
};
