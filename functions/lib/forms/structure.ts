import { MAX_DATA_DEPTH, MAX_DATA_VALUES } from './issues.ts';

/**
 * Whether a form schema alone keeps valid data within the structural limits (MAX_DATA_DEPTH,
 * MAX_DATA_VALUES). When it does, data that passes the schema needs no walk to measure it: the
 * schema's own bounds (`additionalProperties: false`, `maxItems`, `const`, `enum`, scalar types)
 * already are the measure, and the validator skips the walk for valid data (issues.ts). The answer
 * errs on one side only: whatever this cannot bound from the schema is unbounded, and data valid
 * against such a schema is walked as before.
 */

/** The most a valid instance can hold: `values` counted as the walk counts them, `depth` the deepest container's level (-1: no container). */
interface Bound {
  values: number;
  depth: number;
}

const UNBOUNDED: Bound = { values: Number.POSITIVE_INFINITY, depth: Number.POSITIVE_INFINITY };
const SCALAR: Bound = { values: 1, depth: -1 };
const NOTHING: Bound = { values: 0, depth: -1 };
/** $ref chains are one level deep in a form schema (validation.ts); this only stops a malformed schema from looping. */
const MAX_NESTING = 256;

const larger = (a: Bound, b: Bound): Bound => ({ values: Math.max(a.values, b.values), depth: Math.max(a.depth, b.depth) });
const smaller = (a: Bound, b: Bound): Bound => ({ values: Math.min(a.values, b.values), depth: Math.min(a.depth, b.depth) });
const largest = (bounds: Bound[]): Bound => bounds.reduce(larger, NOTHING);

/** The subschema a local reference such as `#/$defs/address` points at (RFC 6901 in a URI fragment). */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref !== '#' && !ref.startsWith('#/')) return undefined;
  let node = root;
  for (const token of ref === '#' ? [] : decodeURIComponent(ref.slice(2)).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A JSON value's own measure. */
function boundOfValue(value: unknown): Bound {
  if (typeof value !== 'object' || value === null) return SCALAR;
  const children = Object.values(value).map(boundOfValue);
  return { values: 1 + children.reduce((sum, child) => sum + child.values, 0), depth: 1 + Math.max(-1, ...children.map((child) => child.depth)) };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function container(children: Bound[], extra = 0): Bound {
  return { values: 1 + extra + children.reduce((sum, child) => sum + child.values, 0), depth: 1 + Math.max(-1, ...children.map((child) => child.depth)) };
}

/** What the schema's `type` (with the keywords of that type) allows. */
function boundOfType(schema: Record<string, unknown>, root: unknown, nesting: number): Bound {
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : undefined;
  if (types === undefined) return UNBOUNDED;
  return largest(
    types.map((type) => {
      switch (type) {
        case 'string':
        case 'number':
        case 'integer':
        case 'boolean':
        case 'null':
          return SCALAR;
        case 'object': {
          if (schema.additionalProperties !== false || schema.patternProperties !== undefined) return UNBOUNDED;
          const properties = isObject(schema.properties) ? Object.values(schema.properties) : [];
          return container(properties.map((property) => boundOf(property, root, nesting + 1)));
        }
        case 'array': {
          if (schema.prefixItems !== undefined || typeof schema.maxItems !== 'number' || schema.items === undefined) return UNBOUNDED;
          const item = boundOf(schema.items, root, nesting + 1);
          return { values: 1 + schema.maxItems * item.values, depth: schema.maxItems === 0 ? 0 : 1 + Math.max(-1, item.depth) };
        }
        default:
          return UNBOUNDED;
      }
    }),
  );
}

/** The most an instance valid against `schema` can hold: every keyword that must hold narrows it. */
function boundOf(schema: unknown, root: unknown, nesting: number): Bound {
  if (schema === false) return NOTHING;
  if (!isObject(schema) || nesting > MAX_NESTING) return UNBOUNDED;
  let bound = boundOfType(schema, root, nesting);
  if (Object.hasOwn(schema, 'const')) bound = smaller(bound, boundOfValue(schema.const));
  if (Array.isArray(schema.enum)) bound = smaller(bound, largest(schema.enum.map(boundOfValue)));
  if (typeof schema.$ref === 'string') {
    const target = resolveLocalRef(root, schema.$ref);
    if (target !== undefined) bound = smaller(bound, boundOf(target, root, nesting + 1));
  }
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) bound = smaller(bound, boundOf(part, root, nesting + 1));
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) bound = smaller(bound, largest(branches.map((branch) => boundOf(branch, root, nesting + 1))));
  }
  if (schema.if !== undefined) {
    bound = smaller(bound, larger(boundOf(schema.then ?? true, root, nesting + 1), boundOf(schema.else ?? true, root, nesting + 1)));
  }
  return bound;
}

/** True when every instance valid against `schema` keeps within MAX_DATA_DEPTH and MAX_DATA_VALUES. */
export function validInstancesWithinLimits(schema: unknown): boolean {
  const bound = boundOf(schema, schema, 0);
  return bound.values <= MAX_DATA_VALUES && bound.depth <= MAX_DATA_DEPTH;
}

/** The measure the limits are checked against, for tests and authors: how much the schema lets valid data hold. */
export function validInstanceBound(schema: unknown): Bound {
  return boundOf(schema, schema, 0);
}
