import type { DocumentContent, JuminhyoPerson } from 'hq-gateway/api/schemas';
import { formatWareki } from '../era';
import { label, value, type Block, type Row } from '../table';
import type { CertificateLayout } from './layout';

type Juminhyo = Extract<DocumentContent, { type: 'juminhyo' }>;

/** 住民票の写し: 住所 and 世帯主 on every page, then one block a person with the fields asked for. */
export function juminhyoLayout(content: Juminhyo): CertificateLayout {
  const header: Row[] = [{ height: 12, cells: [label('住　所'), value(content.address, 0, true)] }];
  if (content.householder !== null)
    header.push({
      height: 9,
      cells: [label('世帯主'), { kind: 'value', text: content.householder, width: 0 }],
    });
  return {
    title: '住民票の写し',
    certification: content.wholeHousehold
      ? 'この写しは、世帯全員の住民票の原本と相違ないことを証明する。'
      : 'この写しは、住民票の原本と相違ないことを証明する。',
    header: [{ rows: header }],
    blocks: content.persons.map(personBlock),
  };
}

function personBlock(person: JuminhyoPerson): Block {
  const rows: Row[] = [
    {
      height: 15,
      cells: [
        label('氏　名'),
        { kind: 'name', name: person.name, kana: person.nameKana, width: 100 },
        label('性　別', 20),
        value(person.sex === 'male' ? '男' : '女'),
      ],
    },
    {
      height: 9,
      cells:
        person.relationship === null
          ? [label('生年月日'), value(formatWareki(person.birthDate))]
          : [
              label('生年月日'),
              value(formatWareki(person.birthDate), 70),
              label('続　柄', 26),
              value(person.relationship),
            ],
    },
    { height: 9, cells: [label('住民となった年月日'), value(formatWareki(person.becameResidentOn))] },
  ];
  if (person.honseki) {
    rows.push(
      { height: 11, cells: [label('本　籍'), value(person.honseki.address, 0, true)] },
      { height: 9, cells: [label('筆頭者'), value(person.honseki.head)] },
    );
  }
  if (person.myNumber !== null)
    rows.push({ height: 9, cells: [label('個人番号'), value(groupDigits(person.myNumber))] });
  if (person.foreign) {
    const f = person.foreign;
    rows.push(
      {
        height: 9,
        cells: [label('国籍・地域'), value(f.nationality, 60), label('在留資格'), value(f.status)],
      },
      {
        height: 9,
        cells: [
          label('在留期間等の満了の日'),
          value(formatWareki(f.periodEnds), 60),
          label('在留カード等の番号'),
          value(f.cardNumber),
        ],
      },
    );
  }
  return { rows };
}

/** 個人番号 in groups of four, as printed on the card: 1234 5678 9012. */
function groupDigits(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}
