/**
 * What the deployment tells the console (`config.json` next to index.html): where the API is and
 * how clerks sign in. Locally the local stack serves it; in AWS the console construct writes it.
 */
export type AuthConfig =
  | { kind: 'local' }
  | { kind: 'cognito'; domain: string; clientId: string; redirectUri: string; logoutUri: string };

export interface ConsoleConfig {
  /** Base URL of the API; empty: the console's own origin (the local stack serves both). */
  apiUrl: string;
  auth: AuthConfig;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  return { ...config, apiUrl: (config.apiUrl || window.location.origin).replace(/\/$/, '') };
}
