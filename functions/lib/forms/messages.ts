import type { ErrorObject, KeywordDefinition } from 'ajv/dist/2020.js';

/**
 * What a citizen reads when the form data fails: one short phrase per failure, in German or English,
 * shown beside the field the pointer names. A message never shows what only the schema's author
 * understands (a regular expression, a format's or keyword's name, "schema", "const") and never
 * repeats the citizen's input. An author can give a field a message of its own: `x-message`.
 */

export type Language = 'de' | 'en';
type Messages = Record<Language, string>;

/** The keyword an author puts on a subschema to replace the messages of its own keywords. */
export const X_MESSAGE = 'x-message';

const text = { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' };

/**
 * `"x-message": { "de": "…", "en": "…" }`: an annotation for Ajv, checked by its meta-schema when a
 * definition is verified (forms:check, synth, `npm start`), so a malformed one names the file.
 */
export const xMessageKeyword: KeywordDefinition = {
  keyword: X_MESSAGE,
  schemaType: 'object',
  metaSchema: { type: 'object', additionalProperties: false, required: ['de', 'en'], properties: { de: text, en: text } },
};

/** Keywords whose failure is about a property the pointer names, not about the value the subschema describes. */
const ABOUT_A_PROPERTY = new Set(['required', 'dependentRequired', 'additionalProperties', 'unevaluatedProperties', 'propertyNames']);

const fixed = (de: string, en: string): ((language: Language) => string) => (language) => (language === 'de' ? de : en);

const LOCALES: Record<Language, string> = { de: 'de-DE', en: 'en-GB' };

/**
 * Made on the first message with a number, not when the module loads: Node's first
 * `Intl.NumberFormat` loads the locale's ICU data, ~10 ms of CPU, which submit's cold start paid
 * for every instance while most never answer a number (bench/README.md, submit's cold start).
 */
const numberFormats: Partial<Record<Language, Intl.NumberFormat>> = {};

const number = (value: unknown, language: Language): string =>
  typeof value === 'number' ? (numberFormats[language] ??= new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 20 })).format(value) : String(value);

const TYPES: Record<string, Messages> = {
  string: { de: 'muss ein Text sein', en: 'must be text' },
  number: { de: 'muss eine Zahl sein', en: 'must be a number' },
  integer: { de: 'muss eine ganze Zahl sein', en: 'must be a whole number' },
  boolean: { de: 'muss ja oder nein sein', en: 'must be yes or no' },
  array: { de: 'muss eine Liste sein', en: 'must be a list' },
  object: { de: 'muss eine Gruppe von Angaben sein', en: 'must be a group of entries' },
  null: { de: 'muss leer sein', en: 'must be empty' },
};

const FORMATS: Record<string, Messages> = {
  email: { de: 'muss eine gültige E-Mail-Adresse sein', en: 'must be a valid e-mail address' },
  'idn-email': { de: 'muss eine gültige E-Mail-Adresse sein', en: 'must be a valid e-mail address' },
  date: { de: 'muss ein gültiges Datum sein (JJJJ-MM-TT)', en: 'must be a valid date (YYYY-MM-DD)' },
  'date-time': { de: 'muss ein gültiger Zeitpunkt mit Datum und Uhrzeit sein', en: 'must be a valid date and time' },
  'iso-date-time': { de: 'muss ein gültiger Zeitpunkt mit Datum und Uhrzeit sein', en: 'must be a valid date and time' },
  time: { de: 'muss eine gültige Uhrzeit sein', en: 'must be a valid time' },
  'iso-time': { de: 'muss eine gültige Uhrzeit sein', en: 'must be a valid time' },
  duration: { de: 'muss eine gültige Zeitdauer sein', en: 'must be a valid duration' },
  uri: { de: 'muss eine gültige Internetadresse sein', en: 'must be a valid web address' },
  'uri-reference': { de: 'muss eine gültige Internetadresse sein', en: 'must be a valid web address' },
  iri: { de: 'muss eine gültige Internetadresse sein', en: 'must be a valid web address' },
  'iri-reference': { de: 'muss eine gültige Internetadresse sein', en: 'must be a valid web address' },
  url: { de: 'muss eine gültige Internetadresse sein', en: 'must be a valid web address' },
  hostname: { de: 'muss ein gültiger Rechnername sein', en: 'must be a valid host name' },
  'idn-hostname': { de: 'muss ein gültiger Rechnername sein', en: 'must be a valid host name' },
  ipv4: { de: 'muss eine gültige IP-Adresse sein', en: 'must be a valid IP address' },
  ipv6: { de: 'muss eine gültige IP-Adresse sein', en: 'must be a valid IP address' },
  uuid: { de: 'muss eine gültige Kennung sein', en: 'must be a valid identifier' },
};

const NOT_EXPECTED_FORMAT: Messages = { de: 'hat nicht das erwartete Format', en: 'does not have the expected format' };

type Describe = (params: Record<string, unknown>, language: Language) => string;

const count = (n: unknown, language: Language, one: Messages, many: (n: string) => Messages): string =>
  n === 1 ? one[language] : many(number(n, language))[language];

const atMostEntries: Describe = (params, language) =>
  count(params.limit, language, { de: 'darf höchstens einen Eintrag enthalten', en: 'must contain at most one entry' }, (n) => ({
    de: `darf höchstens ${n} Einträge enthalten`,
    en: `must contain at most ${n} entries`,
  }));

