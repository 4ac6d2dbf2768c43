/**
 * File fields of form schemas: `"x-attachment": { "mediaTypes": [...], "maxBytes": N }` on a string
 * property, or on the `items` of an array (several files, bounded by `maxItems`). The value the
 * form data holds there is the attachment id of an upload ticket.
 */

export const X_ATTACHMENT = 'x-attachment';
export const MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
/** Per file. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** All files of one submission together. */
export const MAX_SUBMISSION_BYTES = 50 * 1024 * 1024;
/** Attachment ids are ULIDs. */
export const ATTACHMENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export interface AttachmentSpec {
  readonly mediaTypes: readonly MediaType[];
  readonly maxBytes: number;
}

/** A place in form data where attachment ids stand: property names, `*` for every array element. */
export interface AttachmentSlot {
  readonly path: readonly string[];
  readonly spec: AttachmentSpec;
}

const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node = root;
  for (const raw of ref.slice(2).split('/')) {
    const token = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** Every attachment slot of a form schema (following local `$ref`s, conditionals and combinators). */
export function attachmentSlots(schema: Record<string, unknown>): AttachmentSlot[] {
  const slots: AttachmentSlot[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown, path: string[], depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > 64) return;
    const schemaNode = node as Record<string, unknown>;
    const spec = schemaNode[X_ATTACHMENT] as AttachmentSpec | undefined;
    if (spec !== undefined) {
      const key = path.join('/');
      if (!seen.has(key)) {
        seen.add(key);
        slots.push({ path: [...path], spec });
      }
    }
    if (typeof schemaNode.$ref === 'string') visit(resolveRef(schema, schemaNode.$ref), path, depth + 1);
    const properties = schemaNode.properties;
    if (typeof properties === 'object' && properties !== null) {
      for (const [name, sub] of Object.entries(properties)) visit(sub, [...path, name], depth + 1);
    }
    if (typeof schemaNode.items === 'object') visit(schemaNode.items, [...path, '*'], depth + 1);
    for (const list of SUBSCHEMA_LISTS) {
      const subs = schemaNode[list];
      if (Array.isArray(subs)) for (const sub of subs) visit(sub, path, depth + 1);
    }
    for (const branch of ['then', 'else'] as const) visit(schemaNode[branch], path, depth + 1);
  };
  visit(schema, [], 0);
  return slots;
}

/** RFC 6901 tokens of a pointer (`/incomeProofs/0` → `incomeProofs`, `0`); undefined if malformed. */
export function pointerTokens(pointer: string): string[] | undefined {
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const escapeToken = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');
const INDEX = /^(0|[1-9][0-9]{0,5})$/;

/** The attachment field a data pointer names (array elements by index), if it names one. */
export function attachmentSpecAt(schema: Record<string, unknown>, pointer: string): AttachmentSpec | undefined {
  const tokens = pointerTokens(pointer);
  if (tokens === undefined) return undefined;
  const slot = attachmentSlots(schema).find(
    (candidate) =>
      candidate.path.length === tokens.length &&
      candidate.path.every((part, index) => (part === '*' ? INDEX.test(tokens[index] ?? '') : part === tokens[index])),
  );
  return slot?.spec;
}

/** An attachment id in form data, with the data pointer where it stands. */
export interface AttachmentReference {
  readonly field: string;
  readonly attachmentId: string;
}

/** The attachment ids that (already validated) form data holds, each with its field's pointer. */
export function attachmentsIn(schema: Record<string, unknown>, data: unknown): AttachmentReference[] {
  const found: AttachmentReference[] = [];
  for (const slot of attachmentSlots(schema)) {
    const walk = (value: unknown, rest: readonly string[], pointer: string): void => {
      if (rest.length === 0) {
        if (typeof value === 'string') found.push({ field: pointer, attachmentId: value });
        return;
      }
      const [head, ...tail] = rest as [string, ...string[]];
      if (head === '*') {
        if (Array.isArray(value)) value.forEach((element, index) => walk(element, tail, `${pointer}/${index}`));
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, head)) {
        walk((value as Record<string, unknown>)[head], tail, `${pointer}/${escapeToken(head)}`);
      }
    };
    walk(data, slot.path, '');
  }
  return found;
}
