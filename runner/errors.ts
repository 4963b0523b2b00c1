/** Errors the CLI turns into one line and an exit code; only `main` prints and exits. */

/** Bad input: the message names the flag or the valid values. Exit code 2. */
export class UsageError extends Error {
  readonly code = 'EUSAGE';
}

export const EXIT = {
  ok: 0,
  /** compare: a regression beyond threshold and noise. */
  regression: 1,
  usage: 2,
  /** Some run errored (its row says why); the report is still written. */
  runError: 2,
  /** SIGINT (128 + 2); SIGTERM gives 143. */
  interrupted: 130,
} as const;
