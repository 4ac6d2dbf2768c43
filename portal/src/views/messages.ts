import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber } from '../../../console/shared/formats.ts';
import { html } from '../../../console/shared/html.ts';
import { ApiProblem, getJson, request } from '../api.ts';
import type { FieldError } from '../form/check.ts';
import type { UploadedFile } from '../form/draft.ts';
import { fileStateText, size, TYPE_NAMES, useVerdict } from '../form/fileFields.ts';
import { fieldId } from '../form/pointer.ts';
import { uploadReplyFile } from '../form/upload.ts';
import { fill, formatTime, t, type StringKey } from '../i18n.ts';
import { ErrorSummary } from './errorSummary.ts';
import { accessHeaders } from '../statusAccess.ts';
import { followUpDelayMs } from '../followUps.ts';
import type { StatusSectionProps } from './statusSections.ts';

/**
 * The status page's conversation with the office (docs/portal.md, "Messages and replies"): the
 * office's messages and the citizen's replies, oldest first; a `request` as something to answer, a
 * `decision` as the *Bescheid* to download; files fetched through their 60-second URL and saved
 * under their names. Then the reply form: text (at most 4,000 characters, counted), files through
 * the reply ticket, the error summary, the server's errors by pointer, the 20-reply limit.
 */
export interface MessageFile {
  attachmentId: string;
  fileName: string;
  mediaType: string;
  size: number;
}

export interface Message {
  at: string;
  from: 'office' | 'citizen';
  kind: string;
  text: string;
  attachments: MessageFile[];
}

export const MAX_REPLY = 4000;
export const MAX_REPLIES = 20;
const MAX_FILES = 10;
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

const statusPath = (reference: string, rest: string): string => `/status/${encodeURIComponent(reference)}/${rest}`;

const HEADINGS: Record<string, StringKey> = { request: 'messageRequest', decision: 'messageDecision', information: 'messageInformation' };

