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

/**
 * The protocol schemas are zod/mini so the UI bundles only zod's small core. Classic zod (about 10 KB
 * gzipped more) creeps back in if anything the UI imports builds a classic schema at module level that
 * the bundler cannot drop, so the build fails then rather than silently growing.
 */
function noClassicZod(): Plugin {
  return {
    name: 'kiosk-ui-no-classic-zod',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const classic = Object.entries(chunk.modules).filter(
          ([id, m]) => id.includes('/zod/v4/classic/') && m.renderedLength > 0,
        );
        if (classic.length > 0)
          this.error(
            `classic zod is in ${chunk.fileName} (${classic.map(([id]) => id.split('/zod/')[1]).join(', ')}): ` +
              'UI-reachable schemas must use zod/mini (see kiosk-agent/src/protocol)',
          );
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte(), devToken(), noClassicZod()],
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
