import { ATTRIBUTE_NAMES } from '#lib/bundid/levels.ts';
import { schemaAt } from './confirmation.ts';
import type { FormDefinition } from './definition.ts';

/**
 * The author's check of a form's `authentication` (API.md, *Citizen sign-in*): every `prefill`
 * pointer names a string property of the schema (not an object, not a number: BundID releases
 * text), and every attribute is one BundID releases. The meta-schema checks the shapes; this
 * checks them against the form's own schema. Undefined when all hold.
 */
export function prefillProblem(definition: Pick<FormDefinition, 'schema' | 'authentication'>): string | undefined {
  for (const [pointer, attribute] of Object.entries(definition.authentication?.prefill ?? {})) {
    if (!(ATTRIBUTE_NAMES as readonly string[]).includes(attribute)) {
      return `authentication.prefill "${pointer}": "${attribute}" is no BundID attribute; use one of ${ATTRIBUTE_NAMES.join(', ')}`;
    }
    const found = schemaAt(definition.schema, pointer);
    if ('missing' in found) return `authentication.prefill "${pointer}": the schema declares no property ${found.missing} (in "properties", local $refs followed)`;
    if (found.node.type !== 'string') {
      return `authentication.prefill "${pointer}" must name a string property; it has type ${JSON.stringify(found.node.type) ?? '(none)'}`;
    }
  }
  return undefined;
}
