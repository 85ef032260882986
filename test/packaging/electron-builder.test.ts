// What can be verified about the installers without building them (electron-builder cannot fetch
// its tools here, and installers are built on each OS's runner): the config is valid by
// electron-builder's own schema, every file it names exists with the sizes each target needs,
// only built output is packed, and the `porthole` command the deb/rpm install actually runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { icnsEntries, icoSizes, pngSize } from './images.js';

type Dict = Record<string, unknown>;
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Dict;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Dict & { dependencies: Record<string, string>; scripts: Record<string, string> };
const require = createRequire(import.meta.url);
const section = (name: string) => config[name] as Dict;
const targets = (platform: string) =>
  (section(platform).target as (string | { target: string; arch?: string[] })[]).map((t) => (typeof t === 'string' ? { target: t, arch: undefined } : t));

describe('electron-builder.yml', () => {
  it("is valid by electron-builder's own JSON schema (app-builder-lib/scheme.json)", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    // The options electron-builder itself validates with (util/config/schemaValidator.js).
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check does catch mistakes', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, nsis: { ...section('nsis'), oneClik: false } })).toBe(false);
    expect(validate({ ...config, mac: { ...section('mac'), hardenedRuntime: 'yes please' } })).toBe(false);
  });

  it('names the app, and takes author, homepage and license from package.json', () => {
    expect(config.appId).toBe('dev.porthole.app');
    expect(config.productName).toBe('Porthole');
    expect(pkg.license).toBe('MIT');
    expect(pkg.author).toBeTruthy();
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    expect(pkg.main).toBe('out/main/index.js');
    expect(section('linux').maintainer).toMatch(/<[^@\s]+@[^>\s]+>/); // deb refuses to build without an email
  });

  it('publishes to the GitHub repository package.json names', () => {
    const [, owner, repo] = /github\.com\/([^/]+)\/([^/]+)$/.exec(pkg.homepage as string)!;
    expect(config.publish).toMatchObject({ provider: 'github', owner, repo });
    expect(pkg.dependencies['electron-updater']).toBeTruthy();
  });

  it('packs only built output: no sources, tests, docs, scripts or CI config', () => {
    const files = config.files as string[];
    expect(files).toEqual(expect.arrayContaining(['out/**', 'package.json', '!**/*.map']));
    for (const pattern of files.filter((f) => !f.startsWith('!'))) {
      expect(pattern).toMatch(/^(out\/|assets\/|package\.json$)/);
    }
    for (const dir of ['main', 'renderer', 'preload', 'test', 'bench', 'docs', 'scripts', '.ci', '.github', 'build', 'node_modules']) {
      expect(files.some((f) => f === dir || f.startsWith(`${dir}/`))).toBe(false);
    }
  });

  it('unpacks the CLI and every production dependency it loads at run time', () => {
    const unpacked = config.asarUnpack as string[];
    expect(unpacked).toContain('out/cli/**');
    const build = readFileSync('scripts/build-cli.mjs', 'utf8');
    const externals = [.../external:\s*\[([^\]]*)\]/.exec(build)![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    const needed = externals.filter((name) => name in pkg.dependencies);
    expect(needed.length).toBeGreaterThan(0);
    for (const name of needed) expect(unpacked).toContain(`node_modules/${name}/**`);
  });

  it('targets AppImage, deb and rpm; NSIS and portable; dmg and zip for x64 and arm64', () => {
    expect(targets('linux').map((t) => t.target)).toEqual(['AppImage', 'deb', 'rpm']);
    expect(targets('win').map((t) => t.target)).toEqual(['nsis', 'portable']);
    for (const t of targets('mac')) expect(t.arch).toEqual(['x64', 'arm64']);
    expect(targets('mac').map((t) => t.target)).toEqual(['dmg', 'zip']);
  });

  it('NSIS installs per user by default and lets the user choose', () => {
    expect(section('nsis')).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true, allowToChangeInstallationDirectory: true });
  });

  it('macOS: hardened runtime with entitlements, notarised only when the environment has credentials', () => {
    expect(section('mac')).toMatchObject({
      hardenedRuntime: true,
      gatekeeperAssess: false,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.inherit.plist',
      notarize: true,
    });
    // No secret may live in the file: they come from CSC_LINK, APPLE_ID... in the environment.
    const text = readFileSync('electron-builder.yml', 'utf8');
    expect(text).not.toMatch(/^\s*(cscLink|cscKeyPassword|identity|appleId|appleIdPassword|teamId|password)\s*:/m);
    for (const file of ['build/entitlements.mac.plist', 'build/entitlements.mac.inherit.plist']) {
      const plist = readFileSync(file, 'utf8');
      expect(plist).toMatch(/^<\?xml/);
      expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
      expect(plist, 'no entitlement beyond what Electron needs').not.toMatch(/device\.(camera|audio-input)|network\.server|files\.all/);
    }
  });

  it('Linux: a desktop entry in Development/Network/Utility, and the CLI on PATH from deb and rpm', () => {
    const linux = section('linux');
    expect(linux.executableName).toBe('porthole');
    const entry = (linux.desktop as Dict).entry as Dict;
    expect(String(entry.Categories).split(';').filter(Boolean)).toEqual(['Development', 'Network', 'Utility']);
    for (const target of ['deb', 'rpm']) {
      expect(section(target)).toMatchObject({ afterInstall: 'build/linux/after-install.sh', afterRemove: 'build/linux/after-remove.sh' });
    }
    expect(config.extraResources).toEqual([{ from: 'build/bin', to: 'bin', filter: ['porthole'] }]);
  });

  it('every file it names exists', () => {
    const named = [
      section('mac').icon,
      section('mac').entitlements,
      section('mac').entitlementsInherit,
      section('win').icon,
      section('linux').icon,
      section('deb').afterInstall,
      section('deb').afterRemove,
      section('rpm').afterInstall,
      section('rpm').afterRemove,
      ...(config.extraResources as { from: string }[]).map((r) => r.from),
      'build/bin/porthole',
    ] as string[];
    for (const file of named) expect(existsSync(file), file).toBe(true);
    // Copied with its mode into the package: the deb/rpm link runs it directly.
    if (process.platform !== 'win32') accessSync('build/bin/porthole', constants.X_OK);
  });
});

