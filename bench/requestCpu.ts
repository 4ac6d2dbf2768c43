import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lambdaContext as context, submissionEvent } from '../test/support/events.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import type { FormDefinition } from '#lib/forms/catalogue.ts';
import { loadShippedForms } from '#lib/forms/shipped.ts';
import { validInstancesWithinLimits } from '#lib/forms/structure.ts';
import { createFormSchemaAjv } from '#lib/forms/validation.ts';
import { buildShippedForms } from '../infra/formsBuild.ts';
import { checkFormDefinitions } from '../infra/forms.ts';
import { defaultStageName, loadStageConfig } from '../infra/config.ts';
import { secretHmac } from '#lib/crypto/hmac.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createIdempotencyStore } from '#lib/submissions/idempotency.ts';
import { createSubmit } from '../functions/submit/submit.ts';
import { statusTokens } from '#lib/status/token.ts';
import { citizenTokens } from '#lib/bundid/token.ts';
import { PROJECT_ROOT } from '../infra/constructs/bundling.ts';
import { fixture } from './clerkPaths.ts';
import { compare, iterationsFor, microsPerAsyncCall, microsPerCall, spread, type Comparison, type Spread } from './stats.ts';

/**
 * Per-request CPU: the submit story wired as functions/submit/handler.ts wires it (middy chain,
 * catalogue, validator, idempotency store, case store), with KMS, DynamoDB and Secrets Manager
 * answering at once; and the form validator alone beside raw compiled Ajv on the same schema.
 */

const FORMS = ['fischereischein', 'wohngeld'] as const;

const instantKms = {
  send: async () => ({ Plaintext: new Uint8Array(32).fill(7), CiphertextBlob: new Uint8Array(184).fill(1), KeyId: 'arn:aws:kms:eu-central-1:0:key/k' }),
} as unknown as KMSClient;
const instantDynamoDb = { send: async () => ({}) } as unknown as DynamoDBClient;
const instantSecrets = { send: async () => ({ SecretString: 'x'.repeat(64) }) } as unknown as SecretsManagerClient;

export interface RequestCpuResult {
  form: string;
  /** µs per submission (201, with an Idempotency-Key), over rounds. */
  submitMicros: Spread;
  /** µs per validation: our validator beside raw Ajv. */
  validation: Comparison;
  /** Whether the form's valid data needs the structural walk (its schema does not bound it, structure.ts). */
  walksValidData: boolean;
}

type RequestCpuOptions = { rounds: number; sampleMs: number; log: (line: string) => void };

export async function requestCpu(options: RequestCpuOptions): Promise<RequestCpuResult[]> {
  // As functions/submit/handler.ts loads them: built as the synth builds them (generated
  // standalone validators), loaded from the built folder. The folder stays until the end: a
  // version's checks are loaded from it on first use.
  const shippedDir = mkdtempSync(join(tmpdir(), 'egov-bench-forms-'));
  try {
    const formsDir = join(PROJECT_ROOT, 'schemas', 'forms');
    buildShippedForms(formsDir, shippedDir, checkFormDefinitions(loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined)), formsDir));
    return await requestCpuOver(shippedDir, options);
  } finally {
    rmSync(shippedDir, { recursive: true, force: true });
  }
}

async function requestCpuOver(shippedDir: string, options: RequestCpuOptions): Promise<RequestCpuResult[]> {
  const { forms, validator } = await loadShippedForms(shippedDir);
  const tokens = citizenTokens(secretHmac(instantSecrets, 'secret'));
  const handler = httpRoute(
    createSubmit({
      forms,
      validator,
      kms: instantKms,
      caseKeyId: 'arn:aws:kms:eu-central-1:0:key/k',
      cases: createCaseStore(instantDynamoDb, 'cases', createEventLog(instantDynamoDb, 'events')),
      idempotency: createIdempotencyStore(instantDynamoDb, 'idempotency', secretHmac(instantSecrets, 'secret')),
      statusTokens: statusTokens(secretHmac(instantSecrets, 'secret')),
      citizenTokens: tokens,
    }),
    { jsonBody: true },
  );

  let requestNo = 0;
  const submitOf = async (formId: string) => {
    const body = JSON.stringify({ data: fixture(formId) });
    // A form that needs sign-in gets a citizen token, verified per request as the route does.
    const signIn: Record<string, string> = forms.get(formId)?.authentication
      ? { Authorization: `Bearer ${await tokens.issue({ provider: 'bundid', sub: 'b'.repeat(43), level: 'high', attributes: {}, authenticatedAt: new Date().toISOString() })}` }
      : {};
    return async () => {
      const event = submissionEvent(formId, body, { 'Idempotency-Key': `bench-${requestNo++}`, ...signIn }, `bench-${requestNo}`);
      const answer = await handler(event, context);
      if (answer.statusCode !== 201) throw new Error(`submit answered ${answer.statusCode}: ${answer.body}`);
    };
  };
  // Warm-up of the whole path with every form (the JIT settles), so that the first form measured
  // is not the one paying for it.
  const calibrated = new Map<string, number>();
  for (const formId of FORMS) calibrated.set(formId, await iterationsFor(options.sampleMs, await submitOf(formId)));

  const results: RequestCpuResult[] = [];
  for (const formId of FORMS) {
    const data = fixture(formId);
    const submitOnce = await submitOf(formId);
    const submitSamples: number[] = [];
    for (let round = 0; round < options.rounds; round++) submitSamples.push(await microsPerAsyncCall(calibrated.get(formId) ?? 1, submitOnce));

    const form = forms.get(formId) as FormDefinition;
    const rawValidate = createFormSchemaAjv({ checkSchemas: false }).compile(form.schema);
    const ours = () => {
      if (validator.validate(form, data).length !== 0) throw new Error(`${formId} fixture is invalid`);
    };
    const raw = () => {
      if (!rawValidate(data)) throw new Error(`${formId} fixture is invalid`);
    };
    const validations = await iterationsFor(options.sampleMs, raw);
    microsPerCall(validations, ours);
    const validation = await compare(
      options.rounds,
      () => microsPerCall(validations, ours),
      () => microsPerCall(validations, raw),
    );
    const submitMicros = spread(submitSamples);
    results.push({ form: formId, submitMicros, validation, walksValidData: !validInstancesWithinLimits(form.schema) });
    options.log(`  ${formId}: submit ${submitMicros.median.toFixed(0)} µs, validate ${validation.subject.toFixed(1)} µs (raw Ajv ${validation.floor.toFixed(1)} µs)`);
  }
  return results;
}
