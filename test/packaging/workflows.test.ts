// The CI and release workflows, read as data: only GitHub can run them, but what they promise
// (three OSes, the same gates as .ci/run, e2e under xvfb, installers on tags) is checked here.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  strategy?: { matrix: { os: string[] } };
  steps: Step[];
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const load = (file: string) => parse(readFileSync(file, 'utf8')) as Workflow;
const ci = load('.github/workflows/ci.yml');
const release = load('.github/workflows/release.yml');
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const OSES = ['ubuntu-latest', 'windows-latest', 'macos-latest'];

const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const stepRunning = (job: Job, command: string) => job.steps.find((s) => s.run?.split('\n').some((l) => l.trim() === command));

describe('ci.yml', () => {
  const job = ci.jobs.test!;

  it('runs on every push and pull request', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
  });

  it('runs on Linux, Windows and macOS with Node 22, every OS to the end', () => {
    expect(job.strategy?.matrix.os).toEqual(OSES);
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    expect((job.strategy as { 'fail-fast'?: boolean })['fail-fast']).toBe(false);
    expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(22);
  });

  it('npm ci, typecheck, lint, npm test, the OS integration tests, in that order', () => {
    const order = ['npm ci --no-audit --no-fund', 'npm run typecheck', 'npm run lint', 'npm test', 'npm run test:os'].map((c) => {
      const step = stepRunning(job, c);
      expect(step, c).toBeDefined();
      return job.steps.indexOf(step!);
    });
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stepRunning(job, 'npm test')?.if).toBeUndefined(); // on every OS
    expect(stepRunning(job, 'npm run test:os')?.if).toBeUndefined();
  });

  it('runs the Electron end-to-end tests, under xvfb on Linux', () => {
    expect(stepRunning(job, 'xvfb-run -a npm run test:electron')?.if).toBe("runner.os == 'Linux'");
    expect(stepRunning(job, 'npm run test:electron')?.if).toBe("runner.os != 'Linux'");
    expect(runs(job)).toMatch(/apt-get install[^\n]*xvfb/);
  });

  it('only calls scripts package.json has', () => {
    for (const [, name] of runs(job).matchAll(/npm run ([\w:-]+)/g)) expect(scripts, name).toHaveProperty(name!);
    expect(scripts['test:electron']).toMatch(/^vitest run test\/electron/);
    expect(scripts['test:os']).toBe('vitest run test/os');
  });

  it('can only read the repository', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
  });
});

describe('release.yml', () => {
  const build = release.jobs.build!;

  it('runs on tags v*', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
  });

  it('builds installers on each OS: npm ci, npm run build, electron-builder --publish always', () => {
    expect(build.strategy?.matrix.os).toEqual(OSES);
    const text = runs(build);
    const at = (s: string) => text.indexOf(s);
    expect(at('npm ci')).toBeGreaterThanOrEqual(0);
    expect(at('npm run build')).toBeGreaterThan(at('npm ci'));
    expect(at('npx electron-builder')).toBeGreaterThan(at('npm run build'));
    expect(text).toContain('args=(--publish always)');
    expect(scripts.build).toBeTruthy();
  });

  it('uploads to the GitHub release with the workflow token, and keeps the installers as artifacts', () => {
    expect(build.env?.GH_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(release.permissions).toEqual({ contents: 'write' });
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.['if-no-files-found']).toBe('error');
    for (const ext of ['AppImage', 'deb', 'rpm', 'exe', 'dmg', 'zip']) expect(String(upload?.with?.path)).toContain(`dist/*.${ext}`);
    const publish = release.jobs.publish!;
    expect(publish.needs).toBe('build');
    expect(runs(publish)).toContain('gh release edit "$GITHUB_REF_NAME"');
    expect(runs(publish)).toContain('--draft=false');
  });

  it('signs only with secrets, and builds unsigned without them', () => {
    const text = runs(build);
    expect(text).toContain('CSC_IDENTITY_AUTO_DISCOVERY=false');
    expect(text).toMatch(/if \[ -z "\$\{CSC_LINK:-\}" \] && \[ -z "\$\{WIN_CSC_LINK:-\}" \]/);
    const env = build.steps.find((s) => s.run?.includes('npx electron-builder'))?.env ?? {};
    for (const value of Object.values(env)) expect(value).toMatch(/secrets\./);
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['CSC_LINK', 'WIN_CSC_LINK', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER']));
  });
});
