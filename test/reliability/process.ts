// What the reliability tests read about a running server process from /proc (Linux): resident memory, and the threads it runs.
import { readFileSync } from 'node:fs';

/** Resident set size of the process in MB (VmRSS of /proc/PID/status), worker threads included. */
export function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Threads the process runs (Threads of /proc/PID/status): the main thread, V8's, libuv's, and every worker. */
export function threadCount(pid: number): number {
  const match = /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no Threads in /proc/${pid}/status`);
  return Number(match[1]);
}
