// The porthole command: parse, run one command, map the outcome to an exit code.
import { parseCommand, HelpRequested, UsageError, USAGE, type Command } from './args.js';
import { EXIT_UNKNOWN, EXIT_USAGE } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';

declare const PORTHOLE_VERSION: string | undefined;


export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.out(USAGE);
      return 0;
    }
    if (error instanceof UsageError) {
      io.err(`porthole: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
  try {
    return await run(command, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`porthole: ${error.message}`);
      return EXIT_USAGE;
    }
    // An OS tool that is missing or failing: one line, not a stack trace.
    io.err(`porthole: ${(error as Error).message.split('\n')[0]}`);
    return EXIT_UNKNOWN;
  }
}

async function run(command: Command, io: CliIO): Promise<number> {
  if ((command.name === 'list' || command.name === 'watch') && command.output !== undefined) {
    const { runToOutputFile } = await import('./commands/output-file.js');
    return runToOutputFile({ ...command, output: command.output }, io);
  }
  // Each command is loaded when it runs: `porthole 3000` should not compile kill's readline,
  // why's dgram or serve's WebSocket server before it answers.
  switch (command.name) {
    case 'help':
      io.out(USAGE);
      return 0;
    case 'version':
      io.out(typeof PORTHOLE_VERSION === 'string' ? PORTHOLE_VERSION : 'dev');
      return 0;
    case 'list':
      return (await import('./commands/list.js')).runList(command, io);
    case 'port':
      return (await import('./commands/port.js')).runPort(command, io);
    case 'why':
      return (await import('./commands/why.js')).runWhy(command, io);
    case 'kill':
      return (await import('./commands/kill.js')).runKill(command, io);
    case 'watch':
      return (await import('./commands/watch.js')).runWatch(command, io);
    case 'serve': {
      const { runServe } = await import('./commands/serve.js');
      return runServe(command, io);
    }
  }
}
