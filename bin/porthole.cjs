#!/usr/bin/env node
// Launcher for the bundled CLI built by `npm install` (scripts/build-cli.mjs).
try {
  require('../out/cli/porthole.cjs');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('out/cli/porthole.cjs')) {
    process.stderr.write('porthole: the command is not built yet; run `npm install` (or `npm run build:cli`) first\n');
    process.exit(1);
  }
  throw error;
}
