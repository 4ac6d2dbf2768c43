import { getJson, request } from '../api.ts';
import { authorizationFor } from '../signIn.ts';
import type { UploadedFile } from './draft.ts';

/**
 * A file field's journey (API.md, Attachments): a ticket for this form and field, the bytes PUT to
 * the ticket's URL with exactly its headers (XMLHttpRequest, for the progress a citizen sees), then
 * the scanner's verdict, polled until `clean` or `rejected`.
 */
interface Ticket {
  attachmentId: string;
  status: UploadedFile['status'];
  upload: { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string };
}

async function sha256Base64(file: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function put(ticket: Ticket, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.upload.method, ticket.upload.url);
    // The browser sets Content-Length itself (scripts may not); every other header as the ticket says.
    for (const [name, value] of Object.entries(ticket.upload.headers)) if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(Math.round((event.loaded / event.total) * 100));
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`upload answered ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('upload failed'));
    xhr.send(file);
  });
}

export async function upload(formId: string, field: string, file: File, onProgress: (percent: number) => void): Promise<UploadedFile> {
  const ticket = (await (
    await request('POST', `/forms/${encodeURIComponent(formId)}/attachments`, {
      body: { field, fileName: file.name, mediaType: file.type, size: file.size, sha256: await sha256Base64(file) },
      headers: authorizationFor(formId),
    })
  ).json()) as Ticket;
  await put(ticket, file, onProgress);
  return { attachmentId: ticket.attachmentId, fileName: file.name, size: file.size, status: 'scanning' };
}

/** The scanner's verdict so far. */
export const verdictOf = (formId: string, attachmentId: string): Promise<{ status: UploadedFile['status']; reason?: string }> =>
  getJson(`/forms/${encodeURIComponent(formId)}/attachments/${encodeURIComponent(attachmentId)}`);

/**
 * A file for a reply on the status page (docs/portal.md, "Messages and replies"): the ticket from
 * `POST /status/{reference}/attachments` (no field; the status or citizen token as its header), then
 * the same PUT and the same verdict as a form's file (`verdictOf` with the case's form id).
 */
export async function uploadReplyFile(reference: string, access: Record<string, string>, file: File, onProgress: (percent: number) => void): Promise<UploadedFile> {
  const ticket = (await (
    await request('POST', `/status/${encodeURIComponent(reference)}/attachments`, {
      body: { fileName: file.name, mediaType: file.type, size: file.size, sha256: await sha256Base64(file) },
      headers: access,
    })
  ).json()) as Ticket;
  await put(ticket, file, onProgress);
  return { attachmentId: ticket.attachmentId, fileName: file.name, size: file.size, status: 'scanning' };
}
