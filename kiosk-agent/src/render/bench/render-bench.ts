/**
 * Render timings: `npx tsx kiosk-agent/src/render/bench/render-bench.ts [N]`.
 * Prints the first (cold) render, then the median per page over N renders at 300 and 600 dpi.
 */
import { renderDocument } from '../juminhyo';
import { sampleDocument } from '../sample';

const N = Number(process.argv[2] ?? 10);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

for (const dpi of [300, 600]) {
  for (const persons of [3, 6]) {
    const doc = sampleDocument(persons);
    let start = performance.now();
    const first = await renderDocument(doc, { dpi });
    const cold = (performance.now() - start) / first.length;
    const perPage: number[] = [];
    let bytes = 0;
    for (let i = 0; i < N; i++) {
      start = performance.now();
      const pages = await renderDocument(doc, { dpi });
      perPage.push((performance.now() - start) / pages.length);
      bytes = pages.reduce((sum, p) => sum + p.png.length, 0) / pages.length;
    }
    const { widthPx, heightPx } = first[0]!;
    console.log(
      `${dpi} dpi ${widthPx}×${heightPx}, ${persons} persons (${first.length} page${first.length > 1 ? 's' : ''}): ` +
        `median ${median(perPage).toFixed(0)} ms/page over ${N} (min ${Math.min(...perPage).toFixed(0)}, ` +
        `max ${Math.max(...perPage).toFixed(0)}), first ${cold.toFixed(0)} ms/page, PNG ${(bytes / 1024).toFixed(0)} KiB/page`,
    );
  }
}
