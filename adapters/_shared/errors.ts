/** An error with a stable `code`, usable from codecs without importing the load generator. */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
