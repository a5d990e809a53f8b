/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `vite --mode mock` / `vite build --mode mock` install a fake IPC (src/lib/mock) for browser-only
// development and screenshots; the mock build goes to dist-mock so it never replaces ui/dist.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  // Tauri's devUrl is http://localhost:5173.
  server: { port: 5173, strictPort: true },
  // Vitest runs in mode "test": resolve Svelte's browser build so components can mount in jsdom.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: mode === 'mock' ? 'dist-mock' : 'dist',
    emptyOutDir: true,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
}));
