// The house layering rules, checked on the source: the renderer never reaches Node or Electron and
// takes from main/core only the pure shared modules (the contract, diff.ts, model.ts), and from
// contract.ts only types: its values come with zod, which the pages leave to main;
// main/core never imports Electron or React. Also: the pages stay CSP-clean.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RENDERER = path.join(ROOT, 'renderer');
const CORE = path.join(ROOT, 'main/core');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|cts|js|mjs|jsx)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

interface Import {
  file: string;
  spec: string;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ file, spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ file, spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) out.push({ file, spec: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ file, spec: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
const rel = (file: string) => path.relative(ROOT, file);

// Build config is Node code that happens to live beside the pages.
const rendererFiles = sourceFiles(RENDERER).filter((f) => path.basename(f) !== 'vite.config.ts');
const RENDERER_PACKAGES = new Set(['react', 'react-dom', '@tanstack/react-table']);
const SHARED = new Map([
  // Types only: contract.ts builds zod schemas at load, and the page would bundle and run them.
  [path.join(CORE, 'contract.ts'), 'types'],
  [path.join(CORE, 'contract-defaults.ts'), 'values'],
  [path.join(CORE, 'diff.ts'), 'values'],
  [path.join(CORE, 'model.ts'), 'values'],
]);

describe('layering', () => {
  it('finds the code it checks', () => {
    expect(rendererFiles.length).toBeGreaterThan(20);
    expect(sourceFiles(CORE).length).toBeGreaterThan(20);
  });

  it('the renderer imports no Node module, no Electron, only its own packages', () => {
    const bad = rendererFiles
      .flatMap(importsOf)
      .filter((i) => !i.spec.startsWith('.'))
      .filter((i) => NODE_BUILTINS.has(i.spec) || !RENDERER_PACKAGES.has(packageOf(i.spec)))
      .map((i) => `${rel(i.file)} imports ${i.spec}`);
    expect(bad).toEqual([]);
  });

  it('the renderer takes from main/ only the pure shared modules: the contract (types from contract.ts), diff.ts, model.ts', () => {
    const bad: string[] = [];
    for (const i of rendererFiles.flatMap(importsOf)) {
      if (!i.spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(i.file), i.spec).replace(/\.js$/, '.ts');
      if (target.startsWith(RENDERER + path.sep) || !target.startsWith(ROOT + path.sep)) continue;
      const allowed = SHARED.get(target);
      if (!allowed) bad.push(`${rel(i.file)} imports ${i.spec}`);
      else if (allowed === 'types' && !i.typeOnly) bad.push(`${rel(i.file)} imports values from ${i.spec} (types only)`);
    }
    expect(bad).toEqual([]);
  });

  it('the shared modules the renderer uses import nothing but each other and zod', () => {
    const bad = [...SHARED.keys()]
      .flatMap(importsOf)
      .filter((i) => (i.spec.startsWith('.') ? !SHARED.has(path.resolve(path.dirname(i.file), i.spec).replace(/\.js$/, '.ts')) : i.spec !== 'zod'))
      .map((i) => `${rel(i.file)} imports ${i.spec}`);
    expect(bad).toEqual([]);
  });

  it('main/core never imports Electron, React or the renderer', () => {
    const bad = sourceFiles(CORE)
      .flatMap(importsOf)
      .filter((i) => {
        if (i.spec.startsWith('.')) {
          const target = path.resolve(path.dirname(i.file), i.spec);
          return target.startsWith(RENDERER) || target.startsWith(path.join(ROOT, 'main/app')) || target.startsWith(path.join(ROOT, 'preload'));
        }
        return ['electron', 'react', 'react-dom'].includes(packageOf(i.spec)) || packageOf(i.spec).startsWith('@tanstack/') || packageOf(i.spec).startsWith('@electron');
      })
      .map((i) => `${rel(i.file)} imports ${i.spec}`);
    expect(bad).toEqual([]);
  });

  it('the renderer writes no raw HTML', () => {
    const bad = rendererFiles.filter((f) => /dangerouslySetInnerHTML|\.innerHTML\s*=|document\.write\(/.test(readFileSync(f, 'utf8'))).map(rel);
    expect(bad).toEqual([]);
  });
});

describe('pages under a strict CSP', () => {
  for (const page of ['index.html', 'tray.html']) {
    it(`${page} carries the CSP and has no inline script or style`, () => {
      const html = readFileSync(path.join(RENDERER, page), 'utf8');
      const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        expect(m[1]).toMatch(/\bsrc=/);
        expect(m[2]!.trim()).toBe('');
      }
      expect(html).not.toMatch(/<style\b/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toMatch(/\son[a-z]+=/i);
    });
  }
});
