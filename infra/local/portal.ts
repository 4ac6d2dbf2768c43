import type { StageConfig } from '../config.ts';
import { buildPortal } from '../../portal/build.ts';
import { createStaticSite, frontEndCsp, securityHeaders, type LocalSite } from './staticSite.ts';

/**
 * The citizens' portal on the local stack, at `<apiUrl>/portal/`, as its CloudFront distribution
 * serves it in AWS: the same build, the same CSP and headers, every app path (`/portal/forms/x`,
 * `/portal/status`) answered with the app. `config.json` tells it the API (its own origin here)
 * and the accessibility feedback channel of the stage file the stack runs.
 */
export const PORTAL_PATH = '/portal';

/** What the portal reads from `config.json` (portal/src/config.ts has the same shape). */
export interface PortalConfig {
  /** Base URL of the API; empty: the portal's own origin. */
  apiUrl: string;
  accessibilityFeedback?: { email: string; phone?: string };
}

/** The portal's settings from the stage file the local stack runs (infra/local/stage.ts). */
export function localPortalConfig(stage: Pick<StageConfig, 'portal'>): PortalConfig {
  return { apiUrl: '', ...(stage.portal ? { accessibilityFeedback: stage.portal.accessibilityFeedback } : {}) };
}

/** `connect`: origins the portal may fetch from besides itself — locally the S3 store it uploads files into. */
export function createPortalSite(stage: Pick<StageConfig, 'portal'>, connect: readonly string[] = []): LocalSite {
  return createStaticSite({
    path: PORTAL_PATH,
    build: () => buildPortal(`${PORTAL_PATH}/`),
    config: localPortalConfig(stage),
    headers: securityHeaders(frontEndCsp(connect)),
    appRoutes: true,
  });
}
