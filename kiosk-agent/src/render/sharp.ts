import { configureFonts } from './fonts';

export type SharpFactory = (typeof import('sharp'))['default'];

let loading: Promise<SharpFactory> | undefined;

/**
 * sharp, loaded only after fontconfig has been pointed at the bundled fonts (see ./fonts).
 * The render code imports sharp through here and nowhere else, so no text can be rendered before
 * FONTCONFIG_FILE is set, whatever the import order of the rest of the program.
 */
export function loadSharp(): Promise<SharpFactory> {
  loading ??= (async () => {
    configureFonts();
    return (await import('sharp')).default;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
