import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { StackInfo } from '../infra/local/stack.ts';
import { chromiumPath } from '../test/support/browser.ts';
import { formCatalogue, sampleOf } from '../test/support/forms.ts';
import { spread, type Spread } from './stats.ts';

/**
 * Lighthouse (the npm package, its default mobile profile: simulated slow 4G and a 4× slower CPU)
 * on the portal's pages and the console's case list, served by the local stack as CloudFront
 * serves them (compressed, the same CSP), after one unmeasured visit of each page (the stack's
 * first build and handler imports). Each page is audited `runs` times in a fresh tab with an
 * empty cache: performance as the median of the runs, accessibility and best practices as the
 * lowest (they must be 100 in every run), JavaScript + CSS as the compressed bytes transferred.
 */
export interface PortalPageResult {
  app: 'portal' | 'console';
  page: string;
  /** The path below the stack's URL (the status page's token left out). */
  path: string;
  performance: Spread;
  accessibility: number;
  bestPractices: number;
  /** Compressed bytes of the page's scripts and stylesheets, as transferred (max over runs). */
  scriptAndStyleBytes: number;
  /** Median of the runs, milliseconds, for the record. */
  metrics: { firstContentfulPaint: number; largestContentfulPaint: number; totalBlockingTime: number; cumulativeLayoutShift: number };
  /** The accessibility and best-practice audits that failed in any run. */
  failedAudits: string[];
}

export interface PortalBenchResult {
  runs: number;
  browser: string;
  form: string;
  /** The one-minute load average before the first and after the last audit (performance is CPU-bound). */
  loadAverage: { start: number; end: number };
  pages: PortalPageResult[];
}

export interface Target {
  app: PortalPageResult['app'];
  page: string;
  url: string;
  path: string;
  /** What the tab needs before the audit (a draft, a clerk's session); the audit keeps that tab's storage. */
  prepare?: (page: Page) => Promise<void>;
  /** What the page must show in the audited tab: the page meant with its state, not an error. */
  shows: string;
}

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;

/** The first form a citizen can fill without signing in and without files: its pages, check answers and status. */
function benchForm(): { id: string; version: number } {
  const form = formCatalogue()
    .list()
    .find((definition) => !definition.authentication && !JSON.stringify(definition.schema).includes('"x-attachment"'));
  if (!form) throw new Error('no form without sign-in and without files in the catalogue');
  return { id: form.id, version: form.version };
}

