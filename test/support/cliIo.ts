// A terminal for `nn train` run in process: collects stdout and stderr, never interrupted, real clock.
import type { CliIo } from '../../server/src/cli/train';

export function collectingIo(cwd: string): { io: CliIo; stdout: () => string; stderr: () => string } {
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
