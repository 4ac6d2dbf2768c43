import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, getJson, request, SessionExpired } from '../api.ts';
import { officeLabel } from '../offices.ts';
import { readDraft, writeDraft } from '../drafts.ts';
import { html } from '../html.ts';
import type { CaseEvent } from '../history.ts';
import { formatTime, identifiedVia, language, statusLabel, t, type StringKey } from '../i18n.ts';
import { objectView } from '../schemaView.ts';
import { downloadName } from '../../../functions/lib/attachments/downloadName.ts';
import { AttachmentFile, type Attachment } from './attachmentFile.ts';
import { CaseHistory } from './caseHistory.ts';
import { allowedTransitions, MAX_NOTE_CHARS, type CaseStatus } from '../../../functions/lib/cases/model.ts';
import { MessagesSection, type CaseMessage } from './messages.ts';

const base64Sha256 = async (bytes: ArrayBuffer): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return btoa(String.fromCharCode(...digest));
};

/** Hands bytes to the browser's download under a name, without navigating away from the console. */
function save(blob: Blob, fileName: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

interface CaseDetail {
  caseId: string;
  reference: string;
  formId: string;
  formVersion: number;
  office: string;
  status: CaseStatus;
  receivedAt: string;
  updatedAt: string;
  version: number;
  data: Record<string, unknown>;
  notes: { at: string; actor: string; text: string }[];
  attachments?: Attachment[];
  messages?: CaseMessage[];
  /** The citizen's identity, for forms that need sign-in with BundID. */
  authentication?: { provider: string; level: string; attributes: Record<string, string | undefined>; authenticatedAt: string };
}

interface FormDetail {
  title: { de: string; en: string };
  office: string;
  officeName: { de: string; en: string };
  schema: Record<string, unknown>;
}

/**
 * What the console says: a string of its own (by key, so it follows a change of language), with
 * what the moment adds (a file name), or a text the API answered (in the language asked for then).
 */
/** A download that went wrong, said in the console's words. */
class DownloadFailure extends Error {
  readonly key: StringKey;
  readonly suffix: string;
  constructor(key: StringKey, suffix = '') {
    super(key);
    this.key = key;
    this.suffix = suffix;
  }
}

type Message = { kind: 'success' | 'danger' | 'warning'; key?: StringKey; text?: string; suffix?: string; reload?: boolean };
/** Whole class names, so that the build's stylesheet purge (console/shared/purgeCss.ts) sees them in the code. */
const ALERT_CLASS: Record<Message['kind'], string> = { success: 'kern-alert kern-alert--success', danger: 'kern-alert kern-alert--danger', warning: 'kern-alert kern-alert--warning' };

/** One case: summary, data by its form's schema, attachments, notes, messages, workflow and history. */
export function CaseDetailView({ caseId }: { caseId: string }) {
  const [found, setFound] = useState<{ detail: CaseDetail; form: FormDetail } | undefined>();
  const [events, setEvents] = useState<CaseEvent[]>([]);
  const [note, setNote] = useState(() => readDraft(caseId));
  const [message, setMessage] = useState<Message | undefined>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const fail = (failure: unknown) => {
    if (failure instanceof SessionExpired) return;
    if (failure instanceof ApiProblem && failure.status === 412) return setMessage({ kind: 'warning', key: 'conflict', reload: true });
    if (failure instanceof ApiProblem && failure.status === 404) return setMessage({ kind: 'danger', key: 'notFound' });
    if (failure instanceof DownloadFailure) return setMessage({ kind: 'danger', key: failure.key, suffix: failure.suffix });
    setMessage({ kind: 'danger', text: failure instanceof Error ? failure.message : String(failure) });
  };

  const loadEvents = async () => {
    const all: CaseEvent[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: CaseEvent[]; nextCursor: string | null } = await getJson(`/cases/${caseId}/events?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    setEvents(all);
  };

  const load = async () => {
    const response = await request('GET', `/cases/${caseId}`);
    const detail = (await response.json()) as CaseDetail;
    const form = await getJson<FormDetail>(`/forms/${detail.formId}?version=${detail.formVersion}`, { clerk: false });
    setFound({ detail, form });
    await loadEvents();
  };

  useEffect(() => {
    load().then(() => heading.current?.focus(), fail);
  }, [caseId]);

  const typeNote = (text: string) => {
    setNote(text);
    writeDraft(caseId, text);
  };

  const change = async (status?: CaseStatus) => {
    if (!found) return;
    setBusy(true);
    setMessage(undefined);
    const body: { status?: CaseStatus; note?: string } = {};
    if (status) body.status = status;
    if (note.trim()) body.note = note;
    try {
      await request('PATCH', `/cases/${caseId}`, { body, headers: { 'If-Match': `"${found.detail.version}"` } });
      typeNote('');
      await load();
      setMessage({ kind: 'success', key: 'saved' });
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  };

  // The API records the view and answers a short-lived presigned URL of the vault; the file is
  // fetched from there (CSP connect-src and the vault's CORS rule allow exactly that), checked
  // against its SHA-256 and saved under its decrypted name, which never appears in a URL (it would
  // land in request logs). The console stays open, so the timeline shows the recorded view.
  const download = async (attachment: Pick<Attachment, 'attachmentId' | 'fileName' | 'mediaType' | 'sha256'>) => {
    setMessage(undefined);
    try {
      const { url } = await getJson<{ url: string }>(`/cases/${caseId}/attachments/${attachment.attachmentId}`);
      try {
        const response = await fetch(url, { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' }).catch(() => {
          throw new DownloadFailure('downloadFailed');
        });
        if (!response.ok) throw new DownloadFailure('downloadFailed', ` (HTTP ${response.status})`);
        const bytes = await response.arrayBuffer();
        if ((await base64Sha256(bytes)) !== attachment.sha256) throw new DownloadFailure('downloadCorrupt');
        // Saved with an extension that matches the type the upload was verified as.
        save(new Blob([bytes], { type: attachment.mediaType }), downloadName(attachment.fileName, attachment.mediaType));
        setMessage({ kind: 'success', key: 'downloadDone', suffix: `: ${attachment.fileName}` });
      } finally {
        await loadEvents();
      }
    } catch (failure) {
      fail(failure);
    }
  };

  const alert = message
    ? html`<div class=${ALERT_CLASS[message.kind]} role=${message.kind === 'success' ? 'status' : 'alert'}>
        <div class="kern-alert__body"><p class="kern-body">${message.key ? t(message.key) : message.text}${message.suffix ?? ''}</p>
          ${message.reload
            ? html`<button type="button" class="kern-btn kern-btn--secondary" onClick=${() => load().then(() => setMessage(undefined), fail)}><span class="kern-label">${t('reload')}</span></button>`
            : null}
        </div>
      </div>`
    : null;

  if (!found) {
    return html`<section class="kern-container">
      <p><a class="kern-link" href="#/">${t('backToList')}</a></p>
      ${alert ?? html`<p class="kern-body" role="status">${t('loading')}</p>`}
    </section>`;
  }
  const { detail, form } = found;
  const targets = allowedTransitions(detail.status);
  const left = MAX_NOTE_CHARS - note.length;
  // The events name a viewed file by its id; the clerk knows it by its (decrypted) name.
  const files = [...(detail.attachments ?? []), ...(detail.messages ?? []).flatMap((item) => item.attachments)];
  const fileNameOf = (attachmentId: string): string => files.find((attachment) => attachment.attachmentId === attachmentId)?.fileName ?? attachmentId;
  // A file field of the data shows the file (name, type, size, download), never its internal id.
  const fileView = (attachmentId: string) => {
    const attachment = detail.attachments?.find((each) => each.attachmentId === attachmentId);
    return attachment ? html`<${AttachmentFile} attachment=${attachment} onDownload=${download} />` : t('missingFile');
  };

  return html`<section class="kern-container case" aria-labelledby="case-title">
    <p><a class="kern-link" href="#/">${t('backToList')}</a></p>
    <h1 id="case-title" class="kern-heading-large" tabindex="-1" ref=${heading}>${t('caseTitle')} ${detail.reference}</h1>
    <p class="kern-preline">${form.title[language()]}</p>
    ${alert}
    <section aria-labelledby="summary-title">
      <h2 id="summary-title" class="kern-heading-medium">${t('summary')}</h2>
      <dl class="kern-description-list">
        ${[
          [t('reference'), detail.reference],
          [t('status'), statusLabel(detail.status)],
          [t('receivedAt'), formatTime(detail.receivedAt)],
          [t('updatedAt'), formatTime(detail.updatedAt)],
          [t('office'), officeLabel([form], detail.office)],
          [t('formVersion'), String(detail.formVersion)],
          ...(detail.authentication
            ? [
                [t('identity'), identifiedVia(detail.authentication.level)],
                [
                  t('identifiedPerson'),
                  [detail.authentication.attributes.givenName, detail.authentication.attributes.surname, detail.authentication.attributes.birthdate && `(${detail.authentication.attributes.birthdate})`]
                    .filter(Boolean)
                    .join(' '),
                ],
              ]
            : []),
        ].map(
          ([key, value]) => html`<div class="kern-description-list-item" key=${key}>
            <dt class="kern-description-list-item__key">${key}</dt><dd class="kern-description-list-item__value" data-field=${key}>${value}</dd>
          </div>`,
        )}
      </dl>
    </section>
    <section aria-labelledby="data-title">
      <h2 id="data-title" class="kern-heading-medium">${t('data')}</h2>
      ${objectView(form.schema, form.schema, detail.data, 2, undefined, fileView)}
    </section>
    <section aria-labelledby="notes-title">
      <h2 id="notes-title" class="kern-heading-medium">${t('notes')}</h2>
      ${detail.notes.length === 0
        ? html`<p class="kern-body">${t('noNotes')}</p>`
        : html`<ul class="kern-list notes">
            ${detail.notes.map((item, index) => html`<li key=${index}><p class="kern-body kern-body--small">${formatTime(item.at)} ${t('by')} ${item.actor}</p><p class="kern-body note-text">${item.text}</p></li>`)}
          </ul>`}
    </section>
    <${MessagesSection} caseId=${caseId} formId=${detail.formId} version=${detail.version} messages=${detail.messages ?? []}
      onSent=${async () => {
        await load();
        setMessage({ kind: 'success', text: t('messageSent') });
      }}
      onFailure=${fail} download=${download} />
    <section aria-labelledby="workflow-title">
      <h2 id="workflow-title" class="kern-heading-medium">${t('workflow')}</h2>
      <div class="kern-form-input">
        <label class="kern-label" for="note">${t('newNote')}</label>
        <span class="kern-hint" id="note-hint">${t('noteHint')} ${t('transitionNoteHint')}</span>
        <textarea class="kern-form-input__input" id="note" rows="4" maxlength=${MAX_NOTE_CHARS} aria-describedby="note-hint note-count"
          value=${note} onInput=${(e: Event) => typeNote((e.target as HTMLTextAreaElement).value)}></textarea>
        <span class="kern-hint" id="note-count">${left} ${t('charactersLeft')}</span>
      </div>
      <div class="actions">
        <button type="button" class="kern-btn kern-btn--secondary" disabled=${busy || !note.trim()} onClick=${() => change()}>
          <span class="kern-label">${t('saveNote')}</span>
        </button>
        ${targets.length === 0
          ? html`<p class="kern-body">${t('noTransitions')}</p>`
          : targets.map(
              (target) => html`<button type="button" class="kern-btn kern-btn--primary" key=${target} disabled=${busy} onClick=${() => change(target)}>
                <span class="kern-label">${t('moveTo')}: ${statusLabel(target)}</span>
              </button>`,
            )}
      </div>
    </section>
    <${CaseHistory} events=${events} fileNameOf=${fileNameOf} />
  </section>`;
}
