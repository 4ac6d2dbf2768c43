import { signInSettings } from '#lib/bundid/settings.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { readConfig } from '#lib/runtime/config.ts';
import { functions } from '../functions.ts';
import { createBundidMetadata } from './bundidMetadata.ts';

const config = readConfig(functions.bundidMetadata.needs);

export const handler = httpRoute(createBundidMetadata(signInSettings(config.BUNDID)));
