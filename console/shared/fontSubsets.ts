import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import subsetFont from 'subset-font';

/**
 * KERN's typeface, Fira Sans, as the front ends load it: KERN ships each weight whole (about
 * 130 KB of WOFF2, every script Fira covers); a page of ours needs Latin. So each weight KERN's
 * rules use (400, 500, 600; KERN sets no italics, and the browser takes 600 for bold) comes as a
 * Latin subset (Google Fonts' "latin" range: ASCII, Latin-1, the general punctuation, €, about
 * 27 KB), and KERN's whole file stays behind it for any other character (a name with ł or ş):
 * the browser downloads a face only for characters in its `unicode-range`, trying the face
 * declared last first. `font-display: swap` shows text at once in the fallback font.
 *
 * `npm run fonts` writes the subsets and fonts.css into console/shared/fonts/ (after an update of
 * @kern-ux/native); test/unit/frontends/fonts.test.ts fails when they differ from what it writes.
 */
export const FONTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fonts');

export const WEIGHTS = [
  { weight: 400, kernFile: 'FiraSans-Regular.woff2' },
  { weight: 500, kernFile: 'FiraSans-Medium.woff2' },
  { weight: 600, kernFile: 'FiraSans-SemiBold.woff2' },
] as const;

/** Google Fonts' "latin" subset, as `unicode-range` values. */
export const LATIN = ['U+0000-00FF', 'U+0131', 'U+0152-0153', 'U+02BB-02BC', 'U+02C6', 'U+02DA', 'U+02DC', 'U+2000-206F', 'U+2074', 'U+20AC', 'U+2122', 'U+2191', 'U+2193', 'U+2212', 'U+2215', 'U+FEFF', 'U+FFFD'];

const KERN_FONTS = join(dirname(createRequire(import.meta.url).resolve('@kern-ux/native/dist/kern.min.css')), 'fonts', 'fira-sans');

/** The characters of the Latin range (controls left out: a font has no glyphs for them). */
export function latinText(): string {
  const codePoints = LATIN.flatMap((range) => {
    const [from, to = from] = range.slice(2).split('-').map((hex) => Number.parseInt(hex, 16)) as [number, number?];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
  return String.fromCodePoint(...codePoints.filter((codePoint) => codePoint >= 0x20 && (codePoint < 0x7f || codePoint >= 0xa0)));
}

export const subsetFileOf = (weight: number): string => `fira-sans-${weight}-latin.woff2`;

/**
 * The weights KERN's rules in our pages use (body text 400; headings, labels, table headers and
 * `strong` 600; no rule sets 500), whose Latin subsets index.html preloads (build.ts): without it
 * the browser asks for a weight only when text in it is first laid out, and the app's first render
 * used the fallback font for headings and labels. Its text is wider (DejaVu Sans on Debian), so the
 * console's header wrapped onto one more line, and when Fira Sans SemiBold arrived the whole main
 * moved up by that line: Lighthouse's layout shift of 0.22 on the case list (issue 31).
 */
export const PRELOADED_WEIGHTS = [400, 600] as const;

/** The Latin subset of one of KERN's weights, WOFF2. */
export const latinSubsetOf = async (kernFile: string): Promise<Buffer> =>
  subsetFont(readFileSync(join(KERN_FONTS, kernFile)), latinText(), { targetFormat: 'woff2' });

/** fonts.css: per weight, KERN's whole file for what the subset lacks, then the subset (tried first). */
export function fontsCss(): string {
  const face = (weight: number, url: string, range: string) =>
    `@font-face {\n  font-family: 'Fira Sans';\n  font-style: normal;\n  font-weight: ${weight};\n  font-display: swap;\n  src: url('${url}') format('woff2');\n  unicode-range: ${range};\n}\n`;
  return [
    '/* Written by `npm run fonts` (console/shared/fontSubsets.ts): do not edit. */\n',
    ...WEIGHTS.flatMap(({ weight, kernFile }) => [
      face(weight, `@kern-ux/native/dist/fonts/fira-sans/${kernFile}`, 'U+0100-10FFFF'),
      face(weight, `./${subsetFileOf(weight)}`, LATIN.join(', ')),
    ]),
  ].join('');
}
