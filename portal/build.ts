import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFrontEnd, buildFrontEndInto, type BuiltFile } from '../console/shared/build.ts';

/**
 * The portal's build (console/shared/build.ts, the same as the console's). `basePath` is where it
 * is served: `/portal/` on the local stack, `/` from its CloudFront distribution.
 */
export const PORTAL_DIR = dirname(fileURLToPath(import.meta.url));

export const buildPortal = (basePath: string): Promise<Map<string, BuiltFile>> => buildFrontEnd({ dir: PORTAL_DIR, basePath });

export const buildPortalInto = (outdir: string, basePath = '/'): string => buildFrontEndInto({ dir: PORTAL_DIR, basePath }, outdir);
