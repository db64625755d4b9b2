import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri serves the built files from ui/dist (see the root tauri.conf.json), so the
// base is relative and nothing is loaded from outside the bundle.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  // Component tests mount Svelte's client build, not its server build.
  resolve: mode === 'test' || mode === 'benchmark' ? { conditions: ['browser'] } : undefined,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // `npm run bench` only; `npm test` runs none of them.
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
}));
