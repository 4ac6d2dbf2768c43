import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { buildConsole } from '../../console/build.ts';
import type { BuiltFile } from '../../console/shared/build.ts';
import { buildPortal } from '../../portal/build.ts';
import { launchChromium, type Chromium } from '../support/browser.ts';

// Layout shifts of the front ends' first render (issue 31, traced with bench/lighthouseTrace.ts),
// in Chromium on the built files, served through the browser's routing (no stack: the API answers
// an empty form list): the body stays where it is when the app replaces index.html's "Wird
// geladen …", and the fonts the page uses come from the preloads, not from a request after the
// first render.

const ORIGIN = 'http://front-end.test';
let chromium: Chromium;

beforeAll(async () => {
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
});

async function open(files: Map<string, BuiltFile>, base: string, config: unknown): Promise<Page> {
  const page = await chromium.context.newPage();
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === `${base}config.json`) return route.fulfill({ contentType: 'application/json', body: JSON.stringify(config) });
    if (path === '/api/forms') return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ items: [] }) });
    const file = files.get(path.slice(base.length)) ?? files.get('index.html')!;
    return route.fulfill({ contentType: file.contentType, body: Buffer.from(file.contents) });
  });
  // Every layout shift from the start, with the elements it moved.
  await page.addInitScript(() => {
    const shifts: { value: number; sources: string[] }[] = [];
    (window as unknown as { shifts: typeof shifts }).shifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; sources: { node?: Node }[] }[]) {
        shifts.push({ value: entry.value, sources: entry.sources.map((source) => (source.node instanceof Element ? source.node.tagName.toLowerCase() + (source.node.id ? `#${source.node.id}` : '') : '')) });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return page;
}

async function firstRender(page: Page, url: string, shows: string) {
  const fonts: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'font') fonts.push(`${new URL(request.url()).pathname} ${request.headers()['purpose'] ?? ''}`);
  });
  await page.goto(url);
  await page.getByText(shows).first().waitFor();
  await page.evaluate(() => document.fonts.ready);
  const shifts = await page.evaluate(() => (window as unknown as { shifts: { value: number; sources: string[] }[] }).shifts);
  const preloads = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="preload"][as="font"]'), (link) => new URL(link.href).pathname));
  return { shifts, preloads, fonts };
}

describe.each([
  ['portal', () => buildPortal('/portal/'), '/portal/', { apiUrl: `${ORIGIN}/api` }, 'Anträge online stellen'],
  ['console', buildConsole, '/console/', { apiUrl: `${ORIGIN}/api`, auth: { kind: 'local' } }, 'Fallbearbeitung'],
] as const)('the %s', (_, build, base, config, shows) => {
  it('does not move the body when the app replaces "Wird geladen …", and loads only the fonts it preloads', async () => {
    const page = await open(await build(), base, config);
    try {
      const { shifts, preloads, fonts } = await firstRender(page, `${ORIGIN}${base}`, shows);
      expect(shifts.filter((shift) => shift.sources.some((source) => source === 'body' || source === 'div#app'))).toEqual([]);
      expect(preloads.length).toBeGreaterThan(0);
      // Each font the page asked for is one it preloaded (a request made when text was first laid out in it would come late).
      expect(fonts.map((font) => font.split(' ')[0]).filter((path) => !preloads.includes(path!))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
