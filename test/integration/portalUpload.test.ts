import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { fixture, stackInfo } from '../support/api.ts';
import { launchChromium, type Chromium } from '../support/browser.ts';
import { fileOf, requestTicket, sha256Of } from '../support/uploads.ts';

/**
 * A citizens' portal in a real browser (Chromium), on an origin the dev stage allows
 * (http://localhost:5173) and on one it does not: the whole attachment flow goes through the
 * browser's CORS checks, against the API and against the local S3's quarantine bucket.
 */
const PORTAL = 'http://localhost:5173';
const STRANGER = 'http://localhost:5999';
let chromium: Chromium;

beforeAll(async () => {
  // The portal page is served by the test (page.route), so Chromium cannot know it comes from
  // loopback and would refuse its requests to the loopback stack (Local Network Access); a real
  // portal and the API are both public addresses. CORS is checked as before.
  chromium = await launchChromium(['--disable-features=LocalNetworkAccessChecks']);
});

afterAll(async () => {
  await chromium?.close();
});

/** A blank page served as if from `origin` (the browser treats it as that origin's document). */
async function pageAt(origin: string): Promise<Page> {
  const page = await chromium.context.newPage();
  await page.route(`${origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Portal</title>' }));
  await page.goto(`${origin}/`);
  return page;
}

describe('a portal in the browser uploads a proof and submits', () => {
  it('ticket, PUT with exactly the ticket headers, clean, submit: every step passes CORS', async () => {
    const page = await pageAt(PORTAL);
    const bytes = [...fileOf.png()];
    const result = await page.evaluate(
      async ({ api, bytes, sha256, data }) => {
        const body = new Uint8Array(bytes);
        const ticketAnswer = await fetch(`${api}/forms/fischereischein/attachments`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', size: body.length, sha256 }),
        });
        const ticket = (await ticketAnswer.json()) as { attachmentId: string; upload: { url: string; headers: Record<string, string> } };
        // A browser sets Content-Length itself (a forbidden header for scripts): the rest as the ticket says.
        const headers = Object.fromEntries(Object.entries(ticket.upload.headers).filter(([name]) => name !== 'content-length'));
        const put = await fetch(ticket.upload.url, { method: 'PUT', headers, body });
        let status = '';
        for (let i = 0; i < 300 && status !== 'clean' && status !== 'rejected'; i++) {
          status = ((await (await fetch(`${api}/forms/fischereischein/attachments/${ticket.attachmentId}`)).json()) as { status: string }).status;
          if (status !== 'clean') await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const submitted = await fetch(`${api}/forms/fischereischein/submissions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ data: { ...data, photo: ticket.attachmentId } }),
        });
        return { ticket: ticketAnswer.status, put: put.status, status, submitted: submitted.status, caseId: ((await submitted.json()) as { caseId: string }).caseId };
      },
      { api: stackInfo().apiUrl, bytes, sha256: sha256Of(Buffer.from(bytes)), data: fixture('fischereischein') },
    );
    expect(result).toEqual({ ticket: 201, put: 200, status: 'clean', submitted: 201, caseId: expect.any(String) });
    await page.close();
  });

  it('a page of another origin cannot upload into quarantine, even with a valid presigned URL', async () => {
    const file = { field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', bytes: fileOf.png() };
    const ticket = await requestTicket('fischereischein', file);
    expect(ticket.status).toBe(201);
    const page = await pageAt(STRANGER);
    const outcome = await page.evaluate(
      async ({ url, headers, bytes }) => {
        try {
          const answer = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
          return `answered ${answer.status}`;
        } catch (error) {
          return `refused: ${(error as Error).name}`;
        }
      },
      {
        url: ticket.body.upload.url as string,
        headers: Object.fromEntries(Object.entries(ticket.body.upload.headers as Record<string, string>).filter(([name]) => name !== 'content-length')),
        bytes: [...file.bytes],
      },
    );
    expect(outcome).toBe('refused: TypeError');
    await page.close();
  });
});
