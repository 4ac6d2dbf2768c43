import { readFileSync } from 'node:fs';

/**
 * This process's own peak resident set size. Not `process.resourceUsage().maxRSS`: Linux carries a
 * process's maximum over fork and exec, so a child spawned by a bench process holding 200 MB
 * reported at least those 200 MB whatever it used itself. `VmHWM` in /proc/self/status belongs to
 * the address space the exec created. Elsewhere (no /proc) maxRSS is the fallback.
 */
export function peakRssBytes(): number {
  try {
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kib !== undefined) return Number(kib) * 1024;
  } catch {
    // no /proc: below
  }
  return process.resourceUsage().maxRSS * 1024;
}
