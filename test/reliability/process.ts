// What the reliability tests read about a running server process from /proc (Linux): resident memory, and the threads it runs.
import { readFileSync } from 'node:fs';

/** Resident set size of the process in MB (VmRSS of /proc/PID/status), worker threads included. */
export function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}
