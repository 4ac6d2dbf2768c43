import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { FONTS_DIR, WEIGHTS, fontsCss, latinSubsetOf, latinText, subsetFileOf } from '../../../console/shared/fontSubsets.ts';
import { buildConsole } from '../../../console/build.ts';
import { buildPortal } from '../../../portal/build.ts';

// The front ends' fonts (console/shared/fontSubsets.ts): Latin subsets of KERN's Fira Sans, KERN's
// whole files behind them for other characters. What `npm run fonts` wrote must be what it writes now.
describe('the fonts of the front ends', () => {
  test('fonts.css is what `npm run fonts` writes', () => {
    expect(readFileSync(join(FONTS_DIR, 'fonts.css'), 'utf8')).toBe(fontsCss());
  });

  test.each(WEIGHTS)('the Latin subset of weight $weight is what `npm run fonts` makes of the installed KERN file', async ({ weight, kernFile }) => {
    const committed = readFileSync(join(FONTS_DIR, subsetFileOf(weight)));
    expect(committed.equals(await latinSubsetOf(kernFile))).toBe(true);
    expect(committed.length).toBeLessThan(40_000);
  });

  test('the Latin range has what German and English text need', () => {
    for (const character of 'ÄÖÜäöüßé€„“‚‘–—…·') expect(latinText()).toContain(character);
  });

  test('the built stylesheet declares each subset after the whole file (the browser tries it first) and no other faces', async () => {
    const css = new TextDecoder().decode((await buildPortal('/portal/')).get('app.css')!.contents);
    const faces = [...css.matchAll(/@font-face\{[^}]*\}/g)].map(([face]) => face);
    expect(faces).toHaveLength(WEIGHTS.length * 2);
    for (const { weight } of WEIGHTS) {
      const ofWeight = faces.filter((face) => face.includes(`font-weight:${weight}`));
      expect(ofWeight.map((face) => (face.includes(`fira-sans-${weight}-latin`) ? 'subset' : 'whole'))).toEqual(['whole', 'subset']);
      expect(ofWeight.every((face) => face.includes('font-display:swap'))).toBe(true);
    }
  });

  test.each([
    ['portal', () => buildPortal('/portal/'), '/portal/'],
    ['console', buildConsole, ''],
  ] as const)('the %s preloads the Latin subset of every weight its rules use, and no other font', async (_, build, prefix) => {
    const files = await build();
    const html = new TextDecoder().decode(files.get('index.html')!.contents);
    const css = new TextDecoder().decode(files.get('app.css')!.contents);
    // The weights of the rules (not of the @font-face declarations), `var(--x, 600)` read as its fallback.
    const rules = css.replaceAll(/@font-face\{[^}]*\}/g, '');
    const used = new Set([...rules.matchAll(/font-weight:(?:var\([^,)]+,\s*)?(\d+)/g)].map((match) => Number(match[1])));
    const preloads = [...html.matchAll(/<link rel="preload" href="([^"]+)" as="font" type="font\/woff2" crossorigin \/>/g)].map((match) => match[1]!);
    expect(preloads.length).toBe([...html.matchAll(/rel="preload"/g)].length);
    const weights = preloads.map((href) => {
      expect(href.startsWith(`${prefix}assets/`)).toBe(true);
      expect(files.has(href.slice(prefix.length))).toBe(true);
      return Number(/fira-sans-(\d+)-latin-[^/]+\.woff2$/.exec(href)?.[1]);
    });
    expect(weights.sort()).toEqual([...used].sort());
    expect(html.indexOf('rel="preload"')).toBeLessThan(html.indexOf('rel="stylesheet"'));
  });
});
