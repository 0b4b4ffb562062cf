import { KioskError } from '../errors';
import { pngsToPdf, UnsupportedPng } from './png-pdf';
import type { PrintJob } from './printer';

export type IppDocumentFormat = 'application/pdf' | 'image/png';

/** One document sent with a Print-Job. */
export interface IppDocument {
  data: Buffer;
  format: IppDocumentFormat;
  /** Pages of the print job this document holds. */
  pages: number;
  name: string;
}

export interface IppDocumentOptions {
  /** See IppPrinterOptions.documentFormat. */
  documentFormat: 'auto' | IppDocumentFormat;
  /** Resolution assumed for PNGs without a recorded density. */
  defaultDpi: number;
  /** For error messages. */
  printerName: string;
  /** Whether the printer takes a document format. */
  supports: (format: string) => boolean;
}

/** The job as IPP documents: one PDF, or one PNG per page. */
export function ippDocuments(job: PrintJob, options: IppDocumentOptions): IppDocument[] {
  const format = chooseFormat(options);
  if (format === 'application/pdf') {
    try {
      const data = pngsToPdf(
        job.pages.map((page) => page.png),
        { defaultDpi: options.defaultDpi },
      );
      return [{ data, format, pages: job.pages.length, name: job.jobId }];
    } catch (error) {
      if (!(error instanceof UnsupportedPng)) throw error;
      if (options.documentFormat === 'application/pdf' || !options.supports('image/png')) {
        throw new KioskError('PRINTER_FAILED', `job ${job.jobId}: ${error.message}`, { cause: error });
      }
    }
  }
  return job.pages.map((page, index) => ({
    data: page.png,
    format: 'image/png',
    pages: 1,
    name: job.pages.length > 1 ? `${job.jobId} p${index + 1}` : job.jobId,
  }));
}

function chooseFormat(options: IppDocumentOptions): IppDocumentFormat {
  if (options.documentFormat !== 'auto') return options.documentFormat;
  if (options.supports('application/pdf')) return 'application/pdf';
  if (options.supports('image/png')) return 'image/png';
  throw new KioskError('PRINTER_FAILED', `${options.printerName} takes neither PDF nor PNG`);
}
