// Preloaded into a `porthole` run (NODE_OPTIONS=--require) by cli.test.ts: on exit, prints which
// files from node_modules the command loaded. The bundle keeps zod, ws and systeminformation out,
// loaded only by the commands that need them, because compiling them costs more than the answer.
'use strict';
process.on('exit', () => {
  const loaded = Object.keys(require.cache).filter((file) => file.includes('node_modules'));
  process.stderr.write(`node_modules loaded: ${JSON.stringify(loaded)}\n`);
});
