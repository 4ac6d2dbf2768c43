import type { S3Client } from '@aws-sdk/client-s3';
import { presignUpload } from './presign.ts';
import type { AttachmentStore, Ticket } from './store.ts';
import { UNBOUND_SECONDS, UPLOAD_SECONDS } from './upload.ts';

/** What issuing a ticket needs: the ticket store and the quarantine bucket the PUT goes to. */
export interface TicketIssuer {
  attachments: AttachmentStore;
  s3: S3Client;
  quarantineBucket: string;
}

/**
 * Records a ticket awaiting its upload (unbound: gone after UNBOUND_SECONDS) and answers the 201
 * body of a ticket route: a presigned PUT into quarantine that fixes length, type and checksum.
 * Shared by the form's ticket route and the message ticket routes.
 */
export async function issueTicket(
  deps: TicketIssuer,
  ticket: Omit<Ticket, 'status' | 'createdAt' | 'expiresAt'>,
  sha256: string,
  now: Date,
) {
  await deps.attachments.putTicket({ ...ticket, status: 'awaiting-upload', createdAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + UNBOUND_SECONDS });
  const upload = await presignUpload(deps.s3, {
    bucket: deps.quarantineBucket,
    attachmentId: ticket.attachmentId,
    mediaType: ticket.mediaType,
    size: ticket.size,
    sha256,
    expiresInSeconds: UPLOAD_SECONDS,
  });
  const expiresAt = new Date(now.getTime() + UPLOAD_SECONDS * 1000).toISOString();
  return { attachmentId: ticket.attachmentId, status: 'awaiting-upload' as const, upload: { method: 'PUT' as const, ...upload, expiresAt } };
}
