import { isSchema, resolveRef, type Schema } from '../../../console/shared/schemaText.ts';

/**
 * Whether a value matches a subschema, for the `if` of a form's conditions (`if`/`then`/`else`):
 * the keywords conditions use (`const`, `enum`, `type`, `required`, `properties`, `items`,
 * `contains`, `minimum`/`maximum`, `allOf`/`anyOf`/`oneOf`/`not`). A keyword it does not know
 * counts as satisfied; the server validates the whole schema in any case.
 */
const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function matches(root: Schema, schemaNode: unknown, value: unknown): boolean {
  if (schemaNode === true || schemaNode === undefined) return true;
  if (schemaNode === false) return false;
  const schema = resolveRef(root, schemaNode);
  if ('const' in schema && !equal(schema.const, value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => equal(option, value))) return false;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!types.some((type) => type === actual || (type === 'number' && actual === 'integer'))) return false;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
  }
  if (isSchema(value)) {
    if (Array.isArray(schema.required) && !schema.required.every((name) => Object.hasOwn(value, String(name)))) return false;
    if (isSchema(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) if (Object.hasOwn(value, name) && !matches(root, sub, value[name])) return false;
    }
  }
  if (Array.isArray(value)) {
    if (schema.items !== undefined && !value.every((item) => matches(root, schema.items, item))) return false;
    if (schema.contains !== undefined && !value.some((item) => matches(root, schema.contains, item))) return false;
  }
  if (Array.isArray(schema.allOf) && !schema.allOf.every((sub) => matches(root, sub, value))) return false;
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((sub) => matches(root, sub, value))) return false;
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((sub) => matches(root, sub, value)).length !== 1) return false;
  if (schema.not !== undefined && matches(root, schema.not, value)) return false;
  return true;
}
