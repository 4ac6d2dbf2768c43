/**
 * Drops from a stylesheet what an app's markup cannot use (KERN ships ~340 KB for every component
 * and utility; a page of the portal uses a few dozen classes): a style rule's selector survives
 * when every class, id and attribute name it requires at its top level is a word of the app's
 * built code (`app.js`, `index.html`), the way PurgeCSS's default extractor reads content; custom
 * properties survive when a surviving rule (or a surviving property) reads them. Conservative:
 * what a selector names inside `:is()`, `:where()`, `:not()` or `:has()` never removes it, and
 * at-rules other than the grouping ones (`@media`, `@supports`, `@layer`, `@container`) are kept
 * as they are. Synchronous, so the CDK stack's build (buildSync) can run it too.
 *
 * The classes an app names must therefore appear whole in its code (`'kern-alert--danger'`, not
 * `` `kern-alert--${kind}` ``): test/unit/frontends/weight.test.ts checks that every KERN class the
 * built code names keeps its rules.
 */

/** The words of the app's code: what a class, id or attribute name must be among to be kept. */
export const wordsOf = (...contents: string[]): Set<string> => new Set(contents.flatMap((content) => content.match(/[A-Za-z0-9_-]+/g) ?? []));

type Node = { kind: 'statement'; text: string } | { kind: 'block'; prelude: string; body: string };

const GROUPING = /^@(media|supports|layer|container)\b/i;

/** Where the string or comment starting at `i` ends (the index after it), or `i` when none starts there. */
function skipQuoted(text: string, i: number): number {
  const c = text[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (c === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  return i;
}

/** The characters of `text` that are syntax, with their index: strings and comments skipped whole. */
function* syntax(text: string): Generator<[number, string]> {
  for (let i = 0; i < text.length; i += 1) {
    const skipped = skipQuoted(text, i);
    if (skipped !== i) i = skipped - 1;
    else yield [i, text[i]!];
  }
}

/** The top-level statements and blocks of a stylesheet (or of a grouping rule's body). */
function parse(text: string): Node[] {
  const nodes: Node[] = [];
  let depth = 0;
  let start = 0;
  let open = -1;
  for (const [i, c] of syntax(text)) {
    if (c === '{') {
      if (depth === 0) open = i;
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0) {
        nodes.push({ kind: 'block', prelude: text.slice(start, open).trim(), body: text.slice(open + 1, i) });
        start = i + 1;
      }
    } else if (c === ';' && depth === 0) {
      nodes.push({ kind: 'statement', text: text.slice(start, i + 1).trim() });
      start = i + 1;
    }
  }
  const rest = text.slice(start).trim();
  if (rest) nodes.push({ kind: 'statement', text: rest });
  return nodes;
}

/** `text` split at top-level `separator`s (outside strings, brackets and parentheses). */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const [i, c] of syntax(text)) {
    if (c === '(' || c === '[') depth += 1;
    else if (c === ')' || c === ']') depth -= 1;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** A selector without the arguments of its functional pseudo-classes (`:not(...)` → `:not`). */
function withoutArguments(selector: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < selector.length; i += 1) {
    const c = selector[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Whether the app can match a selector: every class, id and attribute name it requires is a word of the app. */
export function selectorUsed(selector: string, words: ReadonlySet<string>): boolean {
  const top = withoutArguments(selector);
  const names = [...top.matchAll(/[.#]([A-Za-z_-][A-Za-z0-9_-]*)|\[\s*([A-Za-z_-][A-Za-z0-9_-]*)/g)].map((match) => match[1] ?? match[2]!);
  return names.every((name) => words.has(name));
}

function purgeRules(nodes: Node[], words: ReadonlySet<string>): Node[] {
  const kept: Node[] = [];
  for (const node of nodes) {
    if (node.kind === 'statement' || node.prelude.startsWith('@')) {
      if (node.kind === 'block' && GROUPING.test(node.prelude)) {
        const body = purgeRules(parse(node.body), words);
        if (body.length > 0) kept.push({ ...node, body: serialize(body) });
      } else kept.push(node);
      continue;
    }
    const selectors = splitTopLevel(node.prelude, ',').filter((selector) => selectorUsed(selector, words));
    if (selectors.length > 0) kept.push({ ...node, prelude: selectors.join(',') });
  }
  return kept;
}

const serialize = (nodes: Node[]): string => nodes.map((node) => (node.kind === 'statement' ? node.text : `${node.prelude}{${node.body}}`)).join('');

const CUSTOM = /^\s*(--[A-Za-z0-9_-]+)\s*:/;
const READS = /var\(\s*(--[A-Za-z0-9_-]+)/g;

/** Every declaration of every style rule, with the rule's body it belongs to. */
function* declarations(nodes: Node[]): Generator<string> {
  for (const node of nodes) {
    if (node.kind === 'statement') continue;
    if (GROUPING.test(node.prelude)) yield* declarations(parse(node.body));
    else yield* splitTopLevel(node.body, ';');
  }
}

/** The custom properties the stylesheet reads, following the properties that read others. */
function customPropertiesRead(nodes: Node[]): Set<string> {
  const definitions = new Map<string, string[]>();
  const read = new Set<string>();
  const pending: string[] = [];
  const reads = (value: string) => {
    for (const match of value.matchAll(READS)) {
      if (!read.has(match[1]!)) {
        read.add(match[1]!);
        pending.push(match[1]!);
      }
    }
  };
  for (const declaration of declarations(nodes)) {
    const custom = CUSTOM.exec(declaration);
    if (custom) definitions.set(custom[1]!, [...(definitions.get(custom[1]!) ?? []), declaration]);
    else reads(declaration);
  }
  while (pending.length > 0) for (const value of definitions.get(pending.pop()!) ?? []) reads(value);
  return read;
}

function purgeCustomProperties(nodes: Node[], read: ReadonlySet<string>): Node[] {
  const kept: Node[] = [];
  for (const node of nodes) {
    if (node.kind === 'statement' || (node.prelude.startsWith('@') && !GROUPING.test(node.prelude))) {
      kept.push(node);
      continue;
    }
    if (GROUPING.test(node.prelude)) {
      const body = purgeCustomProperties(parse(node.body), read);
      if (body.length > 0) kept.push({ ...node, body: serialize(body) });
      continue;
    }
    const body = splitTopLevel(node.body, ';').filter((declaration) => {
      const custom = CUSTOM.exec(declaration);
      return declaration.trim() !== '' && (!custom || read.has(custom[1]!));
    });
    if (body.length > 0) kept.push({ ...node, body: body.join(';') });
  }
  return kept;
}

/** The stylesheet without the rules and custom properties the app's words cannot use. */
export function purgeCss(css: string, words: ReadonlySet<string>): string {
  const rules = purgeRules(parse(css), words);
  return serialize(purgeCustomProperties(rules, customPropertiesRead(rules)));
}