async function submitted(apiUrl: string, formId: string): Promise<{ reference: string; statusToken: string }> {
  const response = await fetch(`${apiUrl}/forms/${formId}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ data: sampleOf(formId) }),
  });
  if (response.status !== 201) throw new Error(`submission of ${formId}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { reference: string; statusToken: string };
}

async function clerkToken(apiUrl: string, office: string): Promise<string> {
  const origin = new URL(apiUrl).origin;
  const response = await fetch(`${apiUrl}/console/local-sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ sub: 'bench-clerk', offices: [office] }),
  });
  if (response.status !== 200) throw new Error(`console sign-in: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { idToken: string }).idToken;
}

/** One Lighthouse run of a page in a fresh tab: its report, the run's artifacts (the trace) and what the tab shows afterwards. */
export async function audit(browser: Browser, target: Target): Promise<{ lhr: LighthouseResult; artifacts: LighthouseArtifacts; shown: string }> {
  const page = await browser.newPage();
  try {
    if (target.prepare) await target.prepare(page);
    const cdp = await page.createCDPSession();
    await cdp.send('Network.clearBrowserCache');
    const result = await lighthouse(
      target.url,
      { logLevel: 'error', output: 'json', onlyCategories: [...CATEGORIES], disableStorageReset: target.prepare !== undefined },
      undefined,
      page,
    );
    if (!result) throw new Error(`Lighthouse gave no result for ${target.path}`);
    // The page as the tab holds it after the audit (Lighthouse's back/forward-cache check loads it again).
    const shown = await page
      .waitForFunction((text) => document.body.innerText.includes(text), { timeout: 60_000 }, target.shows)
      .then(() => target.shows)
      .catch(() => page.evaluate(() => document.body.innerText));
    return { lhr: result.lhr as unknown as LighthouseResult, artifacts: result.artifacts as unknown as LighthouseArtifacts, shown };
  } finally {
    await page.close();
  }
}

export async function warmUp(browser: Browser, target: Target): Promise<void> {
  const page = await browser.newPage();
  try {
    if (target.prepare) await target.prepare(page);
    await page.goto(target.url);
    await page.waitForFunction((text) => document.body.innerText.includes(text), { timeout: 60_000 }, target.shows);
  } finally {
    await page.close();
  }
}

export interface LighthouseResult {
  runtimeError?: { code: string; message: string };
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<string, { score: number | null; title: string; numericValue?: number; details?: { items?: ({ url: string; resourceType?: string; transferSize?: number } & Record<string, unknown>)[]; debugData?: Record<string, unknown> } }>;
}

/** The artifacts of a run that bench/lighthouseTrace.ts reads: the page load's trace. */
export interface LighthouseArtifacts {
  Trace: { traceEvents: unknown[] };
}

export const scoreOf = (lhr: LighthouseResult, category: string): number => Math.round((lhr.categories[category]?.score ?? 0) * 100);

function scriptAndStyleBytes(lhr: LighthouseResult): number {
  const items = lhr.audits['network-requests']?.details?.items ?? [];
  return items.filter((item) => item.resourceType === 'Script' || item.resourceType === 'Stylesheet').reduce((sum, item) => sum + (item.transferSize ?? 0), 0);
}

function failedAudits(lhr: LighthouseResult): string[] {
  return ['accessibility', 'best-practices'].flatMap((category) =>
    (lhr.categories[category]?.auditRefs ?? [])
      .filter(({ id, weight }) => weight > 0 && lhr.audits[id]?.score !== null && (lhr.audits[id]?.score ?? 1) < 1)
      .map(({ id }) => `${id}: ${lhr.audits[id]!.title}`),
  );
}

/** The audited pages, after a submission of the bench form (its status page, its case in the console list). */
export async function portalTargets(stack: StackInfo): Promise<{ form: string; targets: Target[] }> {
  const form = benchForm();
  const { reference, statusToken } = await submitted(stack.apiUrl, form.id);
  const office = formCatalogue().get(form.id)!.office;
  const portal = `${stack.apiUrl}/portal`;
  const draft = { formId: form.id, formVersion: form.version, answers: sampleOf(form.id), files: {} };
  const targets: Target[] = [
    { app: 'portal', page: 'form list', url: `${portal}/`, path: '/portal/', shows: formCatalogue().get(form.id)!.title.de },
    { app: 'portal', page: 'a form page', url: `${portal}/forms/${form.id}`, path: `/portal/forms/${form.id}`, shows: 'Weiter' },
    {
      app: 'portal',
      page: 'check your answers',
      url: `${portal}/forms/${form.id}?page=check`,
      path: `/portal/forms/${form.id}?page=check`,
      prepare: async (page) => {
        await page.goto(`${portal}/barrierefreiheit`);
        await page.evaluate((text) => sessionStorage.setItem(`egov-portal.draft.${JSON.parse(text).formId}`, text), JSON.stringify(draft));
      },
      shows: 'Angaben prüfen',
    },
    { app: 'portal', page: 'status', url: `${portal}/status?reference=${reference}#token=${statusToken}`, path: `/portal/status?reference=${reference}#token=…`, shows: reference },
    {
      app: 'console',
      page: 'case list',
      url: `${stack.apiUrl}/console/`,
      path: '/console/',
      prepare: async (page) => {
        const token = await clerkToken(stack.apiUrl, office);
        await page.goto(`${stack.apiUrl}/console/`);
        await page.evaluate((value) => sessionStorage.setItem('egov-console.session', value), token);
      },
      shows: reference,
    },
  ];
  return { form: form.id, targets };
}

/** Debian's Chromium headless shell as the bench runs it (a German browser, a fresh profile); `close` removes the profile. */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'egov-lighthouse-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: 'shell',
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=de-DE'],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function portalBench({ stack, runs, log }: { stack: StackInfo; runs: number; log: (line: string) => void }): Promise<PortalBenchResult> {
  const { form, targets } = await portalTargets(stack);
  const loadAtStart = loadavg()[0]!;
  const { browser, close } = await launchBrowser();
  try {
    // One unmeasured visit of each page first: the local stack builds a front end on its first
    // request and imports a route's handler on its first call (cold starts have a benchmark of their own).
    for (const target of targets) await warmUp(browser, target);
    const pages: PortalPageResult[] = [];
    for (const target of targets) {
      const lhrs: LighthouseResult[] = [];
      for (let run = 0; run < runs; run += 1) {
        const { lhr, shown } = await audit(browser, target);
        if (lhr.runtimeError) throw new Error(`Lighthouse on ${target.path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        if (!shown.includes(target.shows)) throw new Error(`${target.path} did not show "${target.shows}" after the audit:\n${shown.slice(0, 500)}`);
        lhrs.push(lhr);
        const measured = (id: string, digits: number) => (lhr.audits[id]?.numericValue ?? Number.NaN).toFixed(digits);
        log(
          `  ${target.app} ${target.page} run ${run + 1}: performance ${scoreOf(lhr, 'performance')} (TBT ${measured('total-blocking-time', 0)} ms, CLS ${measured('cumulative-layout-shift', 3)}), accessibility ${scoreOf(lhr, 'accessibility')}, best practices ${scoreOf(lhr, 'best-practices')}`,
        );
      }
      const metric = (id: string) => spread(lhrs.map((lhr) => lhr.audits[id]?.numericValue ?? Number.NaN)).median;
      pages.push({
        app: target.app,
        page: target.page,
        path: target.path,
        performance: spread(lhrs.map((lhr) => scoreOf(lhr, 'performance'))),
        accessibility: Math.min(...lhrs.map((lhr) => scoreOf(lhr, 'accessibility'))),
        bestPractices: Math.min(...lhrs.map((lhr) => scoreOf(lhr, 'best-practices'))),
        scriptAndStyleBytes: Math.max(...lhrs.map(scriptAndStyleBytes)),
        metrics: {
          firstContentfulPaint: metric('first-contentful-paint'),
          largestContentfulPaint: metric('largest-contentful-paint'),
          totalBlockingTime: metric('total-blocking-time'),
          cumulativeLayoutShift: metric('cumulative-layout-shift'),
        },
        failedAudits: [...new Set(lhrs.flatMap(failedAudits))],
      });
    }
    return { runs, browser: await browser.version(), form, loadAverage: { start: Number(loadAtStart.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) }, pages };
  } finally {
    await close();
  }
}
