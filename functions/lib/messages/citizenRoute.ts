import { citizenTokens } from '#lib/bundid/token.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { dynamodb, secretsManager } from '#lib/runtime/clients.ts';
import { createStatusLookup } from '#lib/status/lookup.ts';
import { statusTokens } from '#lib/status/token.ts';
import { createCitizenAccess } from './citizenAccess.ts';

/** The citizen access of a handler (wiring only): lookups in the cases table by key, status and citizen tokens under the stack's HMAC secret. */
export function citizenAccessFor(config: { CASE_PARTITIONS_TABLE: string; HMAC_SECRET_ID: string }) {
  const hmac = secretHmac(secretsManager, config.HMAC_SECRET_ID);
  return createCitizenAccess({
    lookup: createStatusLookup(dynamodb, config.CASE_PARTITIONS_TABLE),
    tokens: statusTokens(hmac),
    citizens: citizenTokens(hmac),
  });
}