describe('icons', () => {
  it('one source: assets/icon.svg, rendered by scripts/make-icons.mjs', () => {
    expect(readFileSync('assets/icon.svg', 'utf8')).toMatch(/<svg[\s>]/);
    expect(existsSync('scripts/make-icons.mjs')).toBe(true);
  });

  it('assets/icon.png is a 1024 px square source', () => {
    expect(pngSize('assets/icon.png')).toEqual({ width: 1024, height: 1024 });
  });

  it('Linux: assets/icons/NxN.png are what their names say, 16 to 512 at least', () => {
    const names = readdirSync('assets/icons').filter((n) => n.endsWith('.png'));
    const sizes = names.map((n) => {
      const [, w, h] = /^(\d+)x(\d+)\.png$/.exec(n) ?? [];
      expect(w, `${n} is named NxN.png`).toBeDefined();
      expect(pngSize(path.join('assets/icons', n))).toEqual({ width: Number(w), height: Number(h) });
      return Number(w);
    });
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(sizes).toContain(size);
  });

  it('Windows: icon.ico holds a 256x256 image (NSIS and the exe need it) and the small sizes', () => {
    const sizes = icoSizes(section('win').icon as string);
    expect(sizes).toContain(256);
    for (const size of [16, 32, 48]) expect(sizes).toContain(size);
  });

  it('macOS: icon.icns holds 512 (ic09) and 1024 (ic10) images', () => {
    const entries = icnsEntries(section('mac').icon as string);
    expect(entries.has('ic09')).toBe(true);
    expect(entries.has('ic10')).toBe(true);
  });

  it('tray images exist for each OS (template images on macOS)', () => {
    for (const file of ['trayTemplate.png', 'trayTemplate@2x.png', 'tray-16.png', 'tray-32.png', 'tray.ico']) {
      expect(existsSync(path.join('assets/tray', file)), file).toBe(true);
    }
    const one = pngSize('assets/tray/trayTemplate.png');
    expect(pngSize('assets/tray/trayTemplate@2x.png')).toEqual({ width: one.width * 2, height: one.height * 2 });
  });
});

