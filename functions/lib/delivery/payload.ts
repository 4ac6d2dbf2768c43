import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CaseAttachment } from '#lib/attachments/caseMetadata.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import type { Authentication } from '#lib/cases/identity.ts';
import type { MessageFile } from '#lib/messages/model.ts';

/** One file of the case, as it travels inside the encrypted payload (API.md): its metadata and its bytes. */
export interface DeliveredAttachment extends CaseAttachment {
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
  /** Who signed in to submit (forms that need sign-in, API.md *Citizen sign-in*); absent otherwise. */
  authentication?: Authentication;
  attachments: DeliveredAttachment[];
}

/**
 * Where a case's files come from: given the case and its file items (as the case load returned
 * them), the files with their decrypted metadata and their bytes. The worker's source reads them
 * from the vault (vaultAttachments.ts); `noAttachments` is for tests of cases without files.
 */
export type AttachmentSource = (summary: CaseSummary, files: readonly Record<string, AttributeValue>[]) => Promise<DeliveredAttachment[]>;
export const noAttachments: AttachmentSource = async () => [];

/**
 * What a follow-up delivery carries (docs/delivery.md, *Follow-up deliveries*): a citizen's reply
 * (`type: "reply"`) or the office's decision (`type: "decision"`), with the case it belongs to, the
 * message's text and its files as the first delivery carries the case's (without `field`).
 */
export type FollowUpType = 'reply' | 'decision';
export interface FollowUpPayload {
  type: FollowUpType;
  caseId: string;
  reference: string;
  formId: string;
  formVersion: number;
  office: string;
  messageId: string;
  at: string;
  from: 'office' | 'citizen';
  kind: string;
  text: string;
  attachments: (MessageFile & { content: string })[];
}

/** Where a follow-up's files come from: given their sealed metadata, the files with their bytes (the vault's, checked). */
export type MessageFileSource = (caseId: string, files: readonly MessageFile[]) => Promise<FollowUpPayload['attachments']>;

export function buildPayload(summary: CaseSummary, data: unknown, attachments: DeliveredAttachment[], authentication: Authentication | null = null): DeliveryPayload {
  return {
    caseId: summary.caseId,
    reference: summary.reference,
    formId: summary.formId,
    formVersion: summary.formVersion,
    office: summary.office,
    receivedAt: summary.receivedAt,
    data,
    ...(authentication ? { authentication } : {}),
    attachments,
  };
}