/** Fetches a file's 60-second URL at once and hands the bytes to the browser under the file's name. */
async function download(reference: string, token: string, file: MessageFile): Promise<void> {
  const { url } = await getJson<{ url: string }>(statusPath(reference, `attachments/${encodeURIComponent(file.attachmentId)}`), accessHeaders(token));
  const response = await fetch(url, { cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (!response.ok) throw new Error(`download answered ${response.status}`);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function FileLink({ reference, token, file, decision }: { reference: string; token: string; file: MessageFile; decision: boolean }) {
  const [state, setState] = useState<'idle' | 'busy' | 'done' | 'failed'>('idle');
  const start = async (): Promise<void> => {
    setState('busy');
    try {
      await download(reference, token, file);
      setState('done');
    } catch {
      setState('failed');
    }
  };
  const type = TYPE_NAMES[file.mediaType] ?? file.mediaType;
  return html`<li class="portal-message__file">
    <button type="button" class=${`kern-btn ${decision ? 'kern-btn--primary' : 'kern-btn--secondary'}`} disabled=${state === 'busy'} onClick=${start}>
      <span class="kern-label">${decision ? t('downloadDecision') : t('download')}: ${file.fileName} (${type}, ${size(file.size)})</span>
    </button>
    <span role="status" class=${state === 'failed' ? 'kern-error' : 'kern-body'}>${state === 'failed' ? t('downloadFailed') : state === 'done' ? fill('downloadDone', { name: file.fileName }) : ''}</span>
  </li>`;
}

function MessageItem({ reference, token, message, index }: { reference: string; token: string; message: Message; index: number }) {
  const office = message.from === 'office';
  const heading = office ? t(HEADINGS[message.kind] ?? 'messageFromOffice') : t('messageReply');
  const hint = office && message.kind === 'request' ? t('messageRequestHint') : office && message.kind === 'decision' ? t('messageDecisionHint') : undefined;
  const tone = !office ? 'portal-message--citizen' : message.kind === 'request' ? 'portal-message--request' : message.kind === 'decision' ? 'portal-message--decision' : '';
  return html`<li class=${`portal-message ${tone}`} aria-labelledby=${`message-${index}`}>
    <h3 class="kern-heading-small" id=${`message-${index}`}>${heading}</h3>
    <p class="kern-body portal-message__time">${t('messageSentAt')} <time datetime=${message.at}>${formatTime(message.at)}</time></p>
    ${hint ? html`<p class="kern-body"><strong>${hint}</strong></p>` : null}
    <p class="kern-body portal-message__text">${message.text}</p>
    ${message.attachments.length > 0
      ? html`<p class="kern-body kern-sr-only">${t('messageFiles')}</p>
          <ul class="portal-message__files">
            ${message.attachments.map((file) => html`<${FileLink} key=${file.attachmentId} reference=${reference} token=${token} file=${file} decision=${office && message.kind === 'decision'} />`)}
          </ul>`
      : null}
  </li>`;
}

/** A file picked for the reply, with its scanner's verdict polled until clean or rejected. */
function ReplyFile({ formId, index, file, onChange }: { formId: string; index: number; file: UploadedFile; onChange: (file: UploadedFile | undefined) => void }) {
  useVerdict(formId, file, onChange);
  return html`<div class="portal-file" id=${fieldId(`/attachments/${index}`)} tabindex="-1">
    <p class="kern-body"><strong>${file.fileName}</strong> (${size(file.size)})</p>
    <p class=${`kern-body${file.status === 'rejected' ? ' kern-error' : ''}`} role="status">${fileStateText(file)}</p>
    <button type="button" class="kern-btn kern-btn--tertiary" onClick=${() => onChange(undefined)}>
      <span class="kern-label">${t('fileRemove')}<span class="kern-sr-only">: ${file.fileName}</span></span>
    </button>
  </div>`;
}

/** What the server's 422 says, as errors at the form's fields and general lines (the reply limit). */
export function replyErrors(problem: ApiProblem['problem'], files: UploadedFile[]): { errors: FieldError[]; general: string[] } {
  const errors: FieldError[] = [];
  const general: string[] = [];
  for (const error of problem.errors ?? []) {
    if (error.pointer === '') general.push(error.keyword === 'maxItems' ? t('replyLimit') : error.message);
    else if (error.pointer === '/text') errors.push({ pointer: '/text', message: error.keyword === 'maxLength' ? fill('replyTooLong', { max: formatNumber(MAX_REPLY, 'de') }) : error.keyword === 'minLength' ? t('replyEmpty') : error.message });
    else if (error.pointer.startsWith('/attachments')) {
      const index = Number(error.pointer.split('/')[2]);
      const file = files[index];
      errors.push({ pointer: Number.isInteger(index) && file ? `/attachments/${index}` : '/files', message: file ? fill('replyFileInvalid', { label: file.fileName }) : error.message });
    } else general.push(error.message);
  }
  if (errors.length === 0 && general.length === 0) general.push(problem.detail ?? t('replyFailed'));
  return { errors, general: [...new Set(general)] };
}

function ReplyForm({ reference, token, formId, onSent }: { reference: string; token: string; formId: string; onSent: () => void }) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [progress, setProgress] = useState<number | undefined>();
  const [pickProblem, setPickProblem] = useState<string | undefined>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [general, setGeneral] = useState<string[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(0);
  const sentNotice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sent > 0) sentNotice.current?.focus();
  }, [sent]);

  const textId = fieldId('/text');
  const filesId = fieldId('/files');
  const left = MAX_REPLY - text.length;
  const number = (n: number): string => formatNumber(n, 'de');
  const errorAt = (pointer: string): string | undefined => errors.find((error) => error.pointer === pointer)?.message;

  const pick = async (event: Event): Promise<void> => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setPickProblem(undefined);
    if (!MEDIA_TYPES.includes(file.type)) return setPickProblem(t('fileWrongType'));
    if (file.size > MAX_FILE_BYTES) return setPickProblem(t('fileTooLarge'));
    setProgress(0);
    try {
      const uploaded = await uploadReplyFile(reference, accessHeaders(token), file, setProgress);
      setFiles((current) => [...current, uploaded]);
      input.value = '';
    } catch (error) {
      setPickProblem(error instanceof ApiProblem && error.problem.errors?.[0] ? error.problem.errors[0].message : t('fileFailed'));
    } finally {
      setProgress(undefined);
    }
  };
  const changeAt = (index: number) => (next: UploadedFile | undefined) =>
    setFiles((current) => (next ? current.map((file, i) => (i === index ? next : file)) : current.filter((_, i) => i !== index)));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (sending) return;
    const found: FieldError[] = [];
    if (text.trim() === '') found.push({ pointer: '/text', message: t('replyEmpty') });
    else if (text.length > MAX_REPLY) found.push({ pointer: '/text', message: fill('replyTooLong', { max: number(MAX_REPLY) }) });
    files.forEach((file, index) => {
      if (file.status === 'rejected') found.push({ pointer: `/attachments/${index}`, message: fill('replyFileInvalid', { label: file.fileName }) });
      else if (file.status !== 'clean') found.push({ pointer: `/attachments/${index}`, message: fill('fileNotReady', { label: file.fileName }) });
    });
    setGeneral([]);
    setErrors(found);
    setAttempt((n) => n + 1);
    if (found.length > 0) return;
    setSending(true);
    try {
      await request('POST', statusPath(reference, 'replies'), {
        body: { text, ...(files.length > 0 ? { attachments: files.map((file) => file.attachmentId) } : {}) },
        headers: accessHeaders(token),
      });
      setText('');
      setFiles([]);
      setSent((n) => n + 1);
      onSent();
    } catch (error) {
      if (error instanceof ApiProblem && error.problem.status === 422) {
        const mapped = replyErrors(error.problem, files);
        setErrors(mapped.errors);
        setGeneral(mapped.general);
      } else setGeneral([error instanceof ApiProblem && error.problem.status === 429 ? t('statusTooMany') : t('replyFailed')]);
      setAttempt((n) => n + 1);
    } finally {
      setSending(false);
    }
  };

  const textError = errorAt('/text');
  const filesError = errors.find((error) => error.pointer === '/files')?.message;
  return html`<form class="portal-form portal-reply" noValidate onSubmit=${submit} aria-labelledby="reply-title">
    <h3 class="kern-heading-small" id="reply-title">${t('replyTitle')}</h3>
    ${sent > 0 && errors.length === 0 && general.length === 0
      ? html`<div class="kern-alert kern-alert--success" role="status" tabindex="-1" ref=${sentNotice}><div class="kern-alert__body"><p class="kern-body">${t('replySent')}</p></div></div>`
      : null}
    <${ErrorSummary} errors=${errors} general=${general} attempt=${attempt} />
    <p class="kern-body">${t('replyIntro')}</p>
    <div class=${`kern-form-input${textError ? ' kern-form-input--error' : ''}`}>
      <label class="kern-label" for=${textId}>${t('replyText')}</label>
      ${textError ? html`<p class="kern-error" id=${`${textId}-error`}>${textError}</p>` : null}
      <textarea class="kern-form-input__input" id=${textId} rows="6" value=${text} aria-invalid=${textError ? 'true' : undefined}
        aria-describedby=${[textError ? `${textId}-error` : '', `${textId}-count`].filter(Boolean).join(' ')}
        onInput=${(event: Event) => setText((event.target as HTMLTextAreaElement).value)}></textarea>
      <p class=${left < 0 ? 'kern-error' : 'kern-hint'} id=${`${textId}-count`} aria-live="polite">
        ${left < 0 ? fill('replyOver', { n: number(-left) }) : fill('replyCount', { n: number(left), max: number(MAX_REPLY) })}
      </p>
    </div>
    <div class=${`kern-form-input${pickProblem || filesError ? ' kern-form-input--error' : ''}`}>
      ${files.map((file, index) => html`<${ReplyFile} key=${file.attachmentId} formId=${formId} index=${index} file=${file} onChange=${changeAt(index)} />`)}
      ${errors.filter((error) => error.pointer.startsWith('/attachments/')).map((error) => html`<p class="kern-error" key=${error.pointer}>${error.message}</p>`)}
      ${files.length < MAX_FILES
        ? html`<label class="kern-label" for=${filesId}>${files.length === 0 ? t('replyFiles') : t('fileAddAnother')}</label>
            <p class="kern-hint" id=${`${filesId}-allowed`}>${fill('fileAllowed', { types: 'PDF, JPEG, PNG', size: size(MAX_FILE_BYTES) })}</p>
            ${pickProblem || filesError ? html`<p class="kern-error" id=${`${filesId}-problem`} role="alert">${pickProblem ?? filesError}</p>` : null}
            <input class="kern-form-input__input portal-file__input" id=${filesId} type="file" accept=${MEDIA_TYPES.join(',')}
              aria-describedby=${[`${filesId}-allowed`, pickProblem || filesError ? `${filesId}-problem` : ''].filter(Boolean).join(' ')}
              aria-invalid=${pickProblem || filesError ? 'true' : undefined} disabled=${progress !== undefined} onChange=${pick} />
            ${progress !== undefined
              ? html`<p class="kern-body" role="status"><progress class="kern-progress" max="100" value=${progress} aria-label=${t('fileChoose')}></progress> ${fill('fileUploading', { percent: progress })}</p>`
              : null}`
        : null}
    </div>
    <div class="actions">
      <button type="submit" class="kern-btn kern-btn--primary" disabled=${sending}><span class="kern-label">${sending ? t('replySending') : t('replySend')}</span></button>
    </div>
  </form>`;
}

