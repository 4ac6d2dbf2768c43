import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { call, type Answer } from './api.ts';

/** Bytes that begin like a file of the type (magic numbers), followed by `body`. */
export const fileOf = {
  pdf: (body: string | Buffer = randomBytes(64)) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(body)]),
  png: (body: string | Buffer = randomBytes(64)) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(body)]),
  jpeg: (body: string | Buffer = randomBytes(64)) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(body)]),
};

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64');

export interface TicketRequest {
  field: string;
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

export function requestTicket(formId: string, file: TicketRequest, overrides: Record<string, unknown> = {}): Promise<Answer> {
  return call('POST', `/forms/${formId}/attachments`, {
    body: { field: file.field, fileName: file.fileName, mediaType: file.mediaType, size: file.bytes.length, sha256: sha256Of(file.bytes), ...overrides },
  });
}

/** A raw HTTP request (fetch would not let a test choose Content-Length). */
export function send(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the bytes as the ticket says. */
export function upload(ticket: { upload: { url: string; headers: Record<string, string> } }, bytes: Buffer) {
  return send('PUT', ticket.upload.url, ticket.upload.headers, bytes);
}

/**
 * Polls the attachment's status until it leaves awaiting-upload/scanning (or the time is up). The
 * deadline is waiting.ts's: 30 s was too short for the scan on the loaded machine.
 */
export async function settledStatus(formId: string, attachmentId: string, timeoutMs = 90_000): Promise<{ status: string; reason?: string }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call('GET', `/forms/${formId}/attachments/${attachmentId}`);
    if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.text}`);
    if (answer.body.status !== 'awaiting-upload' && answer.body.status !== 'scanning') return answer.body;
    if (Date.now() > until) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ticket, upload and scan: the id of a file that ended as the scan decided. */
export async function uploaded(formId: string, file: TicketRequest): Promise<{ attachmentId: string; status: string; reason?: string }> {
  const ticket = await requestTicket(formId, file);
  if (ticket.status !== 201) throw new Error(`ticket ${ticket.status}: ${ticket.text}`);
  const put = await upload(ticket.body, file.bytes);
  if (put.status !== 200) throw new Error(`upload ${put.status}: ${put.body.toString()}`);
  return { attachmentId: ticket.body.attachmentId, ...(await settledStatus(formId, ticket.body.attachmentId)) };
}
