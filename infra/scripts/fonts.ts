import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FONTS_DIR, WEIGHTS, fontsCss, latinSubsetOf, subsetFileOf } from '../../console/shared/fontSubsets.ts';
import { exitUnlessNoArguments } from './noArguments.ts';

/**
 * `npm run fonts`: writes the Latin subsets of KERN's Fira Sans and their fonts.css into
 * console/shared/fonts/ (run it after updating @kern-ux/native; a unit test fails while they differ).
 */
const USAGE = "usage: npm run fonts [-- --help]\n\nWrites the Latin subsets of KERN's Fira Sans and fonts.css into console/shared/fonts/ (takes no arguments).";
exitUnlessNoArguments(USAGE);
for (const { weight, kernFile } of WEIGHTS) {
  const file = join(FONTS_DIR, subsetFileOf(weight));
  writeFileSync(file, await latinSubsetOf(kernFile));
  console.log(`wrote ${file}`);
}
writeFileSync(join(FONTS_DIR, 'fonts.css'), fontsCss());
console.log(`wrote ${join(FONTS_DIR, 'fonts.css')}`);
