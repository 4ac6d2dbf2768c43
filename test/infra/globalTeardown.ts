import { rmSync } from 'node:fs';
import { TEMPLATE_CACHE_ENV } from './templateCache.ts';

/** Removes the run's shared templates (globalSetup.ts). */
export default function globalTeardown(): void {
  const dir = process.env[TEMPLATE_CACHE_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
  delete process.env[TEMPLATE_CACHE_ENV];
}
