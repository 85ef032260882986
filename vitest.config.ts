import { defineConfig } from 'vitest/config';

// Windows reads process details and identities through PowerShell, about a second per start and
// several starts per CLI run or kill plan: the same tests need more room there.
const timeout = process.platform === 'win32' ? 90_000 : 30_000;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Integration tests spawn real processes and bind real sockets: give them room on a 2-core machine.
    testTimeout: timeout,
    hookTimeout: timeout,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
