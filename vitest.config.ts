import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files run two at a time; each owns its databases.
    maxWorkers: 2,
    // The JSON report gives .ci/run its closing count.
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NODE_OPTIONS: '--openssl-legacy-provider',
    },
  },
});
