import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { choicesOf, fieldLabel, resolveRef, type Schema } from '../../../console/shared/schemaText.ts';
import { html } from '../../../console/shared/html.ts';
import { language, t } from '../i18n.ts';
import { FileField, FilesField } from './fileFields.ts';
import type { UploadedFile } from './draft.ts';
import { kindOf, visibleProperties, type Property } from './model.ts';
import { child, fieldId, valueAt, type Answers } from './pointer.ts';

/**
 * The fields of a form, rendered from its JSON Schema (GOV.UK question-page patterns on KERN):
 * the label from `title`, the hint from `description`, "(optional)" where the schema does not
 * require it, the error above the input and named by `aria-describedby`. Each field edits the
 * answer at its pointer; ids come from the pointer, so the error summary links to them.
 */
export interface FormContext {
  root: Schema;
  formId: string;
  answers: Answers;
  set(pointer: string, value: unknown): void;
  errorAt(pointer: string): string | undefined;
  files: Record<string, UploadedFile>;
  setFile(pointer: string, file: UploadedFile | undefined): void;
  /** Inside a list: the person's own data (autocomplete) is not asked there. */
  inList?: boolean;
}

export interface FieldProps {
  ctx: FormContext;
  property: Property;
  pointer: string;
  /** The label as the schema gives it, or as the list names its entries. */
  label?: string;
}

const AUTOCOMPLETE: Record<string, string> = {
  familyName: 'family-name',
  givenName: 'given-name',
  email: 'email',
  phone: 'tel',
  street: 'address-line1',
  postalCode: 'postal-code',
  city: 'address-level2',
  dateOfBirth: 'bday',
  iban: 'off',
};

const hintOf = (schema: Schema): string | undefined => {
  const key = language() === 'en' ? 'x-description-en' : 'description';
  return typeof schema[key] === 'string' ? (schema[key] as string) : undefined;
};

/** The parts every field has: label text, hint, error, and the ids that tie them together. */
function parts(ctx: FormContext, property: Property, pointer: string, label?: string) {
  const id = fieldId(pointer);
  const hint = hintOf(property.schema);
  const error = ctx.errorAt(pointer);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const text = label ?? fieldLabel(property.name, property.schema, language());
  const optional = property.required ? null : html` <span class="kern-label__optional">${t('optional')}</span>`;
  return {
    id,
    hint: hint ? html`<p class="kern-hint" id=${`${id}-hint`}>${hint}</p>` : null,
    error: error ? html`<p class="kern-error" id=${`${id}-error`}><span class="kern-sr-only">${t('error')}: </span>${error}</p>` : null,
    invalid: !!error,
    describedBy,
    text,
    optional,
  };
}

const inputValue = (event: Event): string => (event.target as HTMLInputElement).value;

/** A number as typed: `4,2` and `4.2` are 4.2; anything else stays text, and the check says so. */
export function numberOrText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const normal = trimmed.replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : trimmed;
}

function NumberInput({ ctx, property, pointer, label }: FieldProps) {
  const p = parts(ctx, property, pointer, label);
  const value = valueAt(ctx.answers, pointer);
  const [text, setText] = useState(value === undefined ? '' : String(value).replace('.', language() === 'de' ? ',' : '.'));
  return html`<div class=${`kern-form-input${p.invalid ? ' kern-form-input--error' : ''}`}>
    <label class="kern-label" for=${p.id}>${p.text}${p.optional}</label>
    ${p.hint}${p.error}
    <input class=${`kern-form-input__input${p.invalid ? ' kern-form-input__input--error' : ''}`} id=${p.id} type="text"
      inputmode=${kindOf(ctx.root, property.schema) === 'integer' ? 'numeric' : 'decimal'} spellcheck="false"
      aria-describedby=${p.describedBy} aria-invalid=${p.invalid ? 'true' : undefined} value=${text}
      onInput=${(event: Event) => {
        setText(inputValue(event));
        ctx.set(pointer, numberOrText(inputValue(event)));
      }} />
  </div>`;
}