export function MessagesSection({ reference, token, status, reload, loads: pageLoads }: StatusSectionProps) {
  const [messages, setMessages] = useState<Message[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [loads, setLoads] = useState(0);
  // After a reply a worker moves `needs_info` back to `in_review`: read the status again, with
  // growing waits, rather than assuming it (followUps.ts).
  const [followUps, setFollowUps] = useState(0);
  useEffect(() => {
    let stopped = false;
    getJson<{ items: Message[] }>(statusPath(reference, 'messages'), accessHeaders(token)).then(
      (answer) => {
        if (stopped) return;
        setProblem(undefined);
        setMessages(answer.items);
      },
      (error: unknown) => !stopped && setProblem(error instanceof ApiProblem && error.problem.status === 429 ? t('statusTooMany') : t('messagesFailed')),
    );
    return () => {
      stopped = true;
    };
  }, [reference, token, loads, pageLoads, status.updatedAt]);
  useEffect(() => {
    const wait = followUpDelayMs(followUps);
    if (wait === undefined || status.status !== 'needs_info') return;
    const timer = setTimeout(() => {
      setFollowUps((n) => n + 1);
      reload?.();
    }, wait);
    return () => clearTimeout(timer);
  }, [followUps, status.status, status.updatedAt]);

  const replies = (messages ?? []).filter((message) => message.from === 'citizen').length;
  const onSent = (): void => {
    setLoads((n) => n + 1);
    reload?.();
    setFollowUps(1);
  };
  return html`<section class="portal-messages" aria-labelledby="messages-title">
    <h2 class="kern-heading-medium" id="messages-title">${t('messagesTitle')}</h2>
    ${problem
      ? html`<div class="kern-alert kern-alert--danger" role="alert"><div class="kern-alert__body"><p class="kern-body">${problem}</p></div></div>`
      : !messages
        ? html`<p class="kern-body" role="status">${t('loading')}</p>`
        : messages.length === 0
          ? html`<p class="kern-body">${t('messagesNone')}</p>`
          : html`<ol class="portal-messages__list">
              ${messages.map((message, index) => html`<${MessageItem} key=${`${message.at}-${index}`} reference=${reference} token=${token} message=${message} index=${index} />`)}
            </ol>`}
    ${messages && replies >= MAX_REPLIES
      ? html`<div class="kern-alert kern-alert--warning" role="status"><div class="kern-alert__body"><p class="kern-body">${t('replyLimit')}</p></div></div>`
      : html`<${ReplyForm} reference=${reference} token=${token} formId=${status.formId} onSent=${onSent} />`}
  </section>`;
}
