import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { isSchema, resolveRef, type Schema } from '../../../console/shared/schemaText.ts';
import { formatNumber } from '../../../console/shared/formats.ts';
import { html } from '../../../console/shared/html.ts';
import { ApiProblem } from '../api.ts';
import { fill, language, t } from '../i18n.ts';
import type { UploadedFile } from './draft.ts';
import type { FieldParts, FieldProps } from './fields.ts';
import { child, fieldId, valueAt } from './pointer.ts';
import { upload, verdictOf } from './upload.ts';

/**
 * File fields (`x-attachment`): the citizen picks a file, sees it upload (per cent), then being
 * checked for malware, then accepted or rejected with the reason in plain words. The field's
 * answer is the attachment id; the file's name and state stay in the draft, for the check page.
 */
export const TYPE_NAMES: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

const specOf = (schema: Schema): { mediaTypes: string[]; maxBytes: number } => {
  const spec = isSchema(schema['x-attachment']) ? schema['x-attachment'] : {};
  return { mediaTypes: Array.isArray(spec.mediaTypes) ? spec.mediaTypes.map(String) : [], maxBytes: typeof spec.maxBytes === 'number' ? spec.maxBytes : 0 };
};

export const size = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${formatNumber(bytes / 1024 / 1024, language(), 1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

const REASONS: Record<string, Parameters<typeof t>[0]> = {
  malware: 'reasonMalware',
  'type-mismatch': 'reasonTypeMismatch',
  'checksum-mismatch': 'reasonChecksum',
  expired: 'reasonExpired',
};

export const fileStateText = (file: UploadedFile, progress?: number): string =>
  progress !== undefined && progress < 100 && file.status === 'awaiting-upload'
    ? fill('fileUploading', { percent: progress })
    : file.status === 'clean'
      ? t('fileClean')
      : file.status === 'rejected'
        ? fill('fileRejected', { reason: t(REASONS[file.reason ?? ''] ?? 'fileFailed') })
        : t('fileScanning');

/** Polls the scanner's verdict of a file that is being checked, until it is clean or rejected. */
export function useVerdict(formId: string, file: UploadedFile | undefined, onVerdict: (file: UploadedFile) => void): void {
  useEffect(() => {
    if (!file || file.status === 'clean' || file.status === 'rejected') return;
    let stopped = false;
    const poll = async (): Promise<void> => {
      while (!stopped) {
        try {
          const verdict = await verdictOf(formId, file.attachmentId);
          if (stopped) return;
          if (verdict.status === 'clean' || verdict.status === 'rejected') {
            onVerdict({ ...file, status: verdict.status, ...(verdict.reason ? { reason: verdict.reason } : {}) });
            return;
          }
        } catch {
          // a failed poll is tried again
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [file?.attachmentId, file?.status]);
}

/** One picked file: its name, size and state, and a way to remove it. */
function PickedFile({ formId, pointer, file, onChange, removable }: { formId: string; pointer: string; file: UploadedFile; onChange: (file: UploadedFile | undefined) => void; removable: boolean }) {
  useVerdict(formId, file, onChange);
  return html`<div class="portal-file" id=${`${fieldId(pointer)}-file`}>
    <p class="kern-body"><strong>${file.fileName}</strong> (${size(file.size)})</p>
    <p class=${`kern-body${file.status === 'rejected' ? ' kern-error' : ''}`} role="status">${fileStateText(file)}</p>
    ${removable
      ? html`<button type="button" class="kern-btn kern-btn--tertiary" onClick=${() => onChange(undefined)}>
          <span class="kern-label">${t('fileRemove')}<span class="kern-sr-only">: ${file.fileName}</span></span>
        </button>`
      : null}
  </div>`;
}

/** The file input, and the upload of what is picked in it to the pointer `target`. */
function Picker({ formId, schema, parts, target, onUploaded, labelText }: { formId: string; schema: Schema; parts: FieldParts; target: string; onUploaded: (file: UploadedFile) => void; labelText: VNode | string }) {
  const spec = specOf(schema);
  const [progress, setProgress] = useState<number | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const pick = async (event: Event): Promise<void> => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setProblem(undefined);
    if (spec.mediaTypes.length > 0 && !spec.mediaTypes.includes(file.type)) return setProblem(t('fileWrongType'));
    if (spec.maxBytes > 0 && file.size > spec.maxBytes) return setProblem(t('fileTooLarge'));
    setProgress(0);
    try {
      onUploaded(await upload(formId, target, file, setProgress));
      input.value = '';
    } catch (error) {
      setProblem(error instanceof ApiProblem && error.problem.errors?.[0] ? error.problem.errors[0].message : t('fileFailed'));
    } finally {
      setProgress(undefined);
    }
  };
  const allowed = fill('fileAllowed', { types: spec.mediaTypes.map((type) => TYPE_NAMES[type] ?? type).join(', '), size: size(spec.maxBytes) });
  const describedBy = [parts.describedBy, `${parts.id}-allowed`, problem ? `${parts.id}-problem` : ''].filter(Boolean).join(' ');
  return html`<div class=${`kern-form-input${parts.invalid || problem ? ' kern-form-input--error' : ''}`}>
    <label class="kern-label" for=${parts.id}>${labelText}</label>
    ${parts.hint}
    <p class="kern-hint" id=${`${parts.id}-allowed`}>${allowed}</p>
    ${parts.error}
    ${problem ? html`<p class="kern-error" id=${`${parts.id}-problem`} role="alert">${problem}</p>` : null}
    <input class="kern-form-input__input portal-file__input" id=${parts.id} type="file" accept=${spec.mediaTypes.join(',')}
      aria-describedby=${describedBy} aria-invalid=${parts.invalid || problem ? 'true' : undefined} disabled=${progress !== undefined} onChange=${pick} />
    ${progress !== undefined
      ? html`<p class="kern-body" role="status"><progress class="kern-progress" max="100" value=${progress} aria-label=${t('fileChoose')}></progress> ${fill('fileUploading', { percent: progress })}</p>`
      : null}
  </div>`;
}

export function FileField({ ctx, property, pointer, parts }: FieldProps & { parts: FieldParts }) {
  const file = ctx.files[pointer];
  const change = (next: UploadedFile | undefined): void => {
    ctx.setFile(pointer, next);
    ctx.set(pointer, next?.attachmentId);
  };
  if (!file) return html`<${Picker} formId=${ctx.formId} schema=${property.schema} parts=${parts} target=${pointer} onUploaded=${change} labelText=${html`${parts.text}${parts.optional}`} />`;
  return html`<div class="kern-form-input" id=${parts.id} tabindex="-1">
    <p class="kern-label">${parts.text}</p>
    ${parts.error}
    <${PickedFile} formId=${ctx.formId} pointer=${pointer} file=${file} onChange=${change} removable=${true} />
  </div>`;
}

/** Several files (an array of attachment ids): each keeps its index, so only the last one can be removed. */
export function FilesField({ ctx, property, pointer, parts }: FieldProps & { parts: FieldParts }) {
  const items = resolveRef(ctx.root, property.schema.items);
  const value = valueAt(ctx.answers, pointer);
  const ids = Array.isArray(value) ? (value as string[]) : [];
  const max = typeof property.schema.maxItems === 'number' ? property.schema.maxItems : Infinity;
  const changeAt = (index: number) => (next: UploadedFile | undefined) => {
    ctx.setFile(child(pointer, index), next);
    if (next) ctx.set(pointer, [...ids.slice(0, index), next.attachmentId, ...ids.slice(index + 1)]);
    else ctx.set(pointer, ids.length > 1 ? ids.slice(0, index) : undefined);
  };
  return html`<fieldset class="kern-fieldset portal-list" aria-describedby=${parts.describedBy}>
    <legend class="kern-heading-small">${parts.text}${parts.optional}</legend>
    <div class="kern-fieldset__body">
    ${ids.map((id, index) => {
      const file = ctx.files[child(pointer, index)] ?? { attachmentId: id, fileName: id, size: 0, status: 'scanning' as const };
      return html`<${PickedFile} key=${id} formId=${ctx.formId} pointer=${child(pointer, index)} file=${file} onChange=${changeAt(index)} removable=${index === ids.length - 1} />`;
    })}
    ${ids.length < max
      ? html`<${Picker} formId=${ctx.formId} schema=${items} parts=${parts} target=${child(pointer, ids.length)} onUploaded=${changeAt(ids.length)}
          labelText=${ids.length === 0 ? t('fileChoose') : t('fileAddAnother')} />`
      : null}
    </div>
  </fieldset>`;
}
