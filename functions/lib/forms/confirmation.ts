/**
 * The confirmation mail's address field (`"confirmation": { "emailPointer": "/applicant/email" }`):
 * the author's check that the pointer names a string property with `"format": "email"` in the form
 * schema, and reading the address from a case's data.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The tokens of an RFC 6901 pointer (`/a~1b/c` → `a/b`, `c`). */
export function pointerTokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Follows a local `$ref` (`#/$defs/email`) within the schema; anything else is left as it is. */
function resolve(root: Json, node: Json, seen = new Set<Json>()): Json {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/') || seen.has(node)) return node;
  seen.add(node);
  let target: unknown = root;
  for (const token of pointerTokens(ref.slice(1))) target = isObject(target) ? target[token] : undefined;
  return isObject(target) ? resolve(root, { ...target, ...Object.fromEntries(Object.entries(node).filter(([key]) => key !== '$ref')) }, seen) : node;
}

/**
 * The subschema a pointer into the data names (each token a declared property, through
 * `properties`, local `$ref`s followed), or where the path breaks off.
 */
export function schemaAt(schema: Json, pointer: string): { node: Json } | { missing: string } {
  let node: Json = resolve(schema, schema);
  let at = '';
  for (const token of pointerTokens(pointer)) {
    const properties = node.properties;
    const next = isObject(properties) ? properties[token] : undefined;
    at += `/${token}`;
    if (!isObject(next)) return { missing: at };
    node = resolve(schema, next);
  }
  return { node };
}

/**
 * Why the pointer does not name an e-mail field of the schema, or undefined when it does: each
 * token must be a declared property (through `properties`, local `$ref`s followed), ending at
 * `"type": "string"` with `"format": "email"`.
 */
export function emailPointerProblem(schema: Json, pointer: string): string | undefined {
  const found = schemaAt(schema, pointer);
  if ('missing' in found) return `confirmation.emailPointer "${pointer}": the schema declares no property ${found.missing} (in "properties", local $refs followed)`;
  const { node } = found;
  if (node.type !== 'string' || node.format !== 'email') {
    const at = pointer.length > 0 ? pointerTokens(pointer).map((token) => `/${token}`).join('') : '';
    return `confirmation.emailPointer "${pointer}" must name a string property with "format": "email"; ${at} has type ${JSON.stringify(node.type) ?? '(none)'} and format ${JSON.stringify(node.format) ?? '(none)'}`;
  }
  return undefined;
}

/** The address at the pointer in a case's data, if the citizen gave one. */
export function addressAt(data: unknown, pointer: string): string | undefined {
  let node = data;
  for (const token of pointerTokens(pointer)) {
    if (!isObject(node) || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return typeof node === 'string' && node.length > 0 ? node : undefined;
}