const MESSAGES: Record<string, Describe> = {
  required: (_, language) => fixed('muss angegeben werden', 'is required')(language),
  // `property` comes from the schema (the key whose presence requires this one), not from data.
  dependentRequired: (params, language) =>
    language === 'de' ? `muss angegeben werden, wenn „${String(params.property)}“ angegeben ist` : `is required when "${String(params.property)}" is present`,
  additionalProperties: (_, language) => fixed('ist nicht erlaubt', 'is not allowed')(language),
  unevaluatedProperties: (_, language) => fixed('ist nicht erlaubt', 'is not allowed')(language),
  propertyNames: (_, language) => fixed('ist als Feldname nicht erlaubt', 'is not allowed as a field name')(language),
  'false schema': (_, language) => fixed('ist hier nicht erlaubt', 'is not allowed here')(language),
  not: (_, language) => fixed('ist hier nicht erlaubt', 'is not allowed here')(language),
  type: (params, language) => TYPES[String(params.type)]?.[language] ?? fixed('hat nicht die erwartete Art', 'is not of the expected kind')(language),
  // A consent box is `const: true`: the citizen has to tick it.
  const: (params, language) =>
    params.allowedValue === true ? fixed('muss bestätigt werden', 'must be confirmed')(language) : fixed('hat nicht den erwarteten Wert', 'does not have the expected value')(language),
  enum: (_, language) => fixed('muss einer der vorgegebenen Werte sein', 'must be one of the given choices')(language),
  pattern: (_, language) => NOT_EXPECTED_FORMAT[language],
  format: (params, language) => (FORMATS[String(params.format)] ?? NOT_EXPECTED_FORMAT)[language],
  minLength: (params, language) =>
    count(params.limit, language, { de: 'darf nicht leer sein', en: 'must not be empty' }, (n) => ({
      de: `muss mindestens ${n} Zeichen lang sein`,
      en: `must be at least ${n} characters long`,
    })),
  maxLength: (params, language) =>
    count(params.limit, language, { de: 'darf höchstens ein Zeichen lang sein', en: 'must be at most one character long' }, (n) => ({
      de: `darf höchstens ${n} Zeichen lang sein`,
      en: `must be at most ${n} characters long`,
    })),
  minimum: (params, language) => (language === 'de' ? `muss mindestens ${number(params.limit, language)} sein` : `must be at least ${number(params.limit, language)}`),
  exclusiveMinimum: (params, language) => (language === 'de' ? `muss größer als ${number(params.limit, language)} sein` : `must be greater than ${number(params.limit, language)}`),
  maximum: (params, language) => (language === 'de' ? `darf höchstens ${number(params.limit, language)} sein` : `must be at most ${number(params.limit, language)}`),
  exclusiveMaximum: (params, language) => (language === 'de' ? `muss kleiner als ${number(params.limit, language)} sein` : `must be less than ${number(params.limit, language)}`),
  multipleOf: (params, language) =>
    language === 'de' ? `muss ein Vielfaches von ${number(params.multipleOf, language)} sein` : `must be a multiple of ${number(params.multipleOf, language)}`,
  formatMinimum: (params, language) => (language === 'de' ? `darf nicht vor ${String(params.limit)} liegen` : `must not be before ${String(params.limit)}`),
  formatExclusiveMinimum: (params, language) => (language === 'de' ? `muss nach ${String(params.limit)} liegen` : `must be after ${String(params.limit)}`),
  formatMaximum: (params, language) => (language === 'de' ? `darf nicht nach ${String(params.limit)} liegen` : `must not be after ${String(params.limit)}`),
  formatExclusiveMaximum: (params, language) => (language === 'de' ? `muss vor ${String(params.limit)} liegen` : `must be before ${String(params.limit)}`),
  minItems: (params, language) =>
    count(params.limit, language, { de: 'muss mindestens einen Eintrag enthalten', en: 'must contain at least one entry' }, (n) => ({
      de: `muss mindestens ${n} Einträge enthalten`,
      en: `must contain at least ${n} entries`,
    })),
  maxItems: atMostEntries,
  items: atMostEntries,
  additionalItems: atMostEntries,
  unevaluatedItems: atMostEntries,
  uniqueItems: (_, language) => fixed('darf keine doppelten Einträge enthalten', 'must not contain duplicate entries')(language),
  contains: (_, language) => fixed('enthält nicht die erforderlichen Einträge', 'does not contain the required entries')(language),
  minProperties: (params, language) =>
    language === 'de' ? `muss mindestens ${number(params.limit, language)} Angaben enthalten` : `must contain at least ${number(params.limit, language)} entries`,
  maxProperties: (params, language) =>
    language === 'de' ? `darf höchstens ${number(params.limit, language)} Angaben enthalten` : `must contain at most ${number(params.limit, language)} entries`,
  anyOf: (_, language) => fixed('entspricht keiner der zulässigen Möglichkeiten', 'matches none of the allowed options')(language),
  'x-attachment': (_, language) => fixed('muss die Kennung einer hochgeladenen Datei sein', 'must be the id of an uploaded file')(language),
  oneOf: (_, language) => fixed('muss genau einer der zulässigen Möglichkeiten entsprechen', 'must match exactly one of the allowed options')(language),
};

const INVALID: Messages = { de: 'ist ungültig', en: 'is invalid' };

/** The author's own message for the value a subschema describes (Ajv's `verbose` hands out the subschema). */
function authorMessage(error: ErrorObject, language: Language): string | undefined {
  if (ABOUT_A_PROPERTY.has(error.keyword)) return undefined;
  const own = (error.parentSchema as Record<string, unknown> | undefined)?.[X_MESSAGE] as Partial<Messages> | undefined;
  const message = own?.[language];
  return typeof message === 'string' ? message : undefined;
}

/** The message a citizen reads for one Ajv error of the form data. */
export function citizenMessage(error: ErrorObject, language: Language): string {
  return authorMessage(error, language) ?? MESSAGES[error.keyword]?.(error.params as Record<string, unknown>, language) ?? INVALID[language];
}
