import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { buildConsole } from '../../../console/build.ts';
import type { BuiltFile } from '../../../console/shared/build.ts';
import { wordsOf } from '../../../console/shared/purgeCss.ts';
import { buildPortal } from '../../../portal/build.ts';

/**
 * Issue 31's budget: the JavaScript and CSS a page of the portal or the console loads weigh at
 * most 60 KiB compressed. Measured gzipped (level 9, what CloudFront's gzip comes close to), the
 * larger of the two encodings CloudFront serves (Chromium gets brotli). Both apps are single-page:
 * every page is index.html with the same app.js and app.css, and the build makes no other script
 * or stylesheet (no lazy chunks outside the budget), so the budget per page is the budget of these two.
 */
const BUDGET_BYTES = 60 * 1024;
const KERN_CSS = readFileSync(createRequire(import.meta.url).resolve('@kern-ux/native/dist/kern.min.css'), 'utf8');

const apps: [string, () => Promise<Map<string, BuiltFile>>][] = [
  ['portal', () => buildPortal('/portal/')],
  ['console', buildConsole],
];
const text = (file: BuiltFile | undefined): string => new TextDecoder().decode(file?.contents);
/** The KERN classes a stylesheet has rules for. */
const kernClasses = (css: string): Set<string> => new Set([...css.matchAll(/\.(kern-[A-Za-z0-9_-]+)/g)].map((match) => match[1]!));
/** The KERN classes a stylesheet styles on their own: a selector that is the class (with pseudo-classes) alone. */
const standaloneClasses = (css: string): Set<string> => new Set([...css.matchAll(/(?:^|[{},])\.(kern-[A-Za-z0-9_-]+)(?=[:{,])/g)].map((match) => match[1]!));

describe.each(apps)('the %s', (_, build) => {
  let files: Map<string, BuiltFile>;
  const built = async () => (files ??= await build());

  test('loads one script and one stylesheet on every page, and the build makes no others', async () => {
    const html = text((await built()).get('index.html'));
    const loaded = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="([^"]+)"/g)].map((match) => match[1]!.replace(/^.*\//, ''));
    expect(loaded.sort()).toEqual(['app.css', 'app.js']);
    expect([...files.keys()].filter((path) => /\.(js|css)$/.test(path)).sort()).toEqual(['app.css', 'app.js']);
  });

  test('weighs at most 60 KiB of JavaScript and CSS compressed', async () => {
    const files = await built();
    const scriptAndStyles = ['app.js', 'app.css'].map((path) => files.get(path)!.contents);
    const gzipped = scriptAndStyles.reduce((sum, contents) => sum + gzipSync(contents, { level: 9 }).length, 0);
    const brotli = scriptAndStyles.reduce((sum, contents) => sum + brotliCompressSync(contents).length, 0);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(brotli).toBeLessThanOrEqual(gzipped);
  });

  test('names KERN classes whole in its code, so that the purge sees them', async () => {
    const words = wordsOf(text((await built()).get('app.js')));
    expect([...words].filter((word) => /^kern-.*[-_]$/.test(word))).toEqual([]);
  });

  test('keeps the rules of every KERN class its code names on their own', async () => {
    const files = await built();
    const named = [...wordsOf(text(files.get('app.js')))].filter((word) => word.startsWith('kern-'));
    const inKern = standaloneClasses(KERN_CSS);
    const kept = kernClasses(text(files.get('app.css')));
    const used = named.filter((name) => inKern.has(name));
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((name) => !kept.has(name))).toEqual([]);
  });
});
