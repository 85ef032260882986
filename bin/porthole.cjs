#!/usr/bin/env node
// Launcher for the bundled CLI built by `npm install` (scripts/build-cli.mjs).
// It compiles the bundle with V8's code cache: compiling ~0.5 MB of JavaScript is a third of a
// cold start, and `porthole 3000` should answer before `lsof -i :3000` does.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const bundle = path.join(__dirname, '..', 'out', 'cli', 'porthole.cjs');
const cacheFile = `${bundle}.${process.version}.cache`;

let source;
try {
  source = fs.readFileSync(bundle, 'utf8');
} catch {
  process.stderr.write('porthole: the command is not built yet; run `npm install` (or `npm run build:cli`) first\n');
  process.exit(1);
}

let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // First run, or a new Node version: compile normally and write the cache on exit.
}

const script = new vm.Script(wrap(source), { filename: bundle, cachedData });
if (!cachedData || script.cachedDataRejected) {
  // Created at exit, so the functions this run compiled lazily are in the cache too.
  process.once('exit', () => {
    try {
      fs.writeFileSync(cacheFile, script.createCachedData());
    } catch {
      // A read-only install: run without the cache.
    }
  });
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(bundle), module_, bundle, path.dirname(bundle));
