import type { VNode } from 'preact';
import { html } from './html.ts';
import { language, t } from './i18n.ts';

/**
 * A case's data rendered from its form's JSON Schema: a property's `title` labels it (German, as
 * the forms define it; in English the property's own name, spelled out), nested objects become
 * groups with a heading, arrays lists, booleans yes/no. Values the schema does not describe are
 * shown too, labelled by their name, so nothing of the data is hidden.
 */
type Schema = Record<string, unknown>;
const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

function resolve(root: Schema, node: unknown): Schema {
  let current: Schema = isObject(node) ? node : {};
  for (let depth = 0; depth < 16 && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); depth++) {
    let target: unknown = root;
    for (const token of current.$ref.slice(2).split('/')) target = isObject(target) ? target[token.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    const { $ref: _ref, ...siblings } = current;
    current = { ...(isObject(target) ? target : {}), ...siblings };
  }
  return current;
}

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

/** `familyName` → `Family name`. */
export function spelledOut(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function labelOf(name: string, schema: Schema): string {
  const english = typeof schema['x-title-en'] === 'string' ? schema['x-title-en'] : spelledOut(name);
  if (language() === 'en') return english;
  return typeof schema.title === 'string' ? schema.title : spelledOut(name);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined || value === '') return t('empty');
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function valueView(root: Schema, schema: Schema, value: unknown, level: number): VNode | string {
  if (Array.isArray(value)) {
    const items = resolve(root, schema.items);
    if (value.length === 0) return t('empty');
    return html`<ol class="kern-list kern-list--number">
      ${value.map((item, index) => html`<li key=${index}>${isObject(item) ? objectView(root, items, item, level + 1, `${t('item')} ${index + 1}`) : scalar(item)}</li>`)}
    </ol>`;
  }
  if (isObject(value)) return objectView(root, schema, value, level + 1);
  return scalar(value);
}

export function objectView(root: Schema, schema: Schema, data: Schema, level = 2, heading?: string): VNode {
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
              <dd class="kern-description-list-item__value">${valueView(root, properties.get(name) ?? {}, data[name], level)}</dd>
            </div>`,
          )}
        </dl>`
      : null}
    ${groups.map((name) => {
      const sub = properties.get(name) ?? {};
      return html`<section class="data-section" key=${name} aria-label=${labelOf(name, sub)}>
        ${objectView(root, sub, data[name] as Schema, level + 1, labelOf(name, sub))}
      </section>`;
    })}
  </div>`;
}
