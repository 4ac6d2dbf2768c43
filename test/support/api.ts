import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { StackInfo } from '../../infra/local/stack.ts';
import { mintToken } from '../../infra/local/tokens.ts';
import { sampleOf } from './forms.ts';
import { plantToken } from './markers.ts';

/** The stack the integration suite's global setup started. */
export function stackInfo(): StackInfo {
  const file = process.env.EGOV_STACK_FILE;
  if (!file) throw new Error('EGOV_STACK_FILE is not set: run through the integration project');
  return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(method: string, path: string, options: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  // A copy as Uint8Array: node-saml's types bring in the DOM's fetch types, whose BodyInit takes no Buffer.
  const response = await fetch(`${stackInfo().apiUrl}${path}`, { method, headers, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** A bearer token the suite's stack accepts (planted: it must never be logged). */
export async function clerkToken(sub: string, offices: string[], ttlSeconds = 600): Promise<string> {
  const token = await mintToken(stackInfo().dataDir, { sub, offices, ttlSeconds });
  plantToken(token);
  return token;
}

/** Region and the stack's generated credentials: without them the local KMS refuses, and DynamoDB Local shows an empty store. */
export const local = () => ({ region: stackInfo().region, credentials: stackInfo().credentials });
export const dynamodb = (): DynamoDBClient => new DynamoDBClient({ ...local(), endpoint: stackInfo().dynamodbEndpoint });
export const kms = (): KMSClient => new KMSClient({ ...local(), endpoint: stackInfo().kmsEndpoint });

/** Valid data for a form: the first of its latest version's `examples` (a fresh copy). */
export function fixture(formId: string): Record<string, unknown> {
  return sampleOf(formId);
}
