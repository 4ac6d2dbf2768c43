import { useEffect, useRef } from 'preact/hooks';
import { html } from '../../../console/shared/html.ts';
import type { FieldError } from '../form/check.ts';
import { fieldId } from '../form/pointer.ts';
import { t } from '../i18n.ts';

/**
 * GOV.UK's error summary: at the top of the page, focused when it appears, each problem a link
 * that moves focus to its field (the field's first radio, the input, or the group).
 */
export function focusField(pointer: string): void {
  const target = document.getElementById(fieldId(pointer)) ?? document.getElementById(`${fieldId(pointer)}-file`);
  if (!target) return;
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

export function ErrorSummary({ errors, general, attempt }: { errors: FieldError[]; general?: string[]; attempt: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, [attempt]);
  if (errors.length === 0 && (general ?? []).length === 0) return null;
  return html`<div class="kern-alert kern-alert--danger portal-error-summary" role="alert" tabindex="-1" ref=${box} aria-labelledby="error-summary-title">
    <div class="kern-alert__header"><h2 class="kern-title" id="error-summary-title">${t('errorSummaryTitle')}</h2></div>
    <div class="kern-alert__body">
      <ul class="kern-list">
        ${(general ?? []).map((message) => html`<li key=${message} class="kern-body">${message}</li>`)}
        ${errors.map(
          (error) => html`<li key=${error.pointer}>
            <a class="kern-link" href=${`#${fieldId(error.pointer)}`} onClick=${(event: Event) => {
              event.preventDefault();
              focusField(error.pointer);
            }}>${error.message}</a>
          </li>`,
        )}
      </ul>
    </div>
  </div>`;
}
