// `npx node bench/profileShares.ts <file.cpuprofile> …`: where a Node process's CPU went, by owner.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../infra/local/paths.ts';

/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. the local stack's under
 * `npm run test:load -- --profile DIR`) by who owns the time: each sample's self time goes to the
 * nearest frame on its stack that belongs to a package or a file of this repository (Node's own
 * internals and native frames count for their caller: the HTTP parsing a request costs counts for
 * the SDK or the local emulator that sent or served it). Groups: the AWS SDK, each local emulator
 * (gateway, KMS and Secrets Manager, SQS, S3, SES, event sources), the functions' code by area,
 * other packages by name, and V8's own (idle, garbage collection, program).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const GROUPS: [RegExp, string][] = [
  [/node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//, 'AWS SDK (clients, signing, (de)serialisation)'],
  [/node_modules\/local-aws-sqs\//, 'local SQS (local-aws-sqs)'],
  [/node_modules\/@20minutes\/s3rver\//, 'local S3 (s3rver)'],
  [/node_modules\/aws-ses-v2-local\//, 'local SES (aws-ses-v2-local)'],
  [/infra\/local\/(kms|sigv4|credentials)/, 'local KMS and Secrets Manager (infra/local/kms*.ts)'],
  [/infra\/local\/(gateway|rateLimit|tokens|cors|console|portal|staticSite)/, 'local API gateway (infra/local/gateway.ts …)'],
  [/infra\/local\/(streams|queues|schedules|sqs|rules|scanner)/, 'local event sources (stream and queue pollers)'],
  [/infra\/local\/callCounts/, 'call counting (LOCAL_COUNT_CALLS)'],
];

/** The owner of a frame's time, or undefined for Node's internals and native frames (their caller owns them). */
export function ownerOf(url: string): string | undefined {
  if (url === '' || url.startsWith('node:')) return undefined;
  for (const [pattern, group] of GROUPS) if (pattern.test(url)) return group;
  const path = url.startsWith('file:') ? relative(repoRoot, fileURLToPath(url)) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
  if (pkg) return `package ${pkg}`;
  const area = /^functions\/(lib\/[^/]+|[^/]+)\//.exec(path)?.[1];
  return area ? `functions/${area}` : path;
}

/** Milliseconds of self time per owner, and in all. */
export function sharesOf(profile: Profile): { total: number; byOwner: Map<string, number> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<number, string>();
  const ownerOfNode = (id: number): string => {
    const known = owners.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    const own = ['(idle)', '(garbage collector)', '(program)'].includes(name) ? `V8 ${name}` : ownerOf(node.callFrame.url);
    const up = parent.get(id);
    const owner = own ?? (up === undefined ? 'Node internals (no owner on the stack)' : ownerOfNode(up));
    owners.set(id, owner);
    return owner;
  };
  const byOwner = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const owner = ownerOfNode(id);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
  });
  return { total, byOwner };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.includes('--help')) {
    console.log('usage: npx node bench/profileShares.ts <file.cpuprofile> …\n\nWhere each profiled process spent its CPU, by owner (see the comment in bench/profileShares.ts).');
    process.exit(files.length === 0 ? 2 : 0);
  }
  for (const file of files) {
    const { total, byOwner } = sharesOf(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    const idle = byOwner.get('V8 (idle)') ?? 0;
    console.log(`${file}: ${(total / 1000).toFixed(1)} s profiled, ${((total - idle) / 1000).toFixed(1)} s busy`);
    for (const [owner, ms] of [...byOwner].sort(([, a], [, b]) => b - a)) {
      if (owner === 'V8 (idle)' || ms / (total - idle) < 0.005) continue;
      console.log(`  ${((ms / (total - idle)) * 100).toFixed(1).padStart(5)} % of busy  ${(ms / 1000).toFixed(1).padStart(6)} s  ${owner}`);
    }
  }
}
