import type { DocumentPayload } from 'hq-gateway/api/schemas';
import type { Block } from '../table';
import { juminhyoLayout } from './juminhyo';
import { kosekiFuhyoLayout, kosekiLayout } from './koseki';
import { sealRegistrationLayout } from './seal-registration';
import { taxIncomeLayout } from './tax-income';

/** A certificate type's page content: what the frame (../frame) prints around it. */
export interface CertificateLayout {
  title: string;
  /** The certification sentence, on the last page. */
  certification: string;
  /** Blocks repeated at the top of every page (住所/世帯主, 本籍/筆頭者). */
  header: Block[];
  /** The blocks that flow over the pages. */
  blocks: Block[];
}

/**
 * The layout of the document's content. Formats every date up front, so a bad date fails the document (RangeError)
 * before a single page is drawn.
 */
export function certificateLayout(doc: Pick<DocumentPayload, 'content' | 'municipality'>): CertificateLayout {
  const { content, municipality } = doc;
  switch (content.type) {
    case 'juminhyo':
      return juminhyoLayout(content);
    case 'sealRegistration':
      return sealRegistrationLayout(content);
    case 'taxIncome':
      return taxIncomeLayout(content, municipality.name, municipality.prefecture);
    case 'koseki':
      return kosekiLayout(content);
    case 'kosekiFuhyo':
      return kosekiFuhyoLayout(content);
  }
}
