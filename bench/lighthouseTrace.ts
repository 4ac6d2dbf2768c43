import { mkdtempSync, rmSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MainThreadTasks } from 'lighthouse/core/computed/main-thread-tasks.js';
import { ProcessedTrace } from 'lighthouse/core/computed/processed-trace.js';
import { startLocalStack } from '../infra/local/stack.ts';
import { audit, launchBrowser, portalTargets, scoreOf, warmUp, type LighthouseArtifacts, type LighthouseResult, type Target } from './portal.ts';

/**
 * `node bench/lighthouseTrace.ts [--runs N] [--profile] [page …]` (Node 24: through npm's PATH, e.g.
 * `npx node bench/lighthouseTrace.ts status`): the pages of `npm run bench -- portal` whose name
 * contains a word given (all without), audited as the bench audits them, and for each run why
 * the score is what it is: the layout shifts with the element that moved, its rectangles and
 * Lighthouse's suspected causes (`layout-shifts`), the long tasks as Lighthouse simulates them
 * (`long-tasks`, ×4 CPU, with their time by group), and the main thread's tasks of the trace
 * itself (unthrottled) with their time by event and the scripts' functions they ran, shown as
 * the minified source at that position. With `--profile`, also a CPU profile of one more load of
 * each page under the same 4× CPU slowdown: the functions with the most self time, again shown as
 * the minified source (what found the `Intl` formatters on the status page). Diagnosis only: never
 * part of `npm test` or the bench's tables.
 */

interface TraceEvent {
  name: string;
  ts: number;
  dur?: number;
  args?: { data?: Record<string, unknown> };
}
interface TaskNode {
  event: TraceEvent;
  startTime: number;
  duration: number;
  selfTime: number;
  children: TaskNode[];
  parent?: TaskNode;
  group: { label: string };
}
interface ShiftItem {
  node?: { selector?: string; snippet?: string; nodeLabel?: string };
  score: number;
  subItems?: { items: { cause: string; extra?: { value?: string; snippet?: string } }[] };
}

const round = (value: number, digits = 1): string => value.toFixed(digits);

/** The trace's layout shifts with their time since navigation and what moved where. */
function traceShifts(events: TraceEvent[], timeOrigin: number): string[] {
  return events
    .filter((event) => event.name === 'LayoutShift')
    .map((event) => {
      const data = (event.args?.data ?? {}) as { weighted_score_delta?: number; had_recent_input?: boolean; impacted_nodes?: { node_id: number; old_rect: number[]; new_rect: number[] }[] };
      const moves = (data.impacted_nodes ?? []).map((node) => `node ${node.node_id} [${node.old_rect.join(',')}] → [${node.new_rect.join(',')}]`);
      return `    at ${round((event.ts - timeOrigin) / 1000, 0)} ms: ${round(data.weighted_score_delta ?? 0, 4)}${data.had_recent_input ? ' (after input)' : ''}: ${moves.join('; ')}`;
    });
}

/** Lighthouse's largest shifts: the element that moved most and the causes it suspects. */
function lighthouseShifts(lhr: LighthouseResult): string[] {
  const items = (lhr.audits['layout-shifts']?.details?.items ?? []) as unknown as ShiftItem[];
  return items.flatMap((item) => [
    `    ${round(item.score, 4)} ${item.node?.selector ?? '(no element)'} ${JSON.stringify(item.node?.snippet ?? '')} "${(item.node?.nodeLabel ?? '').slice(0, 60)}"`,
    ...(item.subItems?.items ?? []).map((sub) => `      cause: ${sub.cause} ${sub.extra?.value ?? sub.extra?.snippet ?? ''}`),
  ]);
}

