// Terminals for the command line's commands run in process (CliIo): they collect stdout and stderr; one has a clock of its own and a Ctrl+C on cue.
import type { CliIo } from '../../server/src/cli/train';

export interface FakeIo {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

/** Collects stdout and stderr; never interrupted; the real clock. */
export function collectingIo(cwd: string): FakeIo {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    stderrIsTTY: false,
    stderrColumns: 80,
    onInterrupt: () => () => {},
    now: () => performance.now(),
    cwd,
  };
  return { io, stdout: () => out, stderr: () => err };
}

/** A terminal in `cwd` whose clock advances `tick` ms per reading; `interruptAfter` readings, it presses Ctrl+C. */
export function fakeIo(cwd: string, options: { tty?: boolean; tick?: number; interruptAfter?: number } = {}): FakeIo {
  let out = '';
  let err = '';
  let clock = 0;
  let readings = 0;
  let interrupt: (() => void) | null = null;
  const io: CliIo = {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    stderrIsTTY: options.tty ?? false,
    stderrColumns: 100,
    onInterrupt(handler) {
      interrupt = handler;
      return () => void (interrupt = null);
    },
    now() {
      readings++;
      if (options.interruptAfter !== undefined && readings === options.interruptAfter) interrupt?.();
      clock += options.tick ?? 0;
      return clock;
    },
    cwd,
  };
  return { io, stdout: () => out, stderr: () => err };
}
