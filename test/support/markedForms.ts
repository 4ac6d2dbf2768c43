import { createFormValidator } from '#lib/forms/validation.ts';
import { formCatalogue, sampleOf } from './forms.ts';

/**
 * The forms the rush submits, taken from the catalogue (never a list of the forms that happen to
 * ship): the latest version of every form a citizen can submit anonymously with its schema's first
 * example (no sign-in), each with a slot in that example where a unique marker can stand and the
 * data stays valid, so that every stored case can be told apart and read back.
 */
export interface LoadForm {
  readonly formId: string;
  readonly office: string;
  readonly sample: Record<string, unknown>;
  /** The path of the marker's string in the sample. */
  readonly slot: readonly string[];
}

type Json = Record<string, unknown>;

function stringLeaves(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringLeaves(item, [...path, String(index)]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  return [];
}

export function withMarker(sample: Json, slot: readonly string[], marker: string): Json {
  const data = structuredClone(sample);
  let node: Json = data;
  for (const key of slot.slice(0, -1)) node = node[key] as Json;
  node[slot.at(-1)!] = marker;
  return data;
}

export function loadForms(markerLike = 'Ldabcdef01x7ps'): LoadForm[] {
  const validator = createFormValidator();
  const forms: LoadForm[] = [];
  for (const form of formCatalogue().list()) {
    if ((form as { authentication?: unknown }).authentication !== undefined) continue;
    const sample = sampleOf(form.id);
    if (validator.validate(form, sample).length > 0) continue;
    const slot = stringLeaves(sample).find((path) => validator.validate(form, withMarker(sample, path, markerLike)).length === 0);
    if (slot) forms.push({ formId: form.id, office: form.office, sample, slot });
  }
  if (forms.length === 0) throw new Error('no form of the catalogue can be submitted without sign-in with a marker in its example');
  return forms;
}