/**
 * A date as GOV.UK asks for one: day, month and year in three boxes (native date pickers read
 * badly with screen readers and vary by browser). The answer is `YYYY-MM-DD` once all three are
 * there; anything incomplete stays as typed, and the page check says so.
 */
const DATE_PARTS = ['day', 'month', 'year'] as const;
const DATE_WORDS = { day: { de: 'Tag', en: 'Day' }, month: { de: 'Monat', en: 'Month' }, year: { de: 'Jahr', en: 'Year' } };
const DATE_HINT = { de: 'Zum Beispiel 17 4 1988', en: 'For example 17 4 1988' };

export function composeDate(parts: { day: string; month: string; year: string }): string | undefined {
  const [day, month, year] = [parts.day.trim(), parts.month.trim(), parts.year.trim()];
  if (!day && !month && !year) return undefined;
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

function DateInput({ ctx, property, pointer, label }: FieldProps) {
  const p = parts(ctx, property, pointer, label);
  const value = valueAt(ctx.answers, pointer);
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const [typed, setTyped] = useState({ day: match ? String(Number(match[3])) : '', month: match ? String(Number(match[2])) : '', year: match ? match[1]! : '' });
  const hintId = `${p.id}-date-hint`;
  return html`<fieldset class=${`kern-fieldset${p.invalid ? ' kern-fieldset--error' : ''}`} role="group" aria-describedby=${[hintId, p.describedBy].filter(Boolean).join(' ')}>
    <legend class="kern-label">${p.text}${p.optional}</legend>
    ${p.hint}
    <p class="kern-hint" id=${hintId}>${DATE_HINT[language()]}</p>
    ${p.error}
    <div class="kern-fieldset__body kern-fieldset__body--horizontal portal-date">
      ${DATE_PARTS.map((part) => {
        const id = part === 'day' ? p.id : `${p.id}-${part}`;
        return html`<div class="kern-form-input" key=${part}>
          <label class="kern-label" for=${id}>${DATE_WORDS[part][language()]}</label>
          <input class=${`kern-form-input__input portal-date__${part}${p.invalid ? ' kern-form-input__input--error' : ''}`} id=${id} type="text"
            inputmode="numeric" maxlength=${part === 'year' ? 4 : 2} aria-invalid=${p.invalid ? 'true' : undefined}
            autocomplete=${!ctx.inList && property.name === 'dateOfBirth' ? `bday-${part}` : undefined} value=${typed[part]}
            onInput=${(event: Event) => {
              const next = { ...typed, [part]: inputValue(event) };
              setTyped(next);
              ctx.set(pointer, composeDate(next));
            }} />
        </div>`;
      })}
    </div>
  </fieldset>`;
}

function TextInput({ ctx, property, pointer, label }: FieldProps) {
  const p = parts(ctx, property, pointer, label);
  const kind = kindOf(ctx.root, property.schema);
  const value = valueAt(ctx.answers, pointer);
  const common = {
    id: p.id,
    'aria-describedby': p.describedBy,
    'aria-invalid': p.invalid ? 'true' : undefined,
    value: typeof value === 'string' ? value : '',
    onInput: (event: Event) => ctx.set(pointer, inputValue(event) === '' ? undefined : inputValue(event)),
  };
  const autocomplete = ctx.inList ? undefined : AUTOCOMPLETE[property.name];
  const inputClass = `kern-form-input__input${p.invalid ? ' kern-form-input__input--error' : ''}`;
  return html`<div class=${`kern-form-input${p.invalid ? ' kern-form-input--error' : ''}`}>
    <label class="kern-label" for=${p.id}>${p.text}${p.optional}</label>
    ${p.hint}${p.error}
    ${kind === 'long-text'
      ? html`<textarea class=${inputClass} rows="5" ...${common}></textarea>`
      : html`<input class=${inputClass} type=${kind === 'email' ? 'email' : 'text'}
          autocomplete=${autocomplete} spellcheck=${kind === 'email' ? 'false' : undefined} ...${common} />`}
  </div>`;
}

function Choice({ ctx, property, pointer, label }: FieldProps) {
  const p = parts(ctx, property, pointer, label);
  const kind = kindOf(ctx.root, property.schema);
  const choices = kind === 'yes-no' ? [{ value: true, label: t('yes') }, { value: false, label: t('no') }] : choicesOf(property.schema, language())!;
  const value = valueAt(ctx.answers, pointer);
  if (choices.length > 6) {
    return html`<div class=${`kern-form-input${p.invalid ? ' kern-form-input--error' : ''}`}>
      <label class="kern-label" for=${p.id}>${p.text}${p.optional}</label>
      ${p.hint}${p.error}
      <div class="kern-form-input__select-wrapper">
        <select class=${`kern-form-input__select${p.invalid ? ' kern-form-input__select--error' : ''}`} id=${p.id}
          aria-describedby=${p.describedBy} aria-invalid=${p.invalid ? 'true' : undefined}
          onChange=${(event: Event) => {
            const index = Number((event.target as HTMLSelectElement).value);
            ctx.set(pointer, index >= 0 ? choices[index]!.value : undefined);
          }}>
          <option value="-1" selected=${value === undefined}>${t('choose')}</option>
          ${choices.map((choice, index) => html`<option key=${index} value=${String(index)} selected=${choice.value === value}>${choice.label}</option>`)}
        </select>
      </div>
    </div>`;
  }
  return html`<fieldset class=${`kern-fieldset${p.invalid ? ' kern-fieldset--error' : ''}`} aria-describedby=${p.describedBy}>
    <legend class="kern-label">${p.text}${p.optional}</legend>
    ${p.hint}${p.error}
    <div class=${`kern-fieldset__body${choices.length <= 2 ? ' kern-fieldset__body--horizontal' : ''}`}>
      ${choices.map(
        (choice, index) => html`<div class="kern-form-check" key=${index}>
          <input class=${`kern-form-check__radio${p.invalid ? ' kern-form-check__radio--error' : ''}`} type="radio"
            id=${index === 0 ? p.id : `${p.id}-${index}`} name=${p.id} checked=${choice.value === value}
            onChange=${() => ctx.set(pointer, choice.value)} />
          <label class="kern-label" for=${index === 0 ? p.id : `${p.id}-${index}`}>${choice.label}</label>
        </div>`,
      )}
    </div>
  </fieldset>`;
}

function Consent({ ctx, property, pointer, label }: FieldProps) {
  const p = parts(ctx, property, pointer, label);
  return html`<div class=${`kern-form-check${p.invalid ? ' kern-form-check--error' : ''}`}>
    ${p.error}
    <input class=${`kern-form-check__checkbox${p.invalid ? ' kern-form-check__checkbox--error' : ''}`} type="checkbox" id=${p.id}
      aria-describedby=${p.describedBy} aria-invalid=${p.invalid ? 'true' : undefined} checked=${valueAt(ctx.answers, pointer) === true}
      onChange=${(event: Event) => ctx.set(pointer, (event.target as HTMLInputElement).checked ? true : undefined)} />
    <label class="kern-label" for=${p.id}>${p.text}</label>
    ${p.hint}
  </div>`;
}

/** The fields of an object, in the schema's order, with its conditions applied to the answers so far. */
export function Fields({ ctx, schema, pointer }: { ctx: FormContext; schema: Schema; pointer: string }): VNode {
  const properties = visibleProperties(ctx.root, schema, valueAt(ctx.answers, pointer));
  return html`${properties.map((property) => html`<${Field} key=${property.name} ctx=${ctx} property=${property} pointer=${child(pointer, property.name)} />`)}`;
}

function Group({ ctx, property, pointer, label }: FieldProps) {
  const p = parts(ctx, property, pointer, label);
  return html`<fieldset class="kern-fieldset portal-group" id=${p.id} tabindex="-1" aria-describedby=${p.describedBy}>
    <legend class="kern-heading-small">${p.text}${p.optional}</legend>
    ${p.hint}${p.error}
    <div class="kern-fieldset__body"><${Fields} ctx=${ctx} schema=${property.schema} pointer=${pointer} /></div>
  </fieldset>`;
}

const emptyItem = (root: Schema, items: Schema): unknown => (kindOf(root, items) === 'group' ? {} : undefined);

function List({ ctx, property, pointer, label }: FieldProps) {
  const p = parts(ctx, property, pointer, label);
  const items = resolveRef(ctx.root, property.schema.items);
  const value = valueAt(ctx.answers, pointer);
  const entries = Array.isArray(value) ? value : [];
  const min = typeof property.schema.minItems === 'number' ? property.schema.minItems : 0;
  const max = typeof property.schema.maxItems === 'number' ? property.schema.maxItems : Infinity;
  // A list the form requires exists from the start (empty, or with its minimum of entries).
  useEffect(() => {
    if (!Array.isArray(value) && (property.required || min > 0)) ctx.set(pointer, Array.from({ length: min }, () => emptyItem(ctx.root, items)));
  }, [value === undefined]);
  // Each entry is named for what it is (the items' title, else the list's), numbered from 1.
  const itemLabel = (index: number): string =>
    `${language() === 'en' && typeof items['x-title-en'] === 'string' ? items['x-title-en'] : language() === 'de' && typeof items.title === 'string' ? items.title : p.text} ${index + 1}`;
  const listCtx: FormContext = { ...ctx, inList: true };
  return html`<fieldset class=${`kern-fieldset portal-list${p.invalid ? ' kern-fieldset--error' : ''}`} id=${p.id} tabindex="-1" aria-describedby=${p.describedBy}>
    <legend class="kern-heading-small">${p.text}${p.optional}</legend>
    ${p.hint}${p.error}
    <div class="kern-fieldset__body">
    ${entries.length === 0 ? html`<p class="kern-body">${t('noEntries')}</p>` : null}
    ${entries.map((_, index) => {
      const itemPointer = child(pointer, index);
      const itemProperty: Property = { name: String(index), schema: items, required: true };
      return html`<div class="portal-list__entry" key=${index}>
        ${kindOf(ctx.root, items) === 'group'
          ? html`<fieldset class="kern-fieldset portal-group" id=${fieldId(itemPointer)} tabindex="-1">
              <legend class="kern-heading-small">${itemLabel(index)}</legend>
              <div class="kern-fieldset__body"><${Fields} ctx=${listCtx} schema=${items} pointer=${itemPointer} /></div>
            </fieldset>`
          : html`<${Field} ctx=${listCtx} property=${itemProperty} pointer=${itemPointer} label=${itemLabel(index)} />`}
        ${entries.length > min
          ? html`<button type="button" class="kern-btn kern-btn--tertiary" onClick=${() => ctx.set(pointer, entries.filter((__, i) => i !== index))}>
              <span class="kern-label">${t('remove')}<span class="kern-sr-only">: ${itemLabel(index)}</span></span>
            </button>`
          : null}
      </div>`;
    })}
    ${entries.length < max
      ? html`<div><button type="button" class="kern-btn kern-btn--secondary" onClick=${() => ctx.set(pointer, [...entries, emptyItem(ctx.root, items)])}>
          <span class="kern-label">${t('addAnother')}<span class="kern-sr-only">: ${p.text}</span></span>
        </button></div>`
      : null}
    </div>
  </fieldset>`;
}

export function Field(props: FieldProps): VNode {
  const kind = kindOf(props.ctx.root, props.property.schema);
  switch (kind) {
    case 'group':
      return html`<${Group} ...${props} />`;
    case 'list':
      return html`<${List} ...${props} />`;
    case 'files':
      return html`<${FilesField} ...${props} parts=${parts(props.ctx, props.property, props.pointer, props.label)} />`;
    case 'file':
      return html`<${FileField} ...${props} parts=${parts(props.ctx, props.property, props.pointer, props.label)} />`;
    case 'choice':
    case 'yes-no':
      return html`<${Choice} ...${props} />`;
    case 'consent':
      return html`<${Consent} ...${props} />`;
    case 'number':
    case 'integer':
      return html`<${NumberInput} ...${props} />`;
    case 'date':
      return html`<${DateInput} ...${props} />`;
    default:
      return html`<${TextInput} ...${props} />`;
  }
}

export type FieldParts = ReturnType<typeof parts>;
