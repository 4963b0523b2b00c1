/** Keeps the last few KiB of a child's output, for error messages. */
export class TailBuffer {
  private text = '';
  constructor(private readonly maxChars = 8192) {}

  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
  }

  /** The last `n` non-empty lines, joined with ' | ' so they fit an errored row. */
  lastLines(n: number): string {
    return this.text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-n)
      .join(' | ');
  }
}
