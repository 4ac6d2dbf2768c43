import { serviceProviderMetadata } from '#lib/bundid/serviceProvider.ts';
import type { SignInSettings } from '#lib/bundid/settings.ts';
import { ProblemError } from '#lib/http/problem.ts';
import type { HttpResult } from '#lib/http/response.ts';

/** GET /auth/bundid/metadata: this service provider's SAML metadata, for BundID's self-service registration. */
export function createBundidMetadata(settingsOf: () => SignInSettings | undefined) {
  let metadata: string | undefined;
  return async (): Promise<HttpResult> => {
    const settings = settingsOf();
    if (!settings) throw new ProblemError('not-found');
    metadata ??= serviceProviderMetadata(settings);
    return { statusCode: 200, headers: { 'Content-Type': 'application/samlmetadata+xml; charset=utf-8' }, body: metadata };
  };
}
