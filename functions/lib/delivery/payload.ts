import type { CaseSummary } from '#lib/cases/model.ts';

/** One file of the case, as it travels inside the encrypted payload (API.md). */
export interface DeliveredAttachment {
  attachmentId: string;
  field: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** The file's bytes, base64. */
  content: string;
}

/** What the destination decrypts: the case as the citizen submitted it (API.md, "Delivery to back-office systems"). */
export interface DeliveryPayload {
  caseId: string;
  reference: string;
  formId: string;
  formVersion: number;
  office: string;
  receivedAt: string;
  data: unknown;
  attachments: DeliveredAttachment[];
}

/**
 * Where a case's files come from. The seam for attachments: until cases carry attachments it
 * answers none; the attachments feature hands in a source that reads the case's bound files from
 * the vault (decrypting their metadata under the case's data key).
 */
export type AttachmentSource = (summary: CaseSummary) => Promise<DeliveredAttachment[]>;
export const noAttachments: AttachmentSource = async () => [];

export function buildPayload(summary: CaseSummary, data: unknown, attachments: DeliveredAttachment[]): DeliveryPayload {
  return {
    caseId: summary.caseId,
    reference: summary.reference,
    formId: summary.formId,
    formVersion: summary.formVersion,
    office: summary.office,
    receivedAt: summary.receivedAt,
    data,
    attachments,
  };
}
