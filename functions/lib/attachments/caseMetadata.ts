import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { CaseSummary } from '#lib/cases/model.ts';
import { IntegrityError } from '#lib/crypto/integrity.ts';
import { readCaseFile } from './caseFiles.ts';
import { openMeta } from './sealing.ts';

/** An attachment as a clerk reads it (API.md, `GET /cases/{caseId}`). */
export interface CaseAttachment {
  attachmentId: string;
  field: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/**
 * Opens the metadata of a case's attachments (one KMS Decrypt each, with the attachment's context).
 * An item that is malformed, names another form or office than its case, or fails
 * authentication makes the whole case an integrity error: never a partial answer.
 */
export async function openCaseFiles(
  kms: KMSClient,
  keyId: string,
  summary: Pick<CaseSummary, 'caseId' | 'formId' | 'office'>,
  items: readonly Record<string, AttributeValue>[],
): Promise<CaseAttachment[]> {
  const files = items.map((item) => {
    try {
      return readCaseFile(item);
    } catch {
      throw new IntegrityError('malformed attachment item', summary.caseId);
    }
  });
  return Promise.all(
    files.map(async (file) => {
      if (file.formId !== summary.formId || file.office !== summary.office) throw new IntegrityError('attachment of another form or office', summary.caseId);
      const meta = await openMeta(kms, keyId, { attachmentId: file.attachmentId, formId: file.formId, office: file.office }, file.meta, summary.caseId);
      return { attachmentId: file.attachmentId, field: file.field, fileName: meta.fileName, mediaType: file.mediaType, size: file.size, sha256: meta.sha256 };
    }),
  );
}
