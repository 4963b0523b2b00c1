/**
 * The registration hook: `WSBENCH_REGISTER=<module>[,<module>...]` names modules the CLI imports
 * before it reads the command line. Each may call registerLibrary (adapters/index.ts) and
 * registerScenario (scenarios/index.ts); what they register runs only when named (--lib,
 * --scenario), through the same runner and reporters as the built-in ones. The tests register
 * their misbehaving servers and their own scenario this way (test/helpers/register.ts).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.js';

/** Imports every module WSBENCH_REGISTER names (comma separated paths). */
export async function loadRegistrations(list = process.env.WSBENCH_REGISTER): Promise<void> {
  for (const file of (list ?? '').split(',').filter(Boolean)) {
    try {
      await import(pathToFileURL(path.resolve(file)).href);
    } catch (err) {
      throw new UsageError(
        `WSBENCH_REGISTER: cannot load ${file} (${(err as Error).message.split('\n')[0]}): name a built .js module`,
      );
    }
  }
}
