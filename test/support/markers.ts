import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Planted markers: unique strings that suites put where citizen data, notes, tokens or keys go,
 * and that must therefore never show up in a log line. Every suite appends what it plants to one
 * registry file in the stack's data dir (O_APPEND writes of one short line are atomic, so test
 * files running in parallel workers do not interleave), and the integration suite's global
 * teardown checks the stack's whole output against all of them, whatever order the files ran in.
 */
export const MARKER_REGISTRY = 'planted-markers.txt';

/** Shorter strings could occur by chance in a log line. */
const MIN_MARKER_LENGTH = 12;

/** A fresh marker: letters and digits only, so that it survives JSON, URL and header encoding unchanged. */
export function newMarker(prefix = 'Mk'): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** The data dir of the integration suite's stack, if this process runs under it. */
function sharedDataDir(): string | undefined {
  const file = process.env.EGOV_STACK_FILE;
  if (!file || !existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { dataDir: string }).dataDir;
}

/**
 * Registers values that must never be logged, in `dataDir`'s registry (default: the integration
 * suite's stack). Outside the integration suite (unit tests) without a dataDir it does nothing.
 */
export function plantMarkers(values: readonly string[], dataDir = sharedDataDir()): void {
  if (!dataDir) return;
  const lines = values.filter((value) => value.length >= MIN_MARKER_LENGTH && !/[\r\n]/.test(value));
  if (lines.length === 0) return;
  appendFileSync(join(dataDir, MARKER_REGISTRY), `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** A bearer token is planted as its payload and its signature: either part alone is a leak. */
export function plantToken(token: string, dataDir?: string): void {
  const [, payload = '', signature = ''] = token.split('.');
  plantMarkers([payload, signature], dataDir ?? sharedDataDir());
}

/**
 * Cases a suite damages on purpose (integrity tests), or chains it writes without a case (the
 * audit chain's tests): the store audit leaves them out.
 */
export const TAMPERED_REGISTRY = 'tampered-cases.txt';

/** Registers a case as damaged on purpose, before damaging it. */
export function markTampered(caseId: string, dataDir = sharedDataDir()): void {
  if (dataDir) appendFileSync(join(dataDir, TAMPERED_REGISTRY), `${caseId}\n`, { mode: 0o600 });
}

export function tamperedCases(dataDir: string): Set<string> {
  const file = join(dataDir, TAMPERED_REGISTRY);
  return new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
}

export function plantedMarkers(dataDir: string): string[] {
  const file = join(dataDir, MARKER_REGISTRY);
  if (!existsSync(file)) return [];
  return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
}

/**
 * The markers that occur in `text`, case-insensitively (a logger may change case, never the bytes
 * we look for). One pass over the text, whatever the number of markers: each position is looked up
 * by the marker length's minimum prefix, and only a matching prefix is compared in full.
 */
export function leaksIn(text: string, markers: readonly string[]): string[] {
  const haystack = text.toLowerCase();
  const byPrefix = new Map<string, string[]>();
  for (const marker of markers) {
    if (marker.length < MIN_MARKER_LENGTH) continue;
    const prefix = marker.slice(0, MIN_MARKER_LENGTH).toLowerCase();
    const same = byPrefix.get(prefix);
    if (same) same.push(marker);
    else byPrefix.set(prefix, [marker]);
  }
  const found = new Set<string>();
  for (let i = 0; i + MIN_MARKER_LENGTH <= haystack.length; i++) {
    const candidates = byPrefix.get(haystack.slice(i, i + MIN_MARKER_LENGTH));
    for (const marker of candidates ?? []) if (haystack.startsWith(marker.toLowerCase(), i)) found.add(marker);
  }
  return markers.filter((marker) => found.has(marker));
}
