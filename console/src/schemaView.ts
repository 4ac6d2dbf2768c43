import type { VNode } from 'preact';
import { fieldLabel, isSchema as isObject, resolveRef as resolve, valueText, type Schema } from '../shared/schemaText.ts';
import { html } from './html.ts';
import { language, t } from './i18n.ts';

/**
 * A case's data rendered from its form's JSON Schema: a property's `title` labels it (German, as
 * the forms define it; in English the property's own name, spelled out), nested objects become
 * groups with a heading, arrays lists, booleans yes/no. Values the schema does not describe are
 * shown too, labelled by their name, so nothing of the data is hidden. Choices show their labels
 * and dates the reader's format (../shared/schemaText.ts, shared with the portal); a file field
 * shows the file (`files`), never its internal id.
 */

/** The schema of each property of an object schema, its conditional branches included. */
function propertySchemas(root: Schema, schema: Schema): Map<string, Schema> {
  const found = new Map<string, Schema>();
  const visit = (node: unknown): void => {
    const resolved = resolve(root, node);
    if (isObject(resolved.properties)) {
      for (const [name, sub] of Object.entries(resolved.properties)) found.set(name, { ...(found.get(name) ?? {}), ...resolve(root, sub) });
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(resolved[keyword])) (resolved[keyword] as unknown[]).forEach(visit);
    for (const keyword of ['if', 'then', 'else']) if (resolved[keyword] !== undefined) visit(resolved[keyword]);
  };
  visit(schema);
  return found;
}

export const labelOf = (name: string, schema: Schema): string => fieldLabel(name, schema, language());

function scalar(schema: Schema, value: unknown): string {
  return valueText(schema, value, language(), { yes: t('yes'), no: t('no'), empty: t('empty') });
}

/** Renders an attachment field's value (the file's id) as the file itself (views/attachmentFile.ts). */
export type FileView = (attachmentId: string) => VNode | string;

/** A file field: `x-attachment` on the property (API.md, attachments), its value the attachment id. */
const isFileField = (schema: Schema): boolean => isObject(schema['x-attachment']);

function valueView(root: Schema, schema: Schema, value: unknown, level: number, files?: FileView): VNode | string {
  if (files && isFileField(schema) && typeof value === 'string') return files(value);
  if (Array.isArray(value)) {
    const items = resolve(root, schema.items);
    if (value.length === 0) return t('empty');
    return html`<ol class="kern-list kern-list--number">
      ${value.map((item, index) => html`<li key=${index}>${isObject(item) ? objectView(root, items, item, level + 1, `${t('item')} ${index + 1}`, files) : valueView(root, items, item, level, files)}</li>`)}
    </ol>`;
  }
  if (isObject(value)) return objectView(root, schema, value, level + 1, undefined, files);
  return scalar(schema, value);
}

export function objectView(root: Schema, schema: Schema, data: Schema, level = 2, heading?: string, files?: FileView): VNode {
  const properties = propertySchemas(root, schema);
  const names = [...properties.keys()].filter((name) => Object.hasOwn(data, name));
  for (const name of Object.keys(data)) if (!names.includes(name)) names.push(name);
  const scalars = names.filter((name) => !isObject(data[name]));
  const groups = names.filter((name) => isObject(data[name]));
  const Heading = `h${Math.min(level + 1, 6)}`;
  return html`<div class="data-group">
    ${heading ? html`<${Heading} class="kern-title">${heading}</${Heading}>` : null}
    ${scalars.length > 0
      ? html`<dl class="kern-description-list">
          ${scalars.map(
            (name) => html`<div class="kern-description-list-item" key=${name}>
              <dt class="kern-description-list-item__key">${labelOf(name, properties.get(name) ?? {})}</dt>
              <dd class="kern-description-list-item__value">${valueView(root, properties.get(name) ?? {}, data[name], level, files)}</dd>
            </div>`,
          )}
        </dl>`
      : null}
    ${groups.map((name) => {
      const sub = properties.get(name) ?? {};
      return html`<section class="data-section" key=${name} aria-label=${labelOf(name, sub)}>
        ${objectView(root, sub, data[name] as Schema, level + 1, labelOf(name, sub), files)}
      </section>`;
    })}
  </div>`;
}
