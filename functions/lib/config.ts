import { z } from 'zod';

/**
 * Handler configuration, parsed once per cold start from the environment. The stack sets these in
 * AWS; the local stack sets the same names (plus the SDK's AWS_ENDPOINT_URL_* endpoints) locally.
 */
const environment = z.object({
  CASES_TABLE: z.string().min(1),
  IDEMPOTENCY_TABLE: z.string().min(1),
  /** ARN (or id) of the customer-managed KMS key that wraps every case's data key. */
  CASE_KEY_ID: z.string().min(1),
  /** Secrets Manager id of the HMAC secret for idempotency keys and list cursors. */
  HMAC_SECRET_ID: z.string().min(1),
  /** Folder holding `<formId>/v<version>.json` form definitions. */
  FORMS_DIR: z.string().min(1),
});

export type Config = z.infer<typeof environment>;

export const ENV_NAMES = Object.keys(environment.shape) as (keyof Config)[];

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Handler configuration is incomplete: ${missing}`);
  }
  return parsed.data;
}
