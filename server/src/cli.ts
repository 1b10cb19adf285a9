// `nn`: the command line program; dispatches to the subcommands in cli/ (docs/cli.md). cliLauncher.ts runs it.
//
// To add a command, add one entry to COMMANDS.

import { version } from '../../package.json';
import { CHECK_USAGE, checkCommand, printable } from './cli/check';
import { EXPORT_USAGE, exportCommand } from './cli/export';
import { TEST_USAGE, testCommand } from './cli/test';
import { TRAIN_USAGE, processIo, trainCommand } from './cli/train';
import { suggest } from './language/suggest';
import { echo } from './language/wording';
import { writeReport } from './report/views';

interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit status. */
  run(argv: string[]): number | Promise<number>;
}

const stdio = {
  // The exported model (text or bytes), written as the exporter made it.
  stdout: (output: string | Uint8Array) => void process.stdout.write(output),
  stderr: (text: string) => void process.stderr.write(printable(text)),
};

const COMMANDS: Command[] = [
  { name: 'check', summary: 'check specs and print their problems', usage: CHECK_USAGE, run: (argv) => checkCommand(argv) },
  { name: 'train', summary: 'train the runs of a spec and print a summary', usage: TRAIN_USAGE, run: (argv) => trainCommand(argv, processIo(), { writeReport }) },
  { name: 'test', summary: 'train the runs that have expectations and check that they hold', usage: TEST_USAGE, run: (argv) => testCommand(argv, processIo()) },
  { name: 'export', summary: 'train one run and write the model as JSON, PyTorch, ONNX or safetensors', usage: EXPORT_USAGE, run: (argv) => exportCommand(argv, stdio) },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: nn COMMAND [ARGS]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...COMMANDS.map((c) => `  ${c.usage.replace(/^usage: /, '')}`),
    '',
    "Run 'nn COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`nn ${version}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const guess = suggest(name, COMMANDS.map((c) => c.name));
    process.stderr.write(`nn: unknown command '${printable(echo(name))}'${guess !== null ? `; did you mean '${guess}'?` : ''}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

/** Runs the command line of this process (dist/cli.js, the launcher, calls it): its arguments, its exit status. */
export function run(): Promise<void> {
  // `nn train spec.nn | head -1`: when the reader goes away, stop at once and quietly, with the
  // status a Unix tool killed by SIGPIPE reports (141), instead of an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(141);
      throw error;
    });
  }
  return main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      // A bug, not a user error: say so plainly and keep the stack for the report.
      process.stderr.write(`nn: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}

/** The trainer as the command line builds it, for bench/trainer.mjs, which times it that way. */
export { createTrainer } from './engine';
