import { join } from 'node:path';
import { checkSync } from 'recheck';
import { FormDefinitionError, loadFormCatalogue, type FormCatalogue, type FormDefinition } from '#lib/forms/catalogue.ts';

/**
 * A form author's regular expression runs on every submission, on data an attacker chooses, and
 * with Ajv's `allErrors` even past a failed `maxLength`. A pattern whose matching time grows
 * faster than linearly with the input (`^(\p{L}+[ -]?)+$`: 1.6 s for 28 characters, ×4 per two
 * more) would let one request occupy a function. The ReDoS checker recheck (automata theory plus
 * fuzzing, pure JavaScript, run at build time only) refuses those before a form is published.
 */
export interface PatternFinding {
  /** JSON Pointer into the form's schema. */
  readonly pointer: string;
  readonly pattern: string;
  readonly complexity: string;
}

const escape = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** Every `pattern` and `patternProperties` key of a schema, with where it stands. */
function patternsOf(node: unknown, pointer: string, found: { pointer: string; pattern: string }[] = []): { pointer: string; pattern: string }[] {
  if (Array.isArray(node)) {
    node.forEach((child, index) => patternsOf(child, `${pointer}/${index}`, found));
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.push({ pointer: `${pointer}/pattern`, pattern: value });
      if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
        for (const name of Object.keys(value)) found.push({ pointer: `${pointer}/patternProperties/${escape(name)}`, pattern: name });
      }
      patternsOf(value, `${pointer}/${escape(key)}`, found);
    }
  }
  return found;
}

/**
 * recheck's verdict on each pattern this process has checked. The forms repeat a few patterns (35
 * uses of 5 in the shipped forms), every synth, bundled function and local stack start checks the
 * catalogue, and one check takes a round trip to recheck's agent: its verdict depends on the pattern
 * alone (its fuzzing starts from a fixed seed), so each pattern is checked once.
 */
const verdicts = new Map<string, ReturnType<typeof checkSync>>();

function verdictOn(pattern: string): ReturnType<typeof checkSync> {
  let verdict = verdicts.get(pattern);
  if (!verdict) {
    verdict = checkSync(pattern, 'u');
    verdicts.set(pattern, verdict);
  }
  return verdict;
}

/** The patterns of a form whose matching time is super-linear (Ajv compiles patterns with the `u` flag). */
export function superLinearPatterns(schema: unknown): PatternFinding[] {
  return patternsOf(schema, '/schema').flatMap(({ pointer, pattern }) => {
    const diagnostics = verdictOn(pattern);
    if (diagnostics.status === 'safe') return [];
    const complexity = diagnostics.status === 'vulnerable' ? diagnostics.complexity.type : `not decidable (${diagnostics.status})`;
    return [{ pointer, pattern, complexity }];
  });
}

/** Throws a FormDefinitionError naming the file and the pattern, unless every pattern of the form is linear. */
export function assertLinearPatterns(formsDir: string, form: FormDefinition): void {
  const [finding] = superLinearPatterns(form.schema);
  if (!finding) return;
  throw new FormDefinitionError(
    join(formsDir, form.id, `v${form.version}.json`),
    `the pattern ${JSON.stringify(finding.pattern)} at ${finding.pointer} can take ${finding.complexity} time on hostile input ` +
      '(catastrophic backtracking). Rewrite it without nested or overlapping repetition, e.g. ^[\\p{L} -]{1,80}$ instead of ^(\\p{L}+[ -]?)+$.',
  );
}

/**
 * The catalogue as the build, `npm run forms:check` and the local stack load it: every definition
 * checked against the meta-schema, every schema compiled, and every pattern proven linear.
 */
export function loadCheckedCatalogue(formsDir: string): FormCatalogue {
  const catalogue = loadFormCatalogue(formsDir);
  for (const form of catalogue.all()) assertLinearPatterns(formsDir, form);
  return catalogue;
}
