import fc from 'fast-check';
import { loadForms, withMarker } from './markedForms.ts';

// Hostile JSON for generated requests: a tree that can hold what JSON.stringify cannot write
// (duplicate keys, `__proto__` as a key, numbers like 1e400, raw escapes, deep nesting), the
// hostile pieces fast-check draws from, and mutations of a valid application.

// ---- JSON with everything JSON.stringify cannot write -----------------------------------------

/** Verbatim JSON text: numbers like 1e400 or -0, escapes, deep nesting, broken syntax. */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
/** An object as a list of members: duplicate keys, and `__proto__` as an ordinary key. */
export class Members {
  readonly entries: [string, Tree][];
  constructor(entries: [string, Tree][]) {
    this.entries = entries;
  }
}
export type Tree = null | boolean | number | string | Raw | Members | Tree[];

export function serialise(tree: Tree, indent: string): string {
  if (tree instanceof Raw) return tree.text;
  if (tree instanceof Members) {
    const inner = tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${indent}${serialise(value, indent)}`);
    return `{${inner.join(`,${indent}`)}}`;
  }
  if (Array.isArray(tree)) return `[${tree.map((item) => serialise(item, indent)).join(`,${indent}`)}]`;
  return JSON.stringify(tree);
}

/** Plain JSON data into a tree (objects become member lists, so they can be mutated as such). */
function toTree(value: unknown): Tree {
  if (Array.isArray(value)) return value.map(toTree);
  if (value !== null && typeof value === 'object') return new Members(Object.entries(value).map(([key, inner]) => [key, toTree(inner)]));
  return value as Tree;
}

/**
 * The forms a citizen submits without sign-in, from the catalogue, each with the slot in its
 * sample where a marker can stand (markedForms.ts).
 */
const FORMS = loadForms();
export const FORM_IDS = FORMS.map((form) => form.formId);

export function validData(formId: string, marker: string): Tree {
  const form = FORMS.find((candidate) => candidate.formId === formId)!;
  return toTree(withMarker(form.sample, form.slot, marker));
}

/** Every path to a value inside a tree, for mutations. */
function paths(tree: Tree, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (tree instanceof Members) tree.entries.forEach(([, value], i) => out.push(...paths(value, [...prefix, i])));
  else if (Array.isArray(tree)) tree.forEach((value, i) => out.push(...paths(value, [...prefix, i])));
  return out;
}

function replaceAt(tree: Tree, path: (string | number)[], replace: (old: Tree) => Tree): Tree {
  if (path.length === 0) return replace(tree);
  const [head, ...rest] = path;
  if (tree instanceof Members) {
    return new Members(tree.entries.map(([key, value], i) => [key, i === head ? replaceAt(value, rest, replace) : value]));
  }
  if (Array.isArray(tree)) return tree.map((value, i) => (i === head ? replaceAt(value, rest, replace) : value));
  return tree;
}

// ---- hostile pieces -----------------------------------------------------------------------------

const HOSTILE_NUMBERS = ['1e400', '-1e400', '-0', '-0.0', '1e-400', '0e0', '123456789012345678901234567890', '1.7976931348623157e308', '5e-324', '0.1e1', '1E+2', '-', '01', '.5', '1.', '+1', 'NaN', 'Infinity', '0x10', '1_000'];

/** Keys that differ from the expected ones only to the eye, or are object machinery in JavaScript. */
const LOOKALIKE_KEYS = ['dаta', 'dat\u0430', 'data\u200b', '\u200bdata', 'ｄａｔａ', 'Data', 'DATA', 'data ', 'formVersion\u0000', 'formVersİon', 'familyNаme', 'applicant\u00ad', '\ufeffdata'];
const MACHINERY_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf', '__lookupSetter__', 'toJSON'];

const RAW_STRINGS = ['"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"\\u202e\\u0041"', '"a\\/b"', '"\\u0064ata"', '"\\uFFFF"', '"\\x41"', '"\\u00"', '"\t"', '"\u0001"'];

export const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf], // overlong '/'
  [0xe0, 0x80, 0xaf], // overlong
  [0xed, 0xa0, 0x80], // UTF-8 encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xc3], // truncated
  [0x80],
  [0xf0, 0x9f, 0x98], // truncated emoji
  [0x00],
];

const hugeString = fc
  .record({ unit: fc.constantFrom('x', 'ä', '😀', '\\u0000', '\\"', ' ', '\u202e'), length: fc.integer({ min: 10_000, max: 300_000 }) })
  .map(({ unit, length }) => new Raw(`"${unit.repeat(Math.ceil(length / unit.length))}"`));

const deepNesting = fc
  .record({ open: fc.constantFrom('[', '{"a":', '{"__proto__":', '[{"x":'), depth: fc.integer({ min: 33, max: 60_000 }), closed: fc.boolean() })
  .map(({ open, depth, closed }) => {
    const close = open === '[' ? ']' : open === '[{"x":' ? '}]' : '}';
    return new Raw(`${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`);
  });

const hugeArray = fc
  .record({ item: fc.constantFrom('0', '""', '{}', '[]', 'null', '"a"', '1e400'), length: fc.integer({ min: 5_001, max: 90_000 }) })
  .map(({ item, length }) => new Raw(`[${Array.from({ length }, () => item).join(',')}]`));

const jsonLeaf: fc.Arbitrary<Tree> = fc.oneof(
  fc.constantFrom<Tree>(null, true, false, 0, -1, '', ' '),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(...HOSTILE_NUMBERS).map((text) => new Raw(text)),
  fc.constantFrom(...RAW_STRINGS).map((text) => new Raw(text)),
);

export const hostileKey = fc.oneof(
  fc.constantFrom(...LOOKALIKE_KEYS, ...MACHINERY_KEYS),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '/', '~', '~1', 'a/b~c', '$ref', '__proto__.polluted', 'constructor.prototype'),
);

/** Small random JSON trees with hostile keys and leaves, duplicate keys included. */
const smallTree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('tree'), { maxLength: 5 }),
    fc.array(fc.tuple(hostileKey, tie('tree')), { maxLength: 5 }).map((entries) => new Members(entries)),
  ),
})).tree;

export const hostileValue: fc.Arbitrary<Tree> = fc.oneof(
  { weight: 4, arbitrary: smallTree },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: hugeArray },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS).map((text) => new Raw(text)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...MACHINERY_KEYS), smallTree)
      .map(([key, value]) => new Members([[key, value], ['polluted', true]])),
  },
);

export type Mutation = (data: Tree, marker: string) => Tree;

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // replace any value (or the whole data) by a hostile one
  fc.tuple(fc.nat(), hostileValue).map(([pick, value]): Mutation => (data) => {
    const all = paths(data);
    return replaceAt(data, all[pick % all.length]!, () => value);
  }),
  // add a member with a hostile or look-alike key next to the existing ones
  fc.tuple(fc.nat(), hostileKey, hostileValue).map(([pick, key, value]): Mutation => (data) => {
    const objects = paths(data).filter((path) => {
      let node: Tree = data;
      for (const step of path) node = node instanceof Members ? node.entries[step as number]![1] : (node as Tree[])[step as number]!;
      return node instanceof Members;
    });
    return replaceAt(data, objects[pick % objects.length] ?? [], (old) => (old instanceof Members ? new Members([...old.entries, [key, value]]) : old));
  }),
  // duplicate a member: JSON.parse keeps the last, the marker stays in both
  fc.nat().map((pick): Mutation => (data) => {
    if (!(data instanceof Members) || data.entries.length === 0) return data;
    const entry = data.entries[pick % data.entries.length]!;
    return new Members([...data.entries, entry]);
  }),
);
