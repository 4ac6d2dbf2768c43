import { serviceProviderMetadata } from '#lib/bundid/metadata.ts';
import type { SignInSettings } from '#lib/bundid/settings.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { HttpResult } from '#lib/http/response.ts';

/** A fresh XML ID as node-saml made them (`_` and 40 hex digits), from Web Crypto: `node:crypto` stays unloaded at cold start. */
export const randomXmlId = (): string => `_${Array.from(globalThis.crypto.getRandomValues(new Uint8Array(20)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;

/**
 * GET /auth/bundid/metadata: this service provider's SAML metadata, for BundID's self-service
 * registration. Written once per instance, on its first request (the settings are read then).
 */
export function createBundidMetadata(settingsOf: () => SignInSettings | undefined, newId: () => string = randomXmlId) {
  let metadata: string | undefined;
  return (): HttpResult => {
    const settings = settingsOf();
    if (!settings) throw new ProblemError('not-found');
    metadata ??= serviceProviderMetadata(settings.sp, newId());
    return { statusCode: 200, headers: { 'Content-Type': 'application/samlmetadata+xml; charset=utf-8' }, body: metadata };
  };
}
