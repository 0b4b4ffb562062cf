import type { AlertKind, TerminalState } from '../../../src/fleet/ops-schemas';

/** Japanese first, English as a subtitle. */
export interface Label {
  ja: string;
  en: string;
}

export const STATE_LABELS: Record<TerminalState, Label> = {
  online: { ja: '稼働中', en: 'Online' },
  offline: { ja: '通信断', en: 'Offline' },
  jam: { ja: '紙詰まり', en: 'Paper jam' },
  paperOut: { ja: '用紙切れ', en: 'Paper out' },
  error: { ja: '異常', en: 'Error' },
};

export const ALERT_LABELS: Record<AlertKind, Label> = {
  offline: { ja: '通信断 (60秒超)', en: 'Offline > 60 s' },
  jam: { ja: '紙詰まり (5分超)', en: 'Jam > 5 min' },
  paperOut: { ja: '用紙切れ', en: 'Paper out' },
  authFailures: { ja: '認証失敗の多発', en: 'Repeated auth failures' },
  readerUnavailable: { ja: 'カードリーダー使用不可', en: 'Card reader unavailable' },
  refundOwed: { ja: '未払いの返金 (24時間超)', en: 'Refund unpaid > 24 h' },
};

export const STATES = Object.keys(STATE_LABELS) as TerminalState[];

const timeFormat = new Intl.DateTimeFormat('ja-JP', {
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTime(iso: string | null): string {
  return iso ? timeFormat.format(new Date(iso)) : '—';
}
