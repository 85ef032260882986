// The house rules of DESIGN.md, enforced on every import (this is `npm run lint`):
// - main/core is the engine: pure Node, no Electron, no React, nothing from the app, CLI or server;
// - renderer runs in a browser: no Node built-ins and no Electron, directly or through whatever it
//   takes from main/ (the contract, the model, pure helpers such as diff.ts);
// - preload may use Electron, and from main/ only the contract.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve('.');
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function files(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(path.join(root, dir));
  } catch {
    return out;
  }
  for (const name of names) {
    const rel = path.join(dir, name);
    if (name === 'node_modules' || skip(rel)) continue;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...files(rel, skip));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

/** The repository-relative file an import points at, or the bare package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path.relative(root, path.resolve(root, path.dirname(file), spec)).split(path.sep).join('/').replace(/\.(js|ts|tsx)$/, '');
}

function violations(dirFiles: string[], forbidden: (t: string, spec: string) => boolean): string[] {
  const out: string[] = [];
  for (const file of dirFiles) {
    for (const spec of importsOf(file)) {
      const t = target(file, spec);
      if (forbidden(t, spec)) out.push(`${file.split(path.sep).join('/')} imports ${spec}`);
    }
  }
  return out;
}

function sourceFile(t: string): string | undefined {
  for (const candidate of [`${t}.ts`, `${t}.tsx`, `${t}/index.ts`]) {
    try {
      if (statSync(path.join(root, candidate)).isFile()) return candidate;
    } catch {
      // try the next
    }
  }
  return undefined;
}

const isElectronOrReact = (t: string) => /^(electron|react|react-dom)(\/|$)/.test(t) || t.startsWith('@testing-library/');

describe('layering', () => {
  it('main/core imports neither Electron nor React, nor the app, CLI, server or UI', () => {
    const core = files('main/core');
    expect(core.length).toBeGreaterThan(10);
    expect(violations(core, (t) => isElectronOrReact(t) || /^(main\/(app|cli|serve|service)|renderer|preload)\//.test(t))).toEqual([]);
  });

  it('renderer reaches no Node built-in and no Electron, even through what it takes from main/', () => {
    const ui = files('renderer', (rel) => /(^|[/\\])[^/\\]*\.config\.[^/\\]+$/.test(rel));
    expect(ui.length).toBeGreaterThan(0);
    const bad: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string, via: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        const t = target(file, spec);
        if (NODE_BUILTINS.has(spec) || /^electron(\/|$)/.test(t)) bad.push(`${via}${file} imports ${spec}`);
        const next = spec.startsWith('.') ? sourceFile(t) : undefined;
        if (next?.startsWith('main/')) visit(next, `${via}${file} -> `);
      }
    };
    for (const file of ui) visit(file.split(path.sep).join('/'), '');
    expect(bad).toEqual([]);
  });

  it('preload takes from main/ only the contract', () => {
    expect(violations(files('preload'), (t) => t.startsWith('main/') && t !== 'main/core/contract')).toEqual([]);
  });

  it('the import reader sees the forms we use', () => {
    const sample = "import a from './a.js';\nimport type { B } from '../b.js';\nexport * from 'c';\nconst d = await import('d');\nconst e = require('e');\nimport './f.css';";
    expect([...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3])).toEqual(['./a.js', '../b.js', 'c', 'd', 'e', './f.css']);
  });
});
