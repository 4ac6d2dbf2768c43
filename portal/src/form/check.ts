import { choicesOf, isSchema, resolveRef, type Language, type Schema } from '../../../console/shared/schemaText.ts';
import { kindOf, visibleProperties, type Property } from './model.ts';
import { child } from './pointer.ts';

/**
 * The checks of one page before the citizen moves on (GOV.UK's question pages): what is missing
 * or malformed, by pointer, in words a citizen understands. Only what the schema says plainly
 * (required, lengths, patterns, dates, e-mail, numbers, choices, list sizes); the server's
 * validation of the whole form is the authority, and its errors come back by pointer too.
 */
export interface FieldError {
  pointer: string;
  message: string;
}

type Words = Record<'required' | 'choose' | 'consent' | 'tooShort' | 'tooLong' | 'pattern' | 'email' | 'date' | 'number' | 'integer' | 'min' | 'max' | 'fewItems' | 'manyItems', Record<Language, string>>;

const WORDS: Words = {
  required: { de: 'Bitte geben Sie „{label}“ an.', en: 'Enter “{label}”.' },
  choose: { de: 'Bitte wählen Sie bei „{label}“ eine Antwort aus.', en: 'Select an answer for “{label}”.' },
  consent: { de: 'Bitte bestätigen Sie: „{label}“', en: 'Please confirm: “{label}”' },
  tooShort: { de: '„{label}“ muss mindestens {n} Zeichen lang sein.', en: '“{label}” must be at least {n} characters long.' },
  tooLong: { de: '„{label}“ darf höchstens {n} Zeichen lang sein.', en: '“{label}” must be {n} characters or fewer.' },
  pattern: { de: '„{label}“ hat nicht das erwartete Format.', en: '“{label}” is not in the expected format.' },
  email: { de: 'Bitte geben Sie bei „{label}“ eine E-Mail-Adresse wie name@example.de an.', en: 'Enter an e-mail address like name@example.com for “{label}”.' },
  date: { de: 'Bitte geben Sie bei „{label}“ ein gültiges Datum an.', en: 'Enter a real date for “{label}”.' },
  number: { de: '„{label}“ muss eine Zahl sein.', en: '“{label}” must be a number.' },
  integer: { de: '„{label}“ muss eine ganze Zahl sein.', en: '“{label}” must be a whole number.' },
  min: { de: '„{label}“ muss mindestens {n} sein.', en: '“{label}” must be {n} or more.' },
  max: { de: '„{label}“ darf höchstens {n} sein.', en: '“{label}” must be {n} or less.' },
  fewItems: { de: 'Bitte geben Sie bei „{label}“ mindestens {n} Einträge an.', en: 'Add at least {n} entries to “{label}”.' },
  manyItems: { de: 'Bei „{label}“ sind höchstens {n} Einträge möglich.', en: '“{label}” takes at most {n} entries.' },
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function realDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().startsWith(value);
}

export type LabelOf = (name: string, schema: Schema) => string;

export function checkProperties(root: Schema, properties: Property[], value: unknown, base: string, language: Language, labelOf: LabelOf): FieldError[] {
  const errors: FieldError[] = [];
  const say = (pointer: string, word: keyof Words, label: string, n?: number): void => {
    errors.push({ pointer, message: WORDS[word][language].replace('{label}', label).replace('{n}', String(n ?? '')) });
  };
  const data = isSchema(value) ? value : {};
  for (const property of properties) {
    const pointer = child(base, property.name);
    const label = labelOf(property.name, property.schema);
    const answer = data[property.name];
    const kind = kindOf(root, property.schema);
    // A required group that is still empty: what is missing are its required fields.
    if (answer === undefined && kind === 'group' && property.required) {
      errors.push(...checkProperties(root, visibleProperties(root, property.schema, {}), {}, pointer, language, labelOf));
      continue;
    }
    const missing = answer === undefined || answer === '' || (kind === 'consent' && answer !== true);
    if (missing) {
      if (property.required) say(pointer, kind === 'consent' ? 'consent' : ['choice', 'yes-no'].includes(kind) ? 'choose' : 'required', label);
      continue;
    }
    errors.push(...checkValue(root, property.schema, answer, pointer, label, language, labelOf, say));
  }
  return errors;
}

function checkValue(
  root: Schema,
  schema: Schema,
  answer: unknown,
  pointer: string,
  label: string,
  language: Language,
  labelOf: LabelOf,
  say: (pointer: string, word: keyof Words, label: string, n?: number) => void,
): FieldError[] {
  const kind = kindOf(root, schema);
  if (kind === 'group') return checkProperties(root, visibleProperties(root, schema, answer), answer, pointer, language, labelOf);
  if (kind === 'list' || kind === 'files') {
    const items = Array.isArray(answer) ? answer : [];
    if (typeof schema.minItems === 'number' && items.length < schema.minItems) say(pointer, 'fewItems', label, schema.minItems);
    if (typeof schema.maxItems === 'number' && items.length > schema.maxItems) say(pointer, 'manyItems', label, schema.maxItems);
    const itemSchema = resolveRef(root, schema.items);
    const nested: FieldError[] = [];
    items.forEach((item, index) => {
      const itemPointer = child(pointer, index);
      if (item === undefined || item === '') return say(itemPointer, 'required', `${label} ${index + 1}`);
      nested.push(...checkValue(root, itemSchema, item, itemPointer, `${label} ${index + 1}`, language, labelOf, say));
    });
    return nested;
  }
  if (kind === 'choice') {
    if (!choicesOf(schema)!.some((choice) => choice.value === answer)) say(pointer, 'choose', label);
    return [];
  }
  if (kind === 'number' || kind === 'integer') {
    if (typeof answer !== 'number' || !Number.isFinite(answer)) say(pointer, 'number', label);
    else if (kind === 'integer' && !Number.isInteger(answer)) say(pointer, 'integer', label);
    else if (typeof schema.minimum === 'number' && answer < schema.minimum) say(pointer, 'min', label, schema.minimum);
    else if (typeof schema.exclusiveMinimum === 'number' && answer <= schema.exclusiveMinimum) say(pointer, 'min', label, schema.exclusiveMinimum);
    else if (typeof schema.maximum === 'number' && answer > schema.maximum) say(pointer, 'max', label, schema.maximum);
    return [];
  }
  if (typeof answer !== 'string') return [];
  if (kind === 'date' && !realDate(answer)) say(pointer, 'date', label);
  else if (kind === 'email' && !EMAIL.test(answer)) say(pointer, 'email', label);
  else if (typeof schema.minLength === 'number' && [...answer].length < schema.minLength) say(pointer, 'tooShort', label, schema.minLength);
  else if (typeof schema.maxLength === 'number' && [...answer].length > schema.maxLength) say(pointer, 'tooLong', label, schema.maxLength);
  else if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(answer)) say(pointer, 'pattern', label);
  return [];
}
