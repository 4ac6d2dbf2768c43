import type { KMSClient } from '@aws-sdk/client-kms';
import { summaryMessage } from '#lib/cases/integrity.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import type { LoadedCase } from '#lib/cases/store.ts';
import { sealNewCase } from '#lib/crypto/envelope.ts';

/**
 * A case as the store loads it, sealed with a real envelope under `keyId` and its summary MAC: no
 * notes, no files, the given messages. What the workers' unit tests start from.
 */
export function sealedCase(
  kms: KMSClient,
  keyId: string,
  summary: CaseSummary,
  data: Uint8Array,
  expiresAt: number,
  messages: LoadedCase['messages'] = [],
): Promise<LoadedCase> {
  return sealNewCase(kms, keyId, summary, data, (envelope, key) => ({
    summary,
    envelope,
    expiresAt,
    mac: key.mac(summaryMessage(summary, expiresAt, [])),
    notes: [],
    files: [],
    messages,
    messageFiles: [],
  }));
}
