import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * CPU time of a process tree, read from Linux's /proc (utime + stime of each process): how the
 * load test's run divides the machine between the load client, the local stack's Node process
 * (gateway, handlers, workers, the local KMS, SQS and S3) and DynamoDB Local's JVM. Shares and
 * seconds per submission hold on a busy machine where throughput does not. Elsewhere than Linux
 * the reading is empty and the report says so.
 */

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux platform Node supports). */
const USER_HZ = 100;

export interface ProcessCpu {
  pid: number;
  /** The executable's name, as /proc says (`node`, `java`). */
  name: string;
  seconds: number;
}

function read(pid: number): ProcessCpu | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (name) state ppid …`: the name may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return { pid, name: stat.slice(stat.indexOf('(') + 1, close), seconds: (Number(fields[11]) + Number(fields[12])) / USER_HZ };
  } catch {
    return undefined; // gone meanwhile, or no /proc
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** The CPU seconds used so far by `pid` and every process below it. */
export function treeCpu(pid: number): ProcessCpu[] {
  const found: ProcessCpu[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    const cpu = read(next);
    if (cpu) found.push(cpu);
    queue.push(...childrenOf(next));
  }
  return found;
}

export interface CpuReading {
  at: number;
  load: number[];
  processes: ProcessCpu[];
}

export const cpuReading = (pids: readonly number[]): CpuReading => ({ at: performance.now(), load: loadavg(), processes: pids.flatMap(treeCpu) });

/** Per process (by pid), the CPU seconds used between two readings; processes started meanwhile count from zero. */
export function cpuBetween(before: CpuReading, after: CpuReading): ProcessCpu[] {
  const then = new Map(before.processes.map((process) => [process.pid, process.seconds]));
  return after.processes.map((process) => ({ ...process, seconds: process.seconds - (then.get(process.pid) ?? 0) })).filter((process) => process.seconds > 0);
}

/**
 * The report's lines: each process's CPU seconds, its share of the machine's CPU time meanwhile
 * (`cores` × wall time) and its seconds per submission; the load average at both ends.
 */
export function cpuReport(before: CpuReading, after: CpuReading, options: { cores: number; submissions: number; label: (process: ProcessCpu) => string }): string[] {
  const wall = (after.at - before.at) / 1000;
  const used = cpuBetween(before, after);
  if (used.length === 0) return ['  CPU: no /proc here, not measured'];
  const capacity = wall * options.cores;
  const total = used.reduce((sum, process) => sum + process.seconds, 0);
  const line = (label: string, seconds: number) =>
    `    ${label.padEnd(34)} ${seconds.toFixed(1).padStart(7)} s  ${((seconds / capacity) * 100).toFixed(0).padStart(3)} % of ${options.cores} cores  ${((seconds / Math.max(1, options.submissions)) * 1000).toFixed(1).padStart(6)} ms per submission`;
  return [
    `  CPU over the rush (${wall.toFixed(1)} s wall; load average ${before.load.map((n) => n.toFixed(2)).join(' ')} at the start, ${after.load.map((n) => n.toFixed(2)).join(' ')} at the end):`,
    ...used.sort((a, b) => b.seconds - a.seconds).map((process) => line(`${options.label(process)} (${process.name} ${process.pid})`, process.seconds)),
    line('all of these', total),
    `    left to other work, or idle: ${Math.max(0, capacity - total).toFixed(1)} s of ${capacity.toFixed(1)} s`,
  ];
}
