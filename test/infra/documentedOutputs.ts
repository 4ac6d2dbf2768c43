import { readFileSync } from 'node:fs';
import type { Synthesized } from './synth.ts';

/**
 * The outputs docs/deploy.md's "Stack outputs" table names: every `Name` in a row's first cell, a
 * `<placeholder>` in it standing for a part that depends on the configuration or on CDK (`<office>`,
 * `<hash>`).
 */
export function documentedOutputs(): { name: string; pattern: RegExp }[] {
  const docs = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
  const start = docs.indexOf('\n### Stack outputs\n');
  if (start === -1) throw new Error('docs/deploy.md: no section "### Stack outputs"');
  const section = docs.slice(start + 1, docs.indexOf('\n#', start + 2));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) =>
    [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map(([, name = '']) => ({
      name,
      pattern: new RegExp(`^${name.replace(/<hash>/g, '[0-9A-F]{8}').replace(/<[a-z]+>/g, '[A-Za-z0-9]+')}$`),
    })),
  );
}

/** The stack's outputs, by the names the template gives them (what `cdk deploy` prints). */
export function outputsOf(synthesized: Synthesized): string[] {
  return Object.keys((synthesized.template.toJSON().Outputs ?? {}) as object);
}

/** Outputs of the stack that the table does not name. */
export function undocumentedOutputs(synthesized: Synthesized): string[] {
  const documented = documentedOutputs();
  return outputsOf(synthesized).filter((output) => !documented.some(({ pattern }) => pattern.test(output)));
}
