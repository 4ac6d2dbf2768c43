/**
 * What the deployment tells the portal (`config.json` beside index.html): where the API is and the
 * accessibility feedback channel. The local stack serves it (infra/local/portal.ts), the portal
 * construct writes it in AWS (infra/constructs/portal.ts).
 */
export interface PortalConfig {
  /** Base URL of the API; empty: the portal's own origin (the local stack serves both). */
  apiUrl: string;
  accessibilityFeedback?: { email: string; phone?: string };
}

/** The path the portal is served below (`/portal/` locally, `/` in AWS): where its own script comes from. */
export const basePath = (): string => {
  const script = document.querySelector<HTMLScriptElement>('script[type="module"][src]');
  return script ? new URL('.', script.src).pathname : '/';
};

export async function loadConfig(): Promise<PortalConfig> {
  const response = await fetch(`${basePath()}config.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as PortalConfig;
  return { ...config, apiUrl: (config.apiUrl || window.location.origin).replace(/\/$/, '') };
}
