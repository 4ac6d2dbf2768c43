import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATE_CACHE_ENV } from './templateCache.ts';

/** One directory of shared templates for the infra files of this jest run (templateCache.ts). */
export default function globalSetup(): void {
  process.env[TEMPLATE_CACHE_ENV] = mkdtempSync(join(tmpdir(), 'egov-templates-'));
}
