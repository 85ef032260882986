// Entry point of the bundled command (bin/porthole.cjs loads the bundle of this file).
import { main } from './index.js';

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode rather than exit(): a stdout that fell back to the stream gets to drain first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`porthole: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
