import { defineConfig } from 'vitest/config';

// Browser tests: headless Chromium (Debian's) driven by playwright-core against a real `archway serve`.
export default defineConfig({
  root: import.meta.dirname,
  test: {
    environment: 'node',
    include: ['e2e/**/*.{e2e,shots,measure}.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
