import { useState } from 'preact/hooks';
import { ApiProblem, getJson, request } from '../api.ts';
import { html } from '../html.ts';
import { formatTime, t } from '../i18n.ts';
import { MAX_MESSAGE_CHARS, MESSAGE_KINDS, type MessageFile, type MessageKind } from '../../../functions/lib/messages/model.ts';

export interface CaseMessage {
  messageId: string;
  at: string;
  from: 'office' | 'citizen';
  kind: MessageKind | 'reply';
  actor: string;
  text: string;
  attachments: MessageFile[];
}

const base64Sha256 = async (bytes: ArrayBuffer): Promise<string> => btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One file through the message ticket of the case: the ticket, the PUT into quarantine with exactly
 * its headers, then the scan's verdict (polled on the form's status route): the id of a clean file.
 */
async function uploadFile(caseId: string, formId: string, file: File): Promise<string> {
  const bytes = await file.arrayBuffer();
  const response = await request('POST', `/cases/${caseId}/attachments`, {
    body: { fileName: file.name, mediaType: file.type, size: bytes.byteLength, sha256: await base64Sha256(bytes) },
  });
  const ticket = (await response.json()) as { attachmentId: string; upload: { url: string; headers: Record<string, string> } };
  const headers = Object.fromEntries(Object.entries(ticket.upload.headers).filter(([name]) => name !== 'content-length'));
  const put = await fetch(ticket.upload.url, { method: 'PUT', headers, body: bytes, credentials: 'omit' });
  if (!put.ok) throw new Error(`${t('uploadRejected')} (HTTP ${put.status})`);
  for (let waited = 0; waited < 60_000; waited += 250) {
    const state = await getJson<{ status: string; reason?: string }>(`/forms/${formId}/attachments/${ticket.attachmentId}`, { clerk: false });
    if (state.status === 'clean') return ticket.attachmentId;
    if (state.status === 'rejected') throw new Error(`${t('uploadRejected')}: ${file.name} (${state.reason ?? ''})`);
    await sleep(250);
  }
  throw new Error(`${t('uploadRejected')}: ${file.name}`);
}

export interface MessagesProps {
  caseId: string;
  formId: string;
  version: number;
  messages: CaseMessage[];
  /** After a message was sent: reload the case (new version, status, messages, history). */
  onSent: () => Promise<void>;
  onFailure: (failure: unknown) => void;
  download: (file: MessageFile) => void;
}

/** The conversation with the applicant (the office's messages and the replies, oldest first) and a form to write to him. */
export function MessagesSection(props: MessagesProps) {
  const [kind, setKind] = useState<MessageKind>('request');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState<string | undefined>();
  const [done, setDone] = useState(false);

  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(files.length > 0 ? t('uploading') : t('loading'));
    setDone(false);
    try {
      const attachments: string[] = [];
      for (const file of files) attachments.push(await uploadFile(props.caseId, props.formId, file));
      await request('POST', `/cases/${props.caseId}/messages`, {
        body: { kind, text, ...(attachments.length > 0 ? { attachments } : {}) },
        headers: { 'If-Match': `"${props.version}"` },
      });
      setText('');
      setFiles([]);
      await props.onSent();
      setDone(true);
    } catch (failure) {
      props.onFailure(failure instanceof ApiProblem && failure.status === 409 ? new Error(failure.message) : failure);
    } finally {
      setBusy(undefined);
    }
  };

  return html`<section aria-labelledby="messages-title">
    <h2 id="messages-title" class="kern-heading-medium">${t('messages')}</h2>
    ${props.messages.length === 0
      ? html`<p class="kern-body">${t('noMessages')}</p>`
      : html`<ol class="kern-list messages">
          ${props.messages.map(
            (message) => html`<li key=${message.messageId} data-from=${message.from}>
              <p class="kern-body kern-body--small">
                <strong>${t(`kind_${message.kind}` as never)}</strong> · ${message.from === 'office' ? `${t('fromOffice')} (${message.actor})` : t('fromCitizen')} · ${formatTime(message.at)}
              </p>
              <p class="kern-body note-text">${message.text}</p>
              ${message.attachments.length > 0
                ? html`<ul class="kern-list">
                    ${message.attachments.map(
                      (file) => html`<li key=${file.attachmentId}>
                        <button type="button" class="kern-btn kern-btn--tertiary" onClick=${() => props.download(file)} aria-label=${`${t('download')}: ${file.fileName}`}>
                          <span class="kern-label">${file.fileName}</span>
                        </button>
                      </li>`,
                    )}
                  </ul>`
                : null}
            </li>`,
          )}
        </ol>`}
    <form onSubmit=${send} aria-labelledby="new-message-title">
      <h3 id="new-message-title" class="kern-heading-small">${t('newMessage')}</h3>
      <div class="kern-form-input">
        <label class="kern-label" for="message-kind">${t('messageKind')}</label>
        <span class="kern-hint" id="message-kind-hint">${t('messageKindHint')}</span>
        <select class="kern-form-input__select" id="message-kind" aria-describedby="message-kind-hint" value=${kind}
          onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value as MessageKind)}>
          ${MESSAGE_KINDS.map((option) => html`<option key=${option} value=${option}>${t(`kind_${option}` as never)}</option>`)}
        </select>
      </div>
      <div class="kern-form-input">
        <label class="kern-label" for="message-text">${t('messageText')}</label>
        <span class="kern-hint" id="message-hint">${t('messageHint')}</span>
        <textarea class="kern-form-input__input" id="message-text" rows="4" required maxlength=${MAX_MESSAGE_CHARS} aria-describedby="message-hint message-count"
          value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea>
        <span class="kern-hint" id="message-count">${MAX_MESSAGE_CHARS - text.length} ${t('charactersLeft')}</span>
      </div>
      <div class="kern-form-input">
        <label class="kern-label" for="message-files">${t('messageFiles')}</label>
        <input class="kern-form-input__input" type="file" id="message-files" multiple accept="application/pdf,image/jpeg,image/png"
          onChange=${(e: Event) => setFiles([...((e.target as HTMLInputElement).files ?? [])])} />
      </div>
      <div class="actions">
        <button type="submit" class="kern-btn kern-btn--primary" disabled=${busy !== undefined || !text.trim()}>
          <span class="kern-label">${t('sendMessage')}</span>
        </button>
      </div>
      ${busy ? html`<p class="kern-body" role="status">${busy}</p>` : null}
      ${done ? html`<p class="kern-body" role="status">${t('messageSent')}</p>` : null}
    </form>
  </section>`;
}
