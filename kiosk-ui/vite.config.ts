import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** The agent (kiosk-agent/src/server.ts) listens here and serves the built UI in production. */
const AGENT = 'http://127.0.0.1:4100';
const TOKEN_PLACEHOLDER = '__KIOSK_UI_TOKEN__';

/**
 * Dev server only: the agent replaces the token placeholder when it serves dist/index.html, but under
 * `vite dev` nobody does. Set KIOSK_UI_TOKEN to the agent's per-boot token to connect from the dev server.
 * The production build keeps the placeholder untouched.
 */
function devToken(): Plugin {
  return {
    name: 'kiosk-ui-dev-token',
    apply: 'serve',
    transformIndexHtml(html) {
      const token = process.env.KIOSK_UI_TOKEN;
      return token ? html.replace(TOKEN_PLACEHOLDER, token) : html;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte(), devToken()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The fonts are large TTFs: never inline them into CSS/JS.
    assetsInlineLimit: 4096,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/socket.io': { target: AGENT, ws: true },
      '/dev': { target: AGENT },
    },
  },
  preview: { host: '127.0.0.1' },
});
