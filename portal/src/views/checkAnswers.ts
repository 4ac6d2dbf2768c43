import type { VNode } from 'preact';
import { fieldLabel, isSchema, resolveRef, valueText, type Schema } from '../../../console/shared/schemaText.ts';
import { html } from '../../../console/shared/html.ts';
import type { UploadedFile } from '../form/draft.ts';
import { kindOf, pageProperties, visibleProperties, type Page } from '../form/model.ts';
import { child, type Answers } from '../form/pointer.ts';
import { language, t } from '../i18n.ts';
import { href } from '../router.ts';

/**
 * GOV.UK's "check your answers": every page's answers as a summary list, each page with a link
 * back to change it. Choices show their labels, dates the reader's format, files their names.
 */
interface Props {
  root: Schema;
  pages: Page[];
  answers: Answers;
  files: Record<string, UploadedFile>;
  formId: string;
  titleOf: (index: number) => string;
}

const words = () => ({ yes: t('yes'), no: t('no'), empty: t('notGiven') });

function valueView(root: Schema, schema: Schema, value: unknown, pointer: string, files: Record<string, UploadedFile>): VNode | string {
  const kind = kindOf(root, schema);
  if (kind === 'file') return typeof value === 'string' ? (files[pointer]?.fileName ?? value) : t('notGiven');
  if (kind === 'group') return rows(root, schema, value, pointer, files);
  if (kind === 'list' || kind === 'files') {
    const items = Array.isArray(value) ? value : [];
    if (items.length === 0) return t('notGiven');
    const itemSchema = resolveRef(root, schema.items);
    return html`<ol class="kern-list kern-list--number">
      ${items.map((item, index) => html`<li key=${index}>${valueView(root, itemSchema, item, child(pointer, index), files)}</li>`)}
    </ol>`;
  }
  return valueText(schema, value, language(), words());
}

function rows(root: Schema, schema: Schema, value: unknown, pointer: string, files: Record<string, UploadedFile>): VNode {
  const data = isSchema(value) ? value : {};
  return html`<dl class="kern-description-list">
    ${visibleProperties(root, schema, data)
      .filter((property) => data[property.name] !== undefined)
      .map(
        (property) => html`<div class="kern-description-list-item" key=${property.name}>
          <dt class="kern-description-list-item__key">${fieldLabel(property.name, property.schema, language())}</dt>
          <dd class="kern-description-list-item__value">${valueView(root, property.schema, data[property.name], child(pointer, property.name), files)}</dd>
        </div>`,
      )}
  </dl>`;
}

export function CheckAnswers({ root, pages, answers, files, formId, titleOf }: Props) {
  return html`${pages.map((page, index) => {
    const properties = pageProperties(root, page, answers);
    const answered = properties.filter((property) => answers[property.name] !== undefined);
    return html`<section class="portal-check" key=${index} aria-labelledby=${`check-${index}`}>
      <div class="portal-check__header">
        <h2 class="kern-heading-medium" id=${`check-${index}`}>${titleOf(index)}</h2>
        <a class="kern-link" href=${href(`forms/${formId}?page=${index + 1}`)}>${t('change')}<span class="kern-sr-only">: ${titleOf(index)}</span></a>
      </div>
      ${answered.length === 0
        ? html`<p class="kern-body">${t('notGiven')}</p>`
        : answered.length === 1 && kindOf(root, answered[0]!.schema) === 'group'
          ? rows(root, answered[0]!.schema, answers[answered[0]!.name], `/${answered[0]!.name}`, files)
          : html`<dl class="kern-description-list">
            ${answered.map(
              (property) => html`<div class="kern-description-list-item" key=${property.name}>
                <dt class="kern-description-list-item__key">${fieldLabel(property.name, property.schema, language())}</dt>
                <dd class="kern-description-list-item__value">${valueView(root, property.schema, answers[property.name], `/${property.name}`, files)}</dd>
              </div>`,
            )}
          </dl>`}
    </section>`;
  })}`;
}
