import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { urlProblem, type AddressPolicy } from './addresses.ts';
import { DELIVERY_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { publicJwkShape, type PublicJwk } from './jwe.ts';

/**
 * The destinations file the delivery worker reads at cold start (setting DESTINATIONS_FILE): per
 * office its URL, public key and the name of its signing secret in Secrets Manager, plus the
 * address policy and the retry timing. The CDK stack writes it from the stage configuration and
 * ships it with the function; the local stack writes its own under `.local/destinations/`. Both
 * are configuration: the worker's code is the same.
 */
export interface Destination {
  readonly office: string;
  readonly url: URL;
  readonly publicKey: PublicJwk;
  /** Name or ARN of the secret (a string of at least 32 characters) that signs deliveries. */
  readonly signingSecretId: string;
}

export interface DestinationsConfig {
  readonly policy: AddressPolicy;
  readonly backoff: BackoffPolicy;
  readonly destinations: ReadonlyMap<string, Destination>;
}

const office = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/);

export const destinationsFileShape = z.strictObject({
  allowLoopbackHttp: z.boolean(),
  backoff: z
    .strictObject({
      baseSeconds: z.int().min(1),
      capSeconds: z.int().min(1).max(12 * 60 * 60),
      retrySeconds: z.int().min(1),
    })
    .default(DELIVERY_BACKOFF),
  destinations: z.record(
    office,
    z.strictObject({
      url: z.string(),
      publicKey: publicJwkShape,
      signingSecretId: z.string().min(1),
    }),
  ),
});

export type DestinationsFile = z.input<typeof destinationsFileShape>;

export function parseDestinations(json: unknown, source = 'destinations'): DestinationsConfig {
  const parsed = destinationsFileShape.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${source} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const policy: AddressPolicy = { allowLoopbackHttp: parsed.data.allowLoopbackHttp };
  const destinations = new Map<string, Destination>();
  for (const [name, destination] of Object.entries(parsed.data.destinations)) {
    const problem = urlProblem(destination.url, policy);
    if (problem) throw new Error(`${source} is invalid: destinations.${name}.url ${problem}`);
    destinations.set(name, { office: name, url: new URL(destination.url), publicKey: destination.publicKey, signingSecretId: destination.signingSecretId });
  }
  return { policy, backoff: parsed.data.backoff, destinations };
}

export function loadDestinations(file: string): DestinationsConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the destinations from ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseDestinations(json, file);
}
