/**
 * The UI <-> agent contract. Written with zod/mini (functions rather than methods: `z.optional(x)`,
 * `z.string().check(z.regex(…))`) so the kiosk UI bundles only zod's small core; the UI build fails if
 * classic zod slips back in (kiosk-ui/vite.config.ts). Classic schemas may embed these as they are.
 */
export * from './errors';
export * from './state';
export * from './intents';
export * from './events';
