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
    // A page under a loaded machine (CI runs the component tests beside these) may take seconds to
    // show what it will show; a poll that passes still ends at once.
    expect: { poll: { timeout: 10_000 } },
  },
});
