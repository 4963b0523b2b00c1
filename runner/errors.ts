/**
 * The one error module: every error wsbench raises carries one of ERROR_CODES (what each means
 * for a user: docs/ERRORS.md), and the exit codes. It imports nothing, so the server process, the
 * load generator and adapters use it without pulling in runner code. Only cli.ts's `main` prints
 * and exits.
 */

/** Every code wsbench gives an error; docs/ERRORS.md says what each means and what to do. */
export const ERROR_CODES = [
  // The command line
  'EUSAGE',
  // Connections and protocol (load generator)
  'ECONNECT',
  'EUPGRADE',
  'EPROTOCOL',
  'EDEFLATE',
  'ECLOSED',
  'ESOCKET',
  'ETIMEOUT',
  // What came back
  'EECHO',
  'EMISSING',
  'EBACKLOG',
  'EHTTP',
  'EMESSAGES',
  // Processes and the machine
  'ELOADGEN',
  'EREMOTE',
  'ENOCLIENT',
  'EAUTOCANNON',
  'ESTART',
  'ESERVER_START',
  'ESERVER_TIMEOUT',
  'ESERVER_EXIT',
  'ESERVER_HANG',
  // --server-procs (runner/topology): a worker, the cluster, Redis
  'EWORKER_EXIT',
  'ETOPOLOGY',
  'EREDIS_MISSING',
  'EREDIS_START',
  'EREDIS_EXIT',
  // distributed runs (runner/distributed): a shard, or all of them
  'ESHARD',
  'ESHARDS',
  'ERUNTIME',
  'ENATIVE',
  'ENOFILE',
  'ETLSCERT',
  'ETARGET',
  'EMICRO',
  'ERUN',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A code passed on as it came: a Node system error's (ECONNRESET, EMFILE…) or a child process's. */
export type PassedCode = string & { readonly __passed: true };

/** `code` if there is one (a Node error's, a child's message), else `fallback`. */
export const passCode = (code: string | undefined, fallback: ErrorCode): ErrorCode | PassedCode =>
  (code ?? fallback) as ErrorCode | PassedCode;

/** An error with a stable code: one of ERROR_CODES, or one passed on with `passCode`. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode | PassedCode,
    message: string,
  ) {
    super(message);
  }
}

/** Bad input: the message names the flag or the valid values. Exit code 2. */
export class UsageError extends CodedError {
  constructor(message: string) {
    super('EUSAGE', message);
  }
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
