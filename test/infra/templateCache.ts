import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Templates shared by the infra files of one jest run: a synth takes seconds of CPU, and most files
 * ask for the same stages. The project's globalSetup (globalSetup.ts) names a fresh directory in
 * EGOV_TEMPLATE_CACHE and its globalTeardown removes it, so nothing outlives the run and no source
 * change can meet a stale template. Keyed by the synth's inputs; without the directory (a file run
 * outside its project) every call synthesizes.
 */
export const TEMPLATE_CACHE_ENV = 'EGOV_TEMPLATE_CACHE';

export function sharedTemplate(inputs: unknown, synthesize: () => Record<string, unknown>): Record<string, unknown> {
  const dir = process.env[TEMPLATE_CACHE_ENV];
  if (!dir) return synthesize();
  const file = join(dir, `${createHash('sha256').update(JSON.stringify(inputs)).digest('hex')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const template = synthesize();
  // Written whole, then renamed: a second worker reads either no file or the complete one.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(template));
  renameSync(partial, file);
  return template;
}
