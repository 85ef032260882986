// Entry point of the bundled command (bin/porthole.cjs loads the bundle of this file).
import { main } from './index.js';

// `porthole list | head`: the reader left. Drop the rest of the output and finish as usual (the
// exit code still says held or free), rather than die of an unhandled EPIPE with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode rather than exit(): a piped stdout gets to drain everything first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`porthole: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
