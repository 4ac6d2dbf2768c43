import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildSync, type BuildOptions } from 'esbuild';

/**
 * The console's build: esbuild bundles `src/main.ts` (Preact + htm) into `app.js` and the styles
 * (KERN + fonts) into `app.css`, next to `index.html`. The local stack builds it in memory on
 * start (a fresh clone needs no build step); the CDK stack builds it into a folder at synth and
 * uploads that. `config.json` is not part of the build: each deployment writes its own.
 */
export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
const OUT = '/console-out';

const options = (outdir: string): BuildOptions => ({
  absWorkingDir: resolve(CONSOLE_DIR, '..'),
  entryPoints: { app: join(CONSOLE_DIR, 'src/main.ts'), 'app-styles': join(CONSOLE_DIR, 'src/styles.css') },
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  outdir,
  entryNames: '[name]',
  assetNames: 'assets/[name]-[hash]',
  loader: { '.woff2': 'file', '.woff': 'file', '.svg': 'file', '.png': 'file' },
  logLevel: 'silent',
  write: false,
});

/** `app-styles.css` is the stylesheet index.html names `app.css`. */
const publicName = (path: string): string => (path === 'app-styles.css' ? 'app.css' : path);

export interface ConsoleFile {
  contents: Uint8Array;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};
export const contentTypeOf = (path: string): string => TYPES[/\.[a-z0-9]+$/.exec(path)?.[0] ?? ''] ?? 'application/octet-stream';

/** The built console in memory, by path below the console's root (`index.html`, `app.js`, ...). */
export async function buildConsole(): Promise<Map<string, ConsoleFile>> {
  const result = await build(options(OUT));
  const files = new Map<string, ConsoleFile>();
  for (const file of result.outputFiles ?? []) {
    const path = publicName(relative(OUT, file.path).split('\\').join('/'));
    files.set(path, { contents: file.contents, contentType: contentTypeOf(path) });
  }
  files.set('index.html', { contents: readFileSync(join(CONSOLE_DIR, 'index.html')), contentType: TYPES['.html']! });
  return files;
}

/** The built console written to `outdir` (emptied first): what the CDK stack uploads. */
export function buildConsoleInto(outdir: string): string {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = buildSync(options(outdir));
  for (const file of result.outputFiles ?? []) {
    const path = join(outdir, publicName(relative(outdir, file.path)));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents);
  }
  copyFileSync(join(CONSOLE_DIR, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}
