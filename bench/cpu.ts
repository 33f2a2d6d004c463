/**
 * CPU time per process from /proc (Linux), to name the busy process of a distributed run:
 * `const cpu = cpuMeter({ api: pid, ferretdb: pid })` … `cpu.report(wallSeconds)`.
 */
import fs from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, or undefined if it cannot be read. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return undefined;
  }
}

/** The pid of the first process whose command line contains every one of `parts`. */
export function findPid(...parts: string[]): number | undefined {
  let dirs: string[];
  try {
    dirs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const d of dirs) {
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (parts.every((p) => cmd.includes(p))) return Number(d);
    } catch { /* gone */ }
  }
  return undefined;
}

export function cpuMeter(pids: Record<string, number | undefined>) {
  const start = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) {
    const s = pid === undefined ? undefined : cpuSeconds(pid);
    if (s !== undefined) start.set(name, s);
  }
  return {
    /** `name 12.3 s (87 %)` per process, busiest first; percentages of the wall time (100 % = one core). */
    report(wallSeconds: number): string {
      const rows: Array<[string, number]> = [];
      for (const [name, s0] of start) {
        const s1 = cpuSeconds(pids[name]!);
        if (s1 !== undefined) rows.push([name, s1 - s0]);
      }
      return rows.sort((a, b) => b[1] - a[1]).map(([n, s]) => `${n} ${s.toFixed(1)} s (${Math.round((100 * s) / wallSeconds)} %)`).join(', ');
    },
  };
}