/** Lighthouse's long tasks (simulated, ×4 CPU) with their time by task group. */
function longTasks(lhr: LighthouseResult): string[] {
  const details = lhr.audits['long-tasks']?.details;
  const debug = (details?.debugData ?? {}) as { urls?: string[]; tasks?: ({ urlIndex: number; startTime: number; duration: number } & Record<string, number>)[] };
  return (debug.tasks ?? []).map(({ urlIndex, startTime, duration, ...groups }) => {
    const byGroup = Object.entries(groups)
      .sort((a, b) => b[1] - a[1])
      .map(([group, ms]) => `${group} ${round(ms, 0)}`)
      .join(', ');
    return `    at ${round(startTime, 0)} ms, ${round(duration, 0)} ms (${debug.urls?.[urlIndex] ?? '?'}): ${byGroup}`;
  });
}

function descendants(task: TaskNode): TaskNode[] {
  return [task, ...task.children.flatMap(descendants)];
}

/** The minified source at a trace's script position (1-based line and column, as the trace has them). */
function sourceAt(scripts: Map<string, string>, url: string, line: number, column: number): string {
  const text = scripts.get(url);
  if (!text) return '';
  const lineText = text.split('\n')[Math.max(0, line - 1)] ?? '';
  return lineText.slice(Math.max(0, column - 1), column + 90).replaceAll(/\s+/g, ' ');
}

/** The trace's own main-thread tasks of at least `minMs` (unthrottled): time by event and the functions they ran. */
function observedTasks(tasks: TaskNode[], scripts: Map<string, string>, minMs: number): string[] {
  return tasks
    .filter((task) => !task.parent && task.duration >= minMs)
    .flatMap((task) => {
      const all = descendants(task);
      const byName = new Map<string, number>();
      for (const node of all) byName.set(node.event.name, (byName.get(node.event.name) ?? 0) + node.selfTime);
      const names = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([name, ms]) => `${name} ${round(ms)}`);
      const calls = all
        .filter((node) => node.event.name === 'FunctionCall' || node.event.name === 'EvaluateScript' || node.event.name === 'v8.callFunction')
        .filter((node) => node.duration >= minMs / 4)
        .slice(0, 6)
        .map((node) => {
          const data = (node.event.args?.data ?? {}) as { url?: string; functionName?: string; lineNumber?: number; columnNumber?: number };
          const where = data.url ? `${data.url.replace(/^.*\//, '')}:${data.lineNumber ?? 0}:${data.columnNumber ?? 0}` : '';
          return `      ${node.event.name} ${round(node.duration)} ms ${data.functionName ?? ''} ${where} ${data.url ? JSON.stringify(sourceAt(scripts, data.url, data.lineNumber ?? 1, data.columnNumber ?? 1)) : ''}`;
        });
      return [`    at ${round(task.startTime, 0)} ms, ${round(task.duration)} ms: ${names.join(', ')}`, ...calls];
    });
}

/** One more load of the page with the CPU slowed 4× and sampled every 100 µs: the functions with the most self time. */
async function profile(browser: Browser, target: Target, scripts: Map<string, string>): Promise<string[]> {
  const page = await browser.newPage();
  try {
    if (target.prepare) await target.prepare(page);
    const cdp = await page.createCDPSession();
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.goto(target.url);
    await page.waitForFunction((text) => document.body.innerText.includes(text), { timeout: 60_000 }, target.shows);
    // The sections that load after the page's own answer (the status page's messages and accesses).
    await page.waitForFunction(() => !document.body.innerText.includes('Wird geladen'), { timeout: 60_000 });
    const { profile: cpu } = await cdp.send('Profiler.stop');
    const nodes = new Map(cpu.nodes.map((node) => [node.id, node.callFrame]));
    const self = new Map<string, number>();
    (cpu.samples ?? []).forEach((id, index) => {
      const frame = nodes.get(id)!;
      if (['(idle)', '(program)', '(root)'].includes(frame.functionName) || frame.url.startsWith('pptr:')) return;
      const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\//, '')}:${frame.lineNumber + 1}:${frame.columnNumber + 1} ${frame.url ? JSON.stringify(sourceAt(scripts, frame.url, frame.lineNumber + 1, frame.columnNumber + 1)) : ''}`;
      self.set(key, (self.get(key) ?? 0) + (cpu.timeDeltas?.[index + 1] ?? 0) / 1000);
    });
    return [
      `  CPU profile of one load at 4× CPU (self time, ms; load average ${round(loadavg()[0]!, 2)}):`,
      ...[...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([key, ms]) => `    ${round(ms)} ${key}`),
    ];
  } finally {
    await page.close();
  }
}

