/**
 * RFC 6901 JSON Pointers into the citizen's answers: reading and writing a value at a pointer, and
 * the HTML id of the field that edits it (the server's errors name fields by pointer; the error
 * summary links to them by id).
 */
export type Answers = Record<string, unknown>;

export const tokensOf = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));

export const pointerOf = (tokens: readonly (string | number)[]): string =>
  tokens.map((token) => `/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

export const child = (pointer: string, token: string | number): string => `${pointer}${pointerOf([token])}`;

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] => typeof value === 'object' && value !== null;

export function valueAt(data: unknown, pointer: string): unknown {
  let current: unknown = data;
  for (const token of tokensOf(pointer)) {
    if (!isContainer(current) || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** A copy of `data` with `value` at `pointer` (undefined removes it); missing objects on the way are created. */
export function withValue(data: Answers, pointer: string, value: unknown): Answers {
  const tokens = tokensOf(pointer);
  const set = (node: unknown, index: number): unknown => {
    const token = tokens[index]!;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(node) ? [...node] : { ...(isContainer(node) ? node : {}) };
    const next = index === tokens.length - 1 ? value : set((copy as Record<string, unknown>)[token], index + 1);
    if (next === undefined && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[token];
    else if (Array.isArray(copy)) copy[Number(token)] = next;
    else Object.defineProperty(copy, token, { value: next, enumerable: true, writable: true, configurable: true });
    return copy;
  };
  return tokens.length === 0 ? (value as Answers) : (set(data, 0) as Answers);
}

/** The id of the field at `pointer`: unique per pointer, valid in HTML and CSS (`f` then the pointer, other characters as `_hex_`). */
export const fieldId = (pointer: string): string => `f${pointer.replace(/[^A-Za-z0-9-]/g, (c) => (c === '/' ? '--' : `_${c.codePointAt(0)!.toString(16)}_`))}`;
