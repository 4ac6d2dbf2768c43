/**
 * The optional `ui` overlay of a form definition (API.md, Form definitions on disk): the portal's
 * pages, in order, each a heading and the top-level properties it asks for, by JSON Pointer. It
 * never changes what is valid; it must name real top-level properties, each on exactly one page,
 * and leave none out (a property on no page could never be answered).
 */
export interface UiOverlay {
  pages: { title: { de: string; en: string }; properties: string[] }[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The top-level property names a schema declares: in `properties`, and in the branches of its conditions. */
export function topLevelProperties(schema: Json): string[] {
  const names: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (!isObject(node) || depth > 8) return;
    if (isObject(node.properties)) for (const name of Object.keys(node.properties)) if (!names.includes(name)) names.push(name);
    for (const keyword of ['then', 'else']) visit(node[keyword], depth + 1);
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(node[keyword])) for (const sub of node[keyword] as unknown[]) visit(sub, depth + 1);
  };
  visit(schema, 0);
  return names;
}

const nameOf = (pointer: string): string | undefined => {
  const tokens = pointer.slice(1).split('/');
  return pointer.startsWith('/') && tokens.length === 1 ? tokens[0]!.replaceAll('~1', '/').replaceAll('~0', '~') : undefined;
};

/** What is wrong with an overlay, in words for the form's author; undefined when nothing is. */
export function uiOverlayProblem(schema: Json, ui: UiOverlay): string | undefined {
  const declared = topLevelProperties(schema);
  const placed = new Map<string, number>();
  for (const [index, page] of ui.pages.entries()) {
    for (const pointer of page.properties) {
      const name = nameOf(pointer);
      if (name === undefined) return `ui.pages[${index}]: "${pointer}" is not a top-level property's pointer (like "/applicant")`;
      if (!declared.includes(name)) return `ui.pages[${index}]: "${pointer}" names no property of the schema`;
      if (placed.has(name)) return `ui.pages[${index}]: "${pointer}" is already on page ${placed.get(name)! + 1}`;
      placed.set(name, index);
    }
  }
  const missing = declared.filter((name) => !placed.has(name));
  return missing.length > 0 ? `ui: the properties ${missing.map((name) => `"/${name}"`).join(', ')} are on no page` : undefined;
}
