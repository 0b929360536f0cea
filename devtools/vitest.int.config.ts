// Integration tests against REAL services (Kafka KRaft + schema registry) started on 127.0.0.1
// by devtools/cluster/global-setup.ts. Run: node_modules/.bin/vitest run -c devtools/vitest.int.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['**/*.int.test.ts'],
    exclude: ['**/node_modules/**', '.cache/**'],
    globalSetup: [fileURLToPath(new URL('./cluster/global-setup.ts', import.meta.url))],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
