import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** The gateway serves the build at /dashboard (fleet/dashboard-static.ts); in dev, vite proxies to it. */
const GATEWAY = process.env.HQ_URL ?? 'https://127.0.0.1:4200';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    port: 5174,
    strictPort: true,
    proxy: {
      '/v1': { target: GATEWAY, secure: false },
      '/ops/socket.io': { target: GATEWAY, ws: true, secure: false },
    },
  },
});
