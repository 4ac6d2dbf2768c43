import { has, type Needs } from './needs.ts';

/**
 * Handler configuration, read once per cold start from the environment. Each need of the function
 * table names one setting; the stack sets exactly the settings of a function's needs (a function
 * that may not touch a table does not even learn its name), the local stack sets the same names,
 * plus the SDK's own AWS_ENDPOINT_URL_* variables.
 */
export const CONFIG_OF_NEED = {
  caseKey: 'CASE_KEY_ID',
  cases: 'CASES_TABLE',
  events: 'EVENTS_TABLE',
  idempotency: 'IDEMPOTENCY_TABLE',
  hmacSecret: 'HMAC_SECRET_ID',
  forms: 'FORMS_DIR',
  caseDelivery: 'DELIVERY_CASES_TABLE',
  caseConfirmation: 'CONFIRMATION_CASES_TABLE',
  destinations: 'DESTINATIONS_FILE',
  deliveriesDeadLetters: 'DELIVERIES_DEAD_LETTER_QUEUE_URL',
  deliveries: 'DELIVERIES_QUEUE_URL',
  confirmations: 'CONFIRMATIONS_QUEUE_URL',
  attachments: 'ATTACHMENTS_TABLE',
  attachmentKey: 'ATTACHMENT_KEY_ID',
  messageKey: 'MESSAGE_KEY_ID',
  casePartitions: 'CASE_PARTITIONS_TABLE',
  quarantine: 'QUARANTINE_BUCKET',
  vault: 'VAULT_BUCKET',
  uploadWatch: 'WATCHED_QUARANTINE_BUCKET',
  confirmationMail: 'CONFIRMATION_MAIL',
  auditCheckpoints: 'AUDIT_CHECKPOINTS',
  signIns: 'SIGN_INS_TABLE',
  bundid: 'BUNDID',
  bundidKey: 'BUNDID_SP_KEY_SECRET_ID',
  officeNames: 'OFFICE_NAMES',
  openapiDocument: 'OPENAPI_FILE',
} as const satisfies Record<keyof Needs, string>;

export type ConfigName = (typeof CONFIG_OF_NEED)[keyof Needs];

type Present<T> = T extends true ? true : T extends readonly [unknown, ...unknown[]] ? true : false;

/** The settings a function with these needs reads, as a type: exactly one per present need. */
export type ConfigFor<N extends Needs> = {
  readonly [K in keyof N & keyof Needs as Present<N[K]> extends true ? (typeof CONFIG_OF_NEED)[K] : never]: string;
};

/** The names of the settings that a function with these needs receives. */
export function configNames(needs: Needs): ConfigName[] {
  return (Object.keys(CONFIG_OF_NEED) as (keyof Needs)[]).filter((need) => has(needs, need)).map((need) => CONFIG_OF_NEED[need]);
}

/** Reads the settings of a function's needs; a missing one fails the cold start, naming what is missing. */
export function readConfig<const N extends Needs>(needs: N, env: NodeJS.ProcessEnv = process.env): ConfigFor<N> {
  const names = configNames(needs);
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Handler configuration is incomplete: ${missing.join(', ')}`);
  return Object.fromEntries(names.map((name) => [name, env[name]])) as ConfigFor<N>;
}
