/** Times on staff screens are Japan time, whatever the kiosk's clock zone: staff compare them with receipts. */
const JST = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An ISO time as `2026/11/22 19:30` in Japan time. */
export function formatJst(iso: string): string {
  return JST.format(new Date(iso));
}
