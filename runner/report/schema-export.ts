/**
 * The Report's published JSON Schema, derived from the zod schema so the two cannot disagree.
 * schema/report.schema.json is this function's output; a test fails if the file drifts.
 */
import { z } from 'zod';
import { REPORT_SCHEMA_ID, REPORT_VERSION, Report } from './schema.js';

/** The JSON Schema (draft 2020-12) of the Report document. */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Report, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    title: `${REPORT_SCHEMA_ID} v${REPORT_VERSION}`,
    description: 'One wsbench run: options, environment, libraries, scenarios, every run and the aggregated summaries.',
  };
}

/** The schema file's exact text: pretty JSON with a trailing newline. */
export function reportJsonSchemaText(): string {
  return JSON.stringify(reportJsonSchema(), null, 2) + '\n';
}
