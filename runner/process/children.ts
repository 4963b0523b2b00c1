/**
 * Every child process the runner starts is registered here, so that an error, an exit or a
 * signal kills them all, their whole process groups included.
 */
const live = new Set<number>();

export function trackChild(pid: number): void {
  live.add(pid);
}

export function untrackChild(pid: number): void {
  live.delete(pid);
}

export function liveChildren(): number[] {
  return [...live];
}

/**
 * Sends `signal` to the process group of `pid` (children are started detached, as group
 * leaders), or to the process alone if it has no group; false when it is gone.
 */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Sends `signal` to each child's process group. */
export function signalAll(signal: NodeJS.Signals): void {
  for (const pid of live) if (!killGroup(pid, signal)) live.delete(pid);
}

let installed = false;
/** On any exit of the runner, SIGKILL what is still running (synchronous, last resort). */
export function installExitCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => signalAll('SIGKILL'));
}
