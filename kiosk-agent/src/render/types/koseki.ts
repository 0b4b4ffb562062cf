import type { DocumentContent } from 'hq-gateway/api/schemas';
import { formatWareki } from '../era';
import { IDEOGRAPHIC_SPACE } from '../frame';
import { label, value, type Block, type Row } from '../table';
import type { CertificateLayout } from './layout';

type Koseki = Extract<DocumentContent, { type: 'koseki' }>;
type KosekiFuhyo = Extract<DocumentContent, { type: 'kosekiFuhyo' }>;

/** 本籍 and 筆頭者 (its 氏名), at the top of every page of a 戸籍 certificate. */
function kosekiHeader(honseki: string, head: string, headLabel: string): Block[] {
  return [
    {
      rows: [
        { height: 11, cells: [label('本　籍'), value(honseki, 0, true)] },
        { height: 10, cells: [label(headLabel), { kind: 'value', text: head, width: 0, size: 4.4 }] },
      ],
    },
  ];
}

/**
 * 戸籍全部事項証明書 / 戸籍個人事項証明書: each person recorded (戸籍に記録されている者) with their
 * particulars and their 身分事項 (出生, 婚姻, …) one line each.
 */
export function kosekiLayout(content: Koseki): CertificateLayout {
  const all = content.scope === 'all';
  return {
    title: all ? '戸籍全部事項証明書' : '戸籍個人事項証明書',
    certification: all
      ? 'これは、戸籍に記録されている事項の全部を証明した書面である。'
      : 'これは、戸籍中の一部の者について記録されている事項を証明した書面である。',
    header: kosekiHeader(content.honseki, content.head, '氏　名'),
    blocks: content.persons.map((person) => {
      const rows: Row[] = [
        {
          height: 11,
          cells: [
            label('戸籍に記録されている者', 45),
            { kind: 'value', text: person.name, width: 0, size: 4.4 },
          ],
        },
        {
          height: 8,
          cells: [
            label('生年月日'),
            value(formatWareki(person.birthDate), 60),
            label('性　別'),
            value(sexText(person.sex)),
          ],
        },
        { height: 8, cells: [label('父'), value(person.father, 60), label('母'), value(person.mother)] },
        { height: 8, cells: [label('続　柄'), value(person.relationship)] },
      ];
      for (const event of person.events) {
        rows.push({
          height: 9,
          cells: [
            { kind: 'label', text: event.kind, width: 30, fromDocument: true },
            value(
              `【${event.kind}日】${formatWareki(event.date)}${IDEOGRAPHIC_SPACE}${event.detail}`,
              0,
              true,
            ),
          ],
        });
      }
      return { rows };
    }),
  };
}

/** 戸籍の附票の写し: each person's addresses (住所) since they were recorded, oldest first. */
export function kosekiFuhyoLayout(content: KosekiFuhyo): CertificateLayout {
  return {
    title: '戸籍の附票の写し',
    certification: 'この写しは、戸籍の附票の原本と相違ないことを証明する。',
    header: kosekiHeader(content.honseki, content.head, '筆頭者'),
    blocks: content.persons.map((person) => ({
      rows: [
        {
          height: 11,
          cells: [
            label('氏　名'),
            { kind: 'value', text: person.name, width: 70, size: 4.4 },
            label('生年月日', 25),
            value(formatWareki(person.birthDate)),
          ],
        },
        ...person.addresses.map((address): Row => ({
          height: 10,
          cells: [
            label('住　所', 25),
            value(address.address, 92, true),
            label('住所を定めた日', 26),
            value(formatWareki(address.from)),
          ],
        })),
      ],
    })),
  };
}

function sexText(sex: 'male' | 'female'): string {
  return sex === 'male' ? '男' : '女';
}
