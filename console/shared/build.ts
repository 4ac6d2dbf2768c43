import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build, buildSync, type BuildOptions, type OutputFile } from 'esbuild';
import { PRELOADED_WEIGHTS, subsetFileOf } from './fontSubsets.ts';
import { purgeCss, wordsOf } from './purgeCss.ts';

/**
 * The build of a static front end (the clerks' console, the citizens' portal): esbuild bundles
 * `src/main.ts` (Preact + htm) into `app.js` and `src/styles.css` (KERN + fonts) into `app.css`,
 * next to the app's `index.html`; `app.css` keeps only the rules the app's code can use
 * (purgeCss.ts: a page weighs well under the 60 KiB compressed of issue 31, not KERN's 340 KB);
 * index.html preloads the fonts of the weights the pages use. The local stack builds in memory on first request; the CDK stack
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

/**
 * index.html with a preload of each font of PRELOADED_WEIGHTS (fontSubsets.ts), beside the
 * stylesheet link and with its path prefix: the fonts load with the stylesheet and the script,
 * before the app first renders text in them. `crossorigin`: fonts are fetched in CORS mode.
 */
function withFontPreloads(html: Buffer, paths: Iterable<string>): Buffer {
  const text = html.toString('utf8');
  const stylesheet = /<link rel="stylesheet" href="([^"]*)app\.css" \/>/.exec(text);
  if (!stylesheet) return html;
  const fonts = PRELOADED_WEIGHTS.map((weight) => subsetFileOf(weight).replace(/\.woff2$/, ''));
  const links = [...paths]
    .filter((path) => fonts.some((font) => path.startsWith(`assets/${font}-`) && path.endsWith('.woff2')))
    .sort()
    .map((path) => `<link rel="preload" href="${stylesheet[1]}${path}" as="font" type="font/woff2" crossorigin />`);
  return Buffer.from(text.replace(stylesheet[0], [...links, stylesheet[0]].join('\n    ')));
}

/** esbuild's output files by public path, the stylesheet purged against the script and index.html. */
function outputsOf(files: readonly OutputFile[], outdir: string, html: Buffer): Map<string, Uint8Array> {
  const outputs = new Map(files.map((file) => [publicName(relative(outdir, file.path).split('\\').join('/')), file.contents] as const));
  const css = outputs.get('app.css');
  if (css) {
    const words = wordsOf(new TextDecoder().decode(outputs.get('app.js')), html.toString('utf8'));
    outputs.set('app.css', Buffer.from(purgeCss(new TextDecoder().decode(css), words)));
  }
  return outputs;
}

/** The built app in memory, by path below its root (`index.html`, `app.js`, ...). */
export async function buildFrontEnd(app: FrontEnd): Promise<Map<string, BuiltFile>> {
  const result = await build(options(app, OUT));
  const outputs = outputsOf(result.outputFiles ?? [], OUT, indexHtml(app));
  const files = new Map<string, BuiltFile>();
  for (const [path, contents] of outputs) files.set(path, { contents, contentType: contentTypeOf(path) });
  files.set('index.html', { contents: withFontPreloads(indexHtml(app), outputs.keys()), contentType: TYPES['.html']! });
  return files;
}

/** The built app written to `outdir` (emptied first): what the CDK stack uploads. */
export function buildFrontEndInto(app: FrontEnd, outdir: string): string {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = buildSync(options(app, outdir));
  const outputs = outputsOf(result.outputFiles ?? [], outdir, indexHtml(app));
  for (const [name, contents] of outputs) {
    const path = join(outdir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, contents);
  }
  writeFileSync(join(outdir, 'index.html'), withFontPreloads(indexHtml(app), outputs.keys()));
  return outdir;
}
