import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build, buildSync, type BuildOptions } from 'esbuild';

/**
 * The build of a static front end (the clerks' console, the citizens' portal): esbuild bundles
 * `src/main.ts` (Preact + htm) into `app.js` and `src/styles.css` (KERN + fonts) into `app.css`,
 * next to the app's `index.html`. The local stack builds in memory on first request; the CDK stack
 * builds into a folder at synth and uploads that. `config.json` is never part of a build: each
 * deployment writes its own.
 */
export interface FrontEnd {
  /** The app's folder (`console/`, `portal/`): `index.html`, `src/main.ts`, `src/styles.css`. */
  dir: string;
  /**
   * The path the app is served below (`/portal/` locally, `/` from CloudFront): written into
   * index.html's `<base href>` where it has the placeholder `%BASE%`, so that deep links
   * (`/portal/forms/x`) still load `app.js` from the app's root.
   */
  basePath?: string;
}

export interface BuiltFile {
  contents: Uint8Array;
  contentType: string;
}

const OUT = '/front-end-out';

const options = (app: FrontEnd, outdir: string): BuildOptions => ({
  absWorkingDir: resolve(app.dir, '..'),
  entryPoints: { app: join(app.dir, 'src/main.ts'), 'app-styles': join(app.dir, 'src/styles.css') },
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

const indexHtml = (app: FrontEnd): Buffer => {
  const text = readFileSync(join(app.dir, 'index.html'), 'utf8');
  return Buffer.from(text.replaceAll('%BASE%', app.basePath ?? '/'));
};

/** The built app in memory, by path below its root (`index.html`, `app.js`, ...). */
export async function buildFrontEnd(app: FrontEnd): Promise<Map<string, BuiltFile>> {
  const result = await build(options(app, OUT));
  const files = new Map<string, BuiltFile>();
  for (const file of result.outputFiles ?? []) {
    const path = publicName(relative(OUT, file.path).split('\\').join('/'));
    files.set(path, { contents: file.contents, contentType: contentTypeOf(path) });
  }
  files.set('index.html', { contents: indexHtml(app), contentType: TYPES['.html']! });
  return files;
}

/** The built app written to `outdir` (emptied first): what the CDK stack uploads. */
export function buildFrontEndInto(app: FrontEnd, outdir: string): string {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = buildSync(options(app, outdir));
  for (const file of result.outputFiles ?? []) {
    const path = join(outdir, publicName(relative(outdir, file.path)));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents);
  }
  writeFileSync(join(outdir, 'index.html'), indexHtml(app));
  return outdir;
}
