/**
 * Builds the web UI into dist/web, which `tenantry serve` serves at `/`. The SDK is compiled from
 * its TypeScript source, so the UI build does not wait for the SDK's own build.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: { alias: { '@tenantry/sdk': here('../packages/sdk/src/index.ts') } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // Fluent UI is large; one vendor chunk changes rarely, so browsers keep it cached across releases.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } } },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080', '/auth': 'http://127.0.0.1:8080' } },
});