async function explain(target: Target, lhr: LighthouseResult, artifacts: LighthouseArtifacts, scripts: Map<string, string>): Promise<string[]> {
  const trace = artifacts.Trace as never;
  const context = { computedCache: new Map() } as never;
  const processed = (await ProcessedTrace.request(trace, context)) as unknown as { timestamps: { timeOrigin: number }; mainThreadEvents: TraceEvent[] };
  const tasks = (await MainThreadTasks.request(trace, context)) as unknown as TaskNode[];
  const metric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  const breakdown = ((lhr.audits['mainthread-work-breakdown']?.details?.items ?? []) as unknown as { groupLabel: string; duration: number }[])
    .map((item) => `${item.groupLabel} ${round(item.duration, 0)}`)
    .join(', ');
  return [
    `${target.app} ${target.page}: performance ${scoreOf(lhr, 'performance')}, CLS ${round(metric('cumulative-layout-shift'), 3)}, TBT ${round(metric('total-blocking-time'), 0)} ms, FCP ${round(metric('first-contentful-paint'), 0)} ms, LCP ${round(metric('largest-contentful-paint'), 0)} ms; load average ${round(loadavg()[0]!, 2)}`,
    '  layout shifts (trace: weighted score, old → new rectangle [x,y,width,height]):',
    ...traceShifts(processed.mainThreadEvents, processed.timestamps.timeOrigin),
    "  Lighthouse's largest shifts (layout-shifts: the element moved most, suspected causes):",
    ...lighthouseShifts(lhr),
    '  long tasks as Lighthouse simulates them (long-tasks, ×4 CPU; ms by group):',
    ...longTasks(lhr),
    '  main-thread tasks of the trace ≥ 10 ms (unthrottled; self time by event, then the functions run):',
    ...observedTasks(tasks, scripts, 10),
    `  main-thread work (mainthread-work-breakdown, ×4 CPU, ms): ${breakdown}`,
  ];
}

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
const withProfile = args.includes('--profile');
const words = args.filter((arg, index) => !arg.startsWith('--') && (runsAt < 0 || index !== runsAt + 1));
if (!Number.isInteger(runs) || runs < 1) throw new Error('usage: node bench/lighthouseTrace.ts [--runs N] [--profile] [page …]');

const dataDir = mkdtempSync(join(tmpdir(), 'egov-lighthouse-trace-'));
const stack = await startLocalStack({ dataDir, port: 0, workers: false });
try {
  const { targets } = await portalTargets(stack.info);
  const chosen = targets.filter((target) => words.length === 0 || words.some((word) => `${target.app} ${target.page}`.includes(word)));
  const scripts = new Map<string, string>();
  for (const app of new Set(chosen.map((target) => target.app))) {
    const url = `${stack.info.apiUrl}/${app}/app.js`;
    scripts.set(url, await (await fetch(url)).text());
  }
  const { browser, close } = await launchBrowser();
  try {
    for (const target of chosen) await warmUp(browser, target);
    for (const target of chosen) {
      for (let run = 0; run < runs; run += 1) {
        const { lhr, artifacts } = await audit(browser, target);
        console.log((await explain(target, lhr, artifacts, scripts)).join('\n'));
      }
      if (withProfile) console.log((await profile(browser, target, scripts)).join('\n'));
    }
  } finally {
    await close();
  }
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
