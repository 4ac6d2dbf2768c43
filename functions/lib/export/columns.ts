/**
 * The columns of an export: one per leaf JSON Pointer (RFC 6901) of a form's schema. A leaf is a
 * property that is not an object with properties of its own: strings, numbers, booleans, enums,
 * and arrays (an array is one cell). Local `$ref`s (`#/$defs/...`) are followed; the properties of
 * `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else` branches count as properties of the object they sit
 * in. Several schemas (every version of a form) give the union of their pointers, in the order of
 * first appearance, latest version first.
 */
type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export const escapePointerToken = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapePointerToken = (token: string): string => token.replaceAll('~1', '/').replaceAll('~0', '~');

/** Resolves a local `$ref` (`#/...`) against the root schema; anything else stays as it is. */
function resolve(root: Schema, node: Schema, seen: Set<string>): Schema {
  let current = node;
  while (typeof current.$ref === 'string' && current.$ref.startsWith('#')) {
    const ref = current.$ref;
    if (seen.has(ref)) return {};
    seen.add(ref);
    let target: unknown = root;
    for (const token of ref.slice(1).split('/').filter(Boolean).map(unescapePointerToken)) {
      target = isObject(target) ? target[token] : undefined;
    }
    // A $ref with siblings (title next to $ref): the siblings add to what the target says.
    const { $ref: _ref, ...siblings } = current;
    current = { ...(isObject(target) ? target : {}), ...siblings };
  }
  return current;
}

/** The properties of an object schema, its branches' included, in order of appearance. */
function propertiesOf(root: Schema, node: Schema, seen: Set<string>): Map<string, Schema> {
  const found = new Map<string, Schema>();
  const visit = (candidate: unknown): void => {
    if (!isObject(candidate)) return;
    const schema = resolve(root, candidate, new Set(seen));
    if (isObject(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) {
        const merged = found.get(name);
        if (isObject(sub)) found.set(name, merged ? { ...merged, ...sub } : sub);
        else if (!merged) found.set(name, {}); // `"guardian": true` in a branch: known, no shape of its own
      }
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      const branches = schema[keyword];
      if (Array.isArray(branches)) branches.forEach(visit);
    }
    for (const keyword of ['if', 'then', 'else']) visit(schema[keyword]);
  };
  visit(node);
  return found;
}

function collect(root: Schema, node: Schema, pointer: string, into: string[], seen: Set<string>, depth: number): void {
  const schema = resolve(root, node, new Set(seen));
  const properties = depth > 32 ? new Map<string, Schema>() : propertiesOf(root, schema, seen);
  if (properties.size === 0) {
    if (pointer !== '' && !into.includes(pointer)) into.push(pointer);
    return;
  }
  for (const [name, sub] of properties) collect(root, sub, `${pointer}/${escapePointerToken(name)}`, into, seen, depth + 1);
}

/** The leaf pointers of one form schema. */
export function leafPointers(schema: Schema): string[] {
  const pointers: string[] = [];
  collect(schema, schema, '', pointers, new Set(), 0);
  return pointers;
}

/** The union of the leaf pointers of several schemas (every version of a form, latest first). */
export function columnsOf(schemas: readonly Schema[]): string[] {
  const columns: string[] = [];
  for (const schema of schemas) for (const pointer of leafPointers(schema)) if (!columns.includes(pointer)) columns.push(pointer);
  return columns;
}

/** The value at a JSON Pointer, undefined when any step is missing. Own properties only. */
export function valueAt(data: unknown, pointer: string): unknown {
  let current: unknown = data;
  for (const token of pointer.split('/').slice(1).map(unescapePointerToken)) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token)) current = current[Number(token)];
    else if (isObject(current) && Object.hasOwn(current, token)) current = current[token];
    else return undefined;
  }
  return current;
}
