/**
 * vitest runs only the `*.vitest.ts` files (the test harness shown from vitest); everything else
 * is node:test, run by scripts/test.sh.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['src/**/*.vitest.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
