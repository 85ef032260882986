// Stands in for the bundled CLI in tests until `--output` is wired into main/cli/args.ts: it parses
// `watch ... --output FILE` the way the CLI will, and runs the real runToOutputFile on the real
// engine. Run with `node --import tsx cli-driver.ts watch --json --interval 500ms --output FILE`.
import { parseCommand } from '../../../main/cli/args.js';
import { processIO } from '../../../main/cli/io.js';
import { runToOutputFile } from '../../../main/cli/commands/output-file.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--output');
const output = at === -1 ? undefined : argv[at + 1];
if (!output) throw new Error('cli-driver: --output FILE is required');
const command = parseCommand([...argv.slice(0, at), ...argv.slice(at + 2)]);
if (command.name !== 'watch' && command.name !== 'list') throw new Error(`cli-driver: unsupported ${command.name}`);
// Tests force rotation with tiny limits: every generation then holds one snapshot.
const rotate = process.env.PORTHOLE_TEST_ROTATE === '1' ? { rotateBytes: 1, snapshotsPerFile: 0 } : {};
runToOutputFile({ ...command, output }, processIO(), rotate).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`porthole: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
