/**
 * Collects what goes on one page — rules and shaded cells (drawn as pixels), texts and small drawings
 * (rasterized as masks, in parallel) — and then draws it all onto a canvas that already holds the
 * anti-copy background.
 */
import { drawMask, fillRect, INK, tintRect, type Canvas, type Mask } from './canvas';
import type { Box } from './layout';
import type { TextSpec } from './text';
import { staticMask, textMask } from './tiles';

/** Shaded label cells: a light tone over the pattern, so the pattern (and the latent word) stays. */
const LABEL_TONE = 200;
const LABEL_AMOUNT = 0.22;

interface Fill {
  box: Box;
  kind: 'ink' | 'tint';
}

interface Layer {
  mask: Promise<Mask>;
  ink: number;
}

export class PageBuilder {
  private readonly fills: Fill[] = [];
  private readonly layers: Layer[] = [];

  private push(mask: Promise<Mask>, ink: number): this {
    // Handled in drawOn; this only keeps an early failure from counting as unhandled meanwhile.
    mask.catch(() => undefined);
    this.layers.push({ mask, ink });
    return this;
  }

  constructor(readonly pxPerMm: number) {}

  /** A line as a thin filled rectangle, centred on the given coordinate (mm). */
  hline(x: number, y: number, width: number, stroke: number): this {
    this.fills.push({ box: { x, y: y - stroke / 2, width, height: stroke }, kind: 'ink' });
    return this;
  }

  vline(x: number, y: number, height: number, stroke: number): this {
    this.fills.push({ box: { x: x - stroke / 2, y, width: stroke, height }, kind: 'ink' });
    return this;
  }

  /** A rectangle outline whose strokes are centred on its edges. */
  frame(box: Box, stroke: number): this {
    this.hline(box.x - stroke / 2, box.y, box.width + stroke, stroke);
    this.hline(box.x - stroke / 2, box.y + box.height, box.width + stroke, stroke);
    this.vline(box.x, box.y, box.height, stroke);
    return this.vline(box.x + box.width, box.y, box.height, stroke);
  }

  shade(box: Box): this {
    this.fills.push({ box, kind: 'tint' });
    return this;
  }

  /** The form's own wording: public, cached across documents. */
  formText(...specs: TextSpec[]): this {
    return specs.length > 0 ? this.push(staticMask(specs, this.pxPerMm), INK) : this;
  }

  /** Text from the document: rendered for this page only, never cached. */
  documentText(...specs: TextSpec[]): this {
    return specs.length > 0 ? this.push(textMask(specs, this.pxPerMm), INK) : this;
  }

  /** A prepared mask (a seal, an impression) in `ink`. */
  mask(mask: Promise<Mask>, ink: number): this {
    return this.push(mask, ink);
  }

  /** Draws everything onto `canvas`: fills first, then every mask in the order added. */
  async drawOn(canvas: Canvas): Promise<void> {
    // Started together above (librsvg runs on the thread pool); a failure rejects the whole page.
    const masks = await Promise.all(this.layers.map((layer) => layer.mask));
    const px = (mm: number): number => Math.round(mm * this.pxPerMm);
    // Shading first, so it never lightens a rule drawn across it.
    for (const pass of ['tint', 'ink'] as const) {
      for (const { box, kind } of this.fills) {
        if (kind !== pass) continue;
        const [x, y] = [px(box.x), px(box.y)];
        // At least one pixel, so a hairline never vanishes at low dpi.
        const width = Math.max(1, px(box.x + box.width) - x);
        const height = Math.max(1, px(box.y + box.height) - y);
        if (kind === 'ink') fillRect(canvas, x, y, width, height, INK);
        else tintRect(canvas, x, y, width, height, LABEL_TONE, LABEL_AMOUNT);
      }
    }
    masks.forEach((mask, i) => drawMask(canvas, mask, this.layers[i]!.ink));
  }
}
