import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the local stack keeps its state: `.local/` unless LOCAL_DATA_DIR says otherwise (tests). */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(env.LOCAL_DATA_DIR ?? join(repoRoot, '.local'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export const formsDir = (env: NodeJS.ProcessEnv = process.env): string => resolve(env.FORMS_DIR ?? join(repoRoot, 'schemas', 'forms'));
