import { choicesOf, isSchema, resolveRef, type Schema } from '../../../console/shared/schemaText.ts';
import { matches } from './conditions.ts';
import type { Answers } from './pointer.ts';

/**
 * What the portal renders from a form's JSON Schema: for an object, the properties a citizen sees
 * with the answers so far (conditions applied), which of them are required; for each property,
 * the kind of field that asks for it; the pages of the form.
 */
export interface Property {
  name: string;
  schema: Schema;
  required: boolean;
}

interface Branch {
  active: boolean;
  schema: Schema;
}

/** The `if`/`then`/`else` branches of an object schema (its own and those inside `allOf`), each with whether it applies. */
function branchesOf(root: Schema, schema: Schema, value: Answers): Branch[] {
  const branches: Branch[] = [];
  const visit = (node: Schema): void => {
    if (node.if !== undefined) {
      const holds = matches(root, node.if, value);
      if (isSchema(node.then)) branches.push({ active: holds, schema: node.then });
      if (isSchema(node.else)) branches.push({ active: !holds, schema: node.else });
    }
    if (Array.isArray(node.allOf)) for (const sub of node.allOf) visit(resolveRef(root, sub));
  };
  visit(schema);
  return branches;
}

const mentions = (branch: Schema, name: string): boolean =>
  (Array.isArray(branch.required) && branch.required.includes(name)) || (isSchema(branch.properties) && Object.hasOwn(branch.properties, name) && branch.properties[name] !== false);

/**
 * The properties of an object schema that the citizen sees, in the schema's order. A property that
 * a condition's branch names (requires it, or allows it) is conditional: it shows only while such a
 * branch applies, and never while an applying branch forbids it (`"rent": false`).
 */
export function visibleProperties(root: Schema, node: unknown, value: unknown): Property[] {
  const schema = resolveRef(root, node);
  const answers = isSchema(value) ? value : {};
  const branches = branchesOf(root, schema, answers);
  const required = new Set<string>(Array.isArray(schema.required) ? schema.required.map(String) : []);
  for (const branch of branches) if (branch.active && Array.isArray(branch.schema.required)) branch.schema.required.forEach((name) => required.add(String(name)));
  const base = isSchema(schema.properties) ? schema.properties : {};
  const names = [...Object.keys(base)];
  for (const branch of branches) if (isSchema(branch.schema.properties)) for (const name of Object.keys(branch.schema.properties)) if (!names.includes(name)) names.push(name);
  const properties: Property[] = [];
  for (const name of names) {
    const naming = branches.filter((branch) => mentions(branch.schema, name));
    const forbidden = branches.some((branch) => branch.active && isSchema(branch.schema.properties) && branch.schema.properties[name] === false);
    if (forbidden || (naming.length > 0 && !naming.some((branch) => branch.active))) continue;
    const own = base[name];
    const fromBranch = naming.map((branch) => (branch.schema.properties as Schema | undefined)?.[name]).find(isSchema);
    const resolved = resolveRef(root, own ?? fromBranch);
    properties.push({ name, schema: isSchema(own) ? resolved : resolveRef(root, fromBranch), required: required.has(name) });
  }
  return properties;
}

export type FieldKind = 'group' | 'list' | 'files' | 'file' | 'choice' | 'consent' | 'yes-no' | 'date' | 'number' | 'integer' | 'email' | 'long-text' | 'text';

export function kindOf(root: Schema, schema: Schema): FieldKind {
  if (schema.type === 'object' || isSchema(schema.properties)) return 'group';
  if (schema.type === 'array') return isSchema(resolveRef(root, schema.items)['x-attachment']) ? 'files' : 'list';
  if (isSchema(schema['x-attachment'])) return 'file';
  if (schema.type === 'boolean') return schema.const === true ? 'consent' : 'yes-no';
  if (choicesOf(schema)) return 'choice';
  if (schema.format === 'date') return 'date';
  if (schema.type === 'integer') return 'integer';
  if (schema.type === 'number') return 'number';
  if (schema.format === 'email') return 'email';
  if (typeof schema.maxLength === 'number' && schema.maxLength > 300) return 'long-text';
  return 'text';
}

export interface Page {
  /** The heading: the group's title, or the overlay's. */
  title: { de: string; en: string } | undefined;
  /** The top-level properties it asks for (names), in order. */
  names: string[];
}

/** The optional `ui` overlay of a form definition: its pages, each a heading and the top-level properties by pointer. */
export interface UiOverlay {
  pages: { title: { de: string; en: string }; properties: string[] }[];
}

/**
 * The pages of a form: one per top-level group (object or list of objects); top-level properties
 * between groups are gathered on one page. With a `ui` overlay, its pages in its order.
 */
export function pagesOf(root: Schema, ui?: UiOverlay): Page[] {
  if (ui) return ui.pages.map((page) => ({ title: page.title, names: page.properties.map((pointer) => pointer.slice(1).replaceAll('~1', '/').replaceAll('~0', '~')) }));
  const all = isSchema(root.properties) ? Object.keys(root.properties) : [];
  for (const branch of branchesOf(root, root, {})) if (isSchema(branch.schema.properties)) for (const name of Object.keys(branch.schema.properties)) if (!all.includes(name)) all.push(name);
  const pages: Page[] = [];
  let loose: Page | undefined;
  for (const name of all) {
    const schema = resolveRef(root, (root.properties as Schema | undefined)?.[name]);
    const kind = kindOf(root, schema);
    const isGroup = kind === 'group' || (kind === 'list' && kindOf(root, resolveRef(root, schema.items)) === 'group');
    if (isGroup) {
      loose = undefined;
      pages.push({ title: undefined, names: [name] });
    } else {
      if (!loose) pages.push((loose = { title: undefined, names: [] }));
      loose.names.push(name);
    }
  }
  return pages;
}

/** The top-level properties of a page that the citizen sees with the answers so far. */
export const pageProperties = (root: Schema, page: Page, answers: Answers): Property[] =>
  visibleProperties(root, root, answers).filter((property) => page.names.includes(property.name));

/** The answers without what the citizen cannot see (a hidden branch) or left empty: what is submitted. */
export function submittable(root: Schema, node: unknown, value: unknown): unknown {
  const schema = resolveRef(root, node);
  if (Array.isArray(value)) return value.map((item) => submittable(root, schema.items, item) ?? (isSchema(item) ? {} : item));
  if (!isSchema(value)) return value === '' ? undefined : value;
  const out: Answers = {};
  for (const property of visibleProperties(root, schema, value)) {
    if (!Object.hasOwn(value, property.name)) continue;
    const kept = submittable(root, property.schema, value[property.name]);
    const emptyGroup = isSchema(kept) && Object.keys(kept).length === 0 && !property.required;
    if (kept !== undefined && !emptyGroup) Object.defineProperty(out, property.name, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
