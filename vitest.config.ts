import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the real binary; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/count-reporter.ts'],
  },
});
