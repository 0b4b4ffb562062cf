import { paymentPanelCss, paymentPanelHtml, paymentPanelScript } from './payment-panel-html';

/** The developer panel page: a thin client of the /dev JSON API (simulation mode only). */
export const devPanelHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kiosk developer panel</title>
<style>
  body { font: 16px/1.5 system-ui, 'Noto Sans CJK JP', sans-serif; margin: 2rem; color: #1a1a1a; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  table { border-collapse: collapse; } td, th { padding: .4rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
  button { font: inherit; padding: .3rem .9rem; cursor: pointer; }
  .inserted { background: #e6f4ea; } .locked { color: #b00020; font-weight: 600; }
  .prints { display: flex; flex-wrap: wrap; gap: 1rem; } .prints a { display: block; width: 180px; font-size: .75rem; word-break: break-all; }
  .prints img { width: 180px; border: 1px solid #ccc; }
  code { background: #f3f3f3; padding: 0 .3rem; }${paymentPanelCss}
</style>
</head>
<body>
<h1>Kiosk developer panel <small>(simulation mode)</small></h1>
<p>Virtual card reader, simulated printer and coin/bill acceptor. The same as JSON: <code>GET /dev/cards</code>,
<code>POST /dev/cards/:id/insert</code>, <code>POST /dev/cards/remove</code>, <code>GET /dev/prints</code>,
<code>GET /dev/payment</code>, <code>POST /dev/payment/insert</code>, <code>POST /dev/payment/fault</code>.</p>
<h2>Demo cards</h2>
<table><thead><tr><th>id</th><th>holder</th><th>4-digit PIN</th><th>signature PIN</th><th>tries left</th><th></th></tr></thead>
<tbody id="cards"></tbody></table>
<p><button id="remove">Remove card</button> &nbsp; Store staff code (long-press the kiosk's top-left corner): <code id="staff">—</code></p>
<h2>Simulated printer</h2>
<p>Status: <code id="printer">—</code></p>
<p>
  <button data-fault='{"kind":"jam","atPage":1,"where":"fuser"}'>Jam at the next page</button>
  <button data-fault='{"kind":"paperOut"}'>Paper out</button>
  <button data-fault='{"kind":"coverOpen"}'>Cover open</button>
  <button data-fault='{"kind":"offline"}'>Offline</button>
  <button id="clear">Clear (staff fixed it)</button>
</p>
${paymentPanelHtml}
<h2>Printed pages</h2>
<div class="prints" id="prints"></div>
<script>
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
async function refresh() {
  const { cards, staffCode } = await (await fetch('/dev/cards')).json();
  document.getElementById('staff').textContent = staffCode ?? '—';
  const printer = await (await fetch('/dev/printer')).json();
  document.getElementById('printer').textContent = JSON.stringify(printer.status) + ' paper ' + printer.paper;
  document.getElementById('cards').innerHTML = cards.map((c) =>
    '<tr class="' + (c.inserted ? 'inserted' : '') + '"><td>' + esc(c.id) + '</td><td>' + esc(c.holder) + '</td>' +
    '<td>' + esc(c.pins.userAuth) + '</td><td>' + esc(c.pins.signature ?? '—') + '</td>' +
    '<td class="' + (c.locked.userAuth ? 'locked' : '') + '">' + esc(c.triesLeft.userAuth) + (c.locked.userAuth ? ' (locked)' : '') +
    ' / ' + esc(c.triesLeft.signature ?? '—') + '</td>' +
    '<td><button data-id="' + esc(c.id) + '">' + (c.inserted ? 'inserted' : 'Insert') + '</button></td></tr>').join('');
  const { prints } = await (await fetch('/dev/prints')).json();
  document.getElementById('prints').innerHTML = prints.slice(-12).reverse().map((p) =>
    '<a href="' + esc(p.url) + '" target="_blank"><img loading="lazy" src="' + esc(p.url) + '" alt="">' + esc(p.file) + '</a>').join('');
}
document.getElementById('cards').addEventListener('click', async (e) => {
  const id = e.target.dataset && e.target.dataset.id;
  if (id) { await fetch('/dev/cards/' + encodeURIComponent(id) + '/insert', { method: 'POST' }); refresh(); }
});
document.getElementById('remove').addEventListener('click', async () => {
  await fetch('/dev/cards/remove', { method: 'POST' }); refresh();
});
for (const button of document.querySelectorAll('[data-fault]')) {
  button.addEventListener('click', async () => {
    await fetch('/dev/printer/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: button.dataset.fault });
    refresh();
  });
}
document.getElementById('clear').addEventListener('click', async () => {
  await fetch('/dev/printer/clear', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"refillPaper":true}' });
  refresh();
});
refresh(); setInterval(refresh, 2000);
${paymentPanelScript}</script>
</body>
</html>
`;
