import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesModule from 'aws-ses-v2-local';

// A CommonJS module compiled from ESM: Node hands its `exports` object over as the default import.
type StartSes = (config: { host: string; port: number }) => Promise<Server>;
const startSesServer = ((sesModule as unknown as { default?: StartSes }).default ?? sesModule) as unknown as StartSes;

/**
 * The local mail catcher: aws-ses-v2-local (the SES v2 API, in memory) bound to 127.0.0.1. The
 * confirmation worker sends to it through the SDK (AWS_ENDPOINT_URL_SESV2); nothing leaves the
 * machine. Mails are read back at `mailUrl` (JSON: `{ "emails": [...] }`), or in a browser at the
 * endpoint itself. Mails live as long as the stack runs.
 */
export interface LocalSes {
  endpoint: string;
  /** GET: every mail caught so far, as JSON. */
  mailUrl: string;
  close(): Promise<void>;
}

export async function startLocalSes(): Promise<LocalSes> {
  const server = await startSesServer({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    mailUrl: `${endpoint}/store`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
