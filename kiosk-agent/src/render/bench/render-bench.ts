/**
 * Render timings: `npm run bench:render [N]` (N renders per type, default 10).
 * For every certificate type at 600 dpi: the first render (cold: pattern, form wording, librsvg and the
 * font loaded on first use), then median/min/max per page over N, PNG bytes per page, and the time to
 * wrap the pages into a PDF (../../printer/png-pdf). Machine-dependent figures; printed, never asserted.
 */
import { pngsToPdf } from '../../printer/png-pdf';
import { renderDocument } from '../index';
import { sampleDocuments } from '../sample';

const N = Number(process.argv[2] ?? 10);
const DPI = 600;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (value: number): string => `${value.toFixed(0)} ms`;

console.log(`${DPI} dpi, ${N} renders per type after the first`);
for (const [type, doc] of Object.entries(sampleDocuments())) {
  let start = performance.now();
  const first = await renderDocument(doc, { dpi: DPI });
  const cold = (performance.now() - start) / first.length;
  const perPage: number[] = [];
  const pdfTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    start = performance.now();
    const pages = await renderDocument(doc, { dpi: DPI });
    perPage.push((performance.now() - start) / pages.length);
    bytes = pages.reduce((sum, p) => sum + p.png.length, 0) / pages.length;
    start = performance.now();
    pngsToPdf(pages.map((p) => p.png));
    pdfTimes.push(performance.now() - start);
  }
  const { widthPx, heightPx } = first[0]!;
  console.log(
    `${type.padEnd(16)} ${widthPx}×${heightPx} ${first.length} page(s): first ${ms(cold)}/page, ` +
      `median ${ms(median(perPage))}/page (min ${ms(Math.min(...perPage))}, max ${ms(Math.max(...perPage))}), ` +
      `PNG ${(bytes / 1024).toFixed(0)} KiB/page, PDF wrap ${median(pdfTimes).toFixed(1)} ms/document`,
  );
}
