/**
 * The certificate renderer: DocumentPayload v2 → printable A4 pages. Import from here.
 */
import { antiCopyPattern } from './anticopy';
import { DEFAULT_DPI, renderDocument } from './document';
import { sampleDocuments } from './sample';

export { DEFAULT_DPI, renderDocument, type RenderedPage, type RenderOptions } from './document';

/**
 * Builds everything static for `dpi` ahead of time — the anti-copy background, the form's wording, the
 * mayor's seal, librsvg and the font — by rendering one invented sample of every type and discarding
 * it, so the first customer does not wait for them (~1 s at 600 dpi). Optional: renderDocument does
 * the same lazily.
 */
export async function prepareRenderer(dpi: number = DEFAULT_DPI): Promise<void> {
  await antiCopyPattern(dpi);
  for (const doc of Object.values(sampleDocuments())) {
    for (const page of await renderDocument(doc, { dpi })) page.png.fill(0);
  }
}
