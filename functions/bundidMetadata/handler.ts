import { signInSettings } from '#lib/bundid/settings.ts';
import { fixedRoute } from '#lib/http/fixedRoute.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createBundidMetadata } from './bundidMetadata.ts';

const config = readConfig(functions.bundidMetadata.needs);

// No AWS service, no body: the fixed pipeline (no middy, no Powertools), as the public read routes.
export const handler = fixedRoute(createBundidMetadata(signInSettings(config.BUNDID)));
