/**
 * Script: writes schema/report.schema.json at the project root. Run after a build:
 * `node dist/runner/report/write-schema.js`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportJsonSchemaText } from './schema-export.js';

// Compiled to dist/runner/report/, so the project root is three levels up.
const root = new URL('../../../', import.meta.url);
const dir = new URL('schema/', root);
mkdirSync(dir, { recursive: true });
const file = new URL('report.schema.json', dir);
writeFileSync(file, reportJsonSchemaText());
console.log(`wrote ${fileURLToPath(file)}`);