describe('deb/rpm scripts', () => {
  // electron-builder fills ${name} macros in these (FpmTarget.writeConfigFile) and fails on unknown ones.
  const MACROS: Record<string, string> = { executable: 'porthole', sanitizedProductName: 'Porthole', productFilename: 'Porthole' };
  const render = (file: string) =>
    readFileSync(file, 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (m, name: string) => {
      if (!(name in MACROS) && !(name in section('linux')) && !(name in section('deb'))) throw new Error(`${file}: macro ${m} is not defined`);
      return MACROS[name] ?? m;
    });

  it.each(['build/linux/after-install.sh', 'build/linux/after-remove.sh'])('%s renders with known macros only and is valid bash', (file) => {
    const text = render(file);
    expect(text.startsWith('#!/bin/bash\n')).toBe(true);
    if (process.platform !== 'win32') expect(spawnSync('bash', ['-n'], { input: text }).status).toBe(0);
    expect(text).toContain('/opt/Porthole');
    expect(text).not.toMatch(/\$\{/); // every ${...} was a macro; shell variables are written $name
  });

  it('after-install links /usr/bin/porthole to the CLI launcher, after-remove unlinks only that', () => {
    const install = render('build/linux/after-install.sh');
    expect(install).toContain("APP_DIR='/opt/Porthole'");
    expect(install).toContain('CLI="$APP_DIR/resources/bin/porthole"');
    expect(install).toContain("LINK='/usr/bin/porthole'");
    expect(install).toMatch(/update-alternatives --install "\$LINK" 'porthole' "\$CLI" 100/);
    expect(install).toContain('chrome-sandbox'); // electron-builder's default duties are kept
    const remove = render('build/linux/after-remove.sh');
    expect(remove).toContain("CLI='/opt/Porthole/resources/bin/porthole'");
    expect(remove).toContain(`update-alternatives --remove 'porthole' "$CLI"`);
    expect(remove).toContain('[ "$(readlink "$LINK")" = "$CLI" ]');
  });
});

describe.runIf(process.platform !== 'win32')('the installed `porthole` command', () => {
  // The layout a deb/rpm (or the macOS .app) installs, rebuilt from real files, with node standing
  // in for the app's Electron binary (both run the CLI with ELECTRON_RUN_AS_NODE=1).
  const root = mkdtempSync(path.join(os.tmpdir(), 'porthole-layout-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const mac = process.platform === 'darwin';
  const appDir = mac ? path.join(root, 'Porthole.app', 'Contents') : path.join(root, 'opt', 'Porthole');
  const resources = path.join(appDir, mac ? 'Resources' : 'resources');
  const usrBin = path.join(root, 'usr', 'bin', 'porthole');

  function install(): void {
    const unpacked = path.join(resources, 'app.asar.unpacked');
    mkdirSync(path.join(unpacked, 'out', 'cli'), { recursive: true });
    cpSync('out/cli/porthole.cjs', path.join(unpacked, 'out', 'cli', 'porthole.cjs'));
    for (const pattern of config.asarUnpack as string[]) {
      const dir = /^node_modules\/(.+)\/\*\*$/.exec(pattern)?.[1];
      if (dir) cpSync(path.join('node_modules', dir), path.join(unpacked, 'node_modules', dir), { recursive: true });
    }
    mkdirSync(path.join(resources, 'bin'), { recursive: true });
    cpSync('build/bin/porthole', path.join(resources, 'bin', 'porthole'));
    const app = mac ? path.join(appDir, 'MacOS', 'Porthole') : path.join(appDir, 'porthole');
    mkdirSync(path.dirname(app), { recursive: true });
    symlinkSync(process.execPath, app);
    // /usr/bin/porthole -> /etc/alternatives/porthole -> the launcher, as update-alternatives does.
    const alternative = path.join(root, 'etc', 'alternatives', 'porthole');
    mkdirSync(path.dirname(alternative), { recursive: true });
    mkdirSync(path.dirname(usrBin), { recursive: true });
    symlinkSync(path.join(resources, 'bin', 'porthole'), alternative);
    symlinkSync(path.relative(path.dirname(usrBin), alternative), usrBin);
  }

  it('runs the bundled CLI through two levels of symlinks', () => {
    install();
    expect(statSync(usrBin).mode & 0o111).not.toBe(0);
    const version = execFileSync(usrBin, ['--version'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }).trim();
    expect(version).toBe(pkg.version);
  });

  it('lists sockets as JSON, with its externals found in app.asar.unpacked/node_modules', () => {
    const cliDir = path.join(resources, 'app.asar.unpacked', 'out', 'cli');
    for (const pattern of config.asarUnpack as string[]) {
      const name = /^node_modules\/(.+)\/\*\*$/.exec(pattern)?.[1];
      if (name) expect(() => createRequire(path.join(cliDir, 'x.cjs')).resolve(name)).not.toThrow();
    }
    const out = execFileSync(usrBin, ['list', '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const parsed = JSON.parse(out) as { version: number; sockets: unknown[] };
    expect(parsed.version).toBe(1);
    expect(Array.isArray(parsed.sockets)).toBe(true);
  });
});
