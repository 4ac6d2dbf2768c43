/**
 * Handler configuration, read once per cold start from the environment. The stack sets these in
 * AWS (each function only what its route needs); the local stack sets the same names, plus the
 * SDK's own AWS_ENDPOINT_URL_* variables.
 */
export interface Config {
  CASES_TABLE: string;
  EVENTS_TABLE: string;
  IDEMPOTENCY_TABLE: string;
  /** ARN (or alias) of the customer-managed KMS key that wraps every case's data key. */
  CASE_KEY_ID: string;
  /** Secrets Manager id of the HMAC secret for idempotency keys and list cursors. */
  HMAC_SECRET_ID: string;
  /** Folder holding `<formId>/v<version>.json` form definitions. */
  FORMS_DIR: string;
}

export type ConfigName = keyof Config;

/** Reads the named settings; a missing one fails the cold start, naming what is missing. */
export function readConfig<const K extends ConfigName>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Pick<Config, K> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Handler configuration is incomplete: ${missing.join(', ')}`);
  return Object.fromEntries(names.map((name) => [name, env[name]])) as Pick<Config, K>;
}
