/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  // Runes only: legacy `export let`, `$:` and stores-in-components are compile errors.
  compilerOptions: { runes: true },
};
