import { randomUUID } from 'node:crypto';
import { call, fixture, stackInfo, type Answer } from './api.ts';
import { plantMarkers } from './markers.ts';

/** A valid Fischereischein application whose family name is a unique marker (planted: it must never be logged). */
export function fishingLicence(marker = `Marker${randomUUID().replaceAll('-', '')}`): { data: Record<string, unknown>; marker: string } {
  plantMarkers([marker]);
  const data = structuredClone(fixture('fischereischein')) as { applicant: Record<string, unknown> };
  data.applicant.familyName = marker;
  return { data, marker };
}

export function submit(formId: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call('POST', `/forms/${formId}/submissions`, { body, headers });
}

/** Drives the local KMS's test-only fault injection (the suite starts the stack with it enabled). */
export async function kmsFault(rule: { operation?: string; kind: 'throttle' | 'error' | 'delay'; times?: number; delayMs?: number } | null): Promise<void> {
  const url = `${stackInfo().kmsEndpoint}/_faults`;
  const response = rule
    ? await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })
    : await fetch(url, { method: 'DELETE' });
  if (!response.ok) throw new Error(`fault injection refused: ${response.status}`);
}
