import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserServer, type Download, type Page } from 'playwright-core';

/**
 * A real headless Chromium for the console's tests: Debian's `chromium-headless-shell` (or
 * `chromium`, or CHROMIUM_PATH), driven by playwright-core, which downloads nothing. `.ci/run`
 * installs the package; without a browser the tests fail, they are not skipped.
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium-headless-shell', '/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (!found) throw new Error('no Chromium: apt-get install chromium-headless-shell (or set CHROMIUM_PATH)');
  return found;
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * The integration project's one browser: its globalSetup launches it (launchSharedBrowser) and
 * names its endpoint here, so that each file opens a fresh context in it instead of starting a
 * Chromium of its own.
 */
export const SHARED_BROWSER_ENV = 'EGOV_BROWSER_ENDPOINT';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CONTEXT = { acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: 'de-DE' } as const;

/** A Chromium that files connect to over its endpoint; it removes its own profile when closed. */
export function launchSharedBrowser(): Promise<BrowserServer> {
  return chromium.launchServer({ executablePath: chromiumPath(), headless: true, args: ARGS });
}

/**
 * A fresh browser context: in the shared browser when there is one and no browser flags of its own
 * are asked for, otherwise a Chromium of its own with a fresh profile (playwright passes it as
 * --user-data-dir), removed on close. Either way nothing (cookies, storage, pages) is shared with
 * another file's context.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Chromium> {
  const endpoint = process.env[SHARED_BROWSER_ENV];
  if (endpoint && extraArgs.length === 0) {
    const browser = await chromium.connect(endpoint);
    const context = await browser.newContext(CONTEXT);
    return {
      context,
      async close() {
        await context.close();
        // A connected browser disconnects here; the shared one runs on for the other files.
        await browser.close();
      },
    };
  }
  const profile = mkdtempSync(join(tmpdir(), 'egov-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...ARGS, ...extraArgs],
    ...CONTEXT,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A download's bytes, read over the browser's connection (a shared browser's files are not on a path of ours). */
export async function downloadedBytes(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it is: the serious and critical violations. The
 * engine is evaluated through the DevTools protocol, which the page's CSP does not govern (an
 * injected <script> would be refused, rightly).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((node) => ({ target: node.target })) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
