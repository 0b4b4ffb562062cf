import { DENOMINATIONS } from '../payment/payment-device';

/** Coins are round, bills are wide: the buttons look like what they stand for. */
const buttons = DENOMINATIONS.map(
  (yen) =>
    `<button class="money ${yen >= 1000 ? 'bill' : 'coin'}" data-yen="${yen}">¥${yen.toLocaleString('en')}</button>`,
).join('\n  ');

/** Styles of the payment section, inside the panel's <style>. */
export const paymentPanelCss = `
  .money { font-size: 1.2rem; font-weight: 600; margin: .25rem; min-height: 3.5rem; }
  .money.coin { width: 4.2rem; height: 4.2rem; border-radius: 50%; } .money.bill { min-width: 7rem; border-radius: .3rem; }
  .payment-unavailable { color: #b00020; font-weight: 600; }`;

/**
 * The "Coin and bill acceptor" section of the developer panel: one button per coin or bill, the
 * payment in progress, the last change or refund, and the out-of-order toggle. A thin client of
 * /dev/payment; hidden when the acceptor is not the simulated one (404).
 */
export const paymentPanelHtml = `
<section id="payment-section" hidden>
<h2>Coin and bill acceptor</h2>
<p>State: <code id="payment-state">—</code> &nbsp; Due: <code id="payment-due">—</code> &nbsp;
Inserted: <strong id="payment-inserted">¥0</strong> &nbsp; Kept (net): <code id="payment-kept">¥0</code></p>
<p id="payment-buttons">
  ${buttons}
</p>
<p>Last piece: <code id="payment-last-insert">—</code> &nbsp; Last change/refund: <code id="payment-last">—</code></p>
<p><label><input type="checkbox" id="payment-unavailable"> Out of order (unavailable)</label>
&nbsp; Float: <code id="payment-float">—</code></p>
</section>`;

/** Script of the payment section (uses the panel's esc()); polls like the printer section. */
export const paymentPanelScript = `
const yen = (n) => '¥' + Number(n).toLocaleString('en');
const pieces = (list) => list.map((p) => p.count + '×' + p.yen).join(' ') || 'none';
async function refreshPayment() {
  const response = await fetch('/dev/payment');
  const section = document.getElementById('payment-section');
  if (!response.ok) { section.hidden = true; return; }
  const p = await response.json();
  section.hidden = false;
  const state = document.getElementById('payment-state');
  state.textContent = p.state;
  state.className = p.state === 'unavailable' ? 'payment-unavailable' : '';
  document.getElementById('payment-due').textContent = p.dueYen === null ? '—' : yen(p.dueYen);
  document.getElementById('payment-inserted').textContent = yen(p.insertedYen);
  document.getElementById('payment-kept').textContent = yen(p.keptYen);
  document.getElementById('payment-unavailable').checked = p.state === 'unavailable';
  document.getElementById('payment-float').textContent = yen(p.floatYen) + ' (' + pieces(p.float) + ')';
  const last = p.lastDispensed;
  document.getElementById('payment-last').textContent = last ? last.reason + ' ' + yen(last.yen) + ' as ' + pieces(last.pieces) : '—';
}
document.getElementById('payment-buttons').addEventListener('click', async (e) => {
  const value = e.target.dataset && e.target.dataset.yen;
  if (!value) return;
  const response = await fetch('/dev/payment/insert', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yen: Number(value) }) });
  const r = await response.json();
  document.getElementById('payment-last-insert').textContent = yen(value) + (r.accepted ? ' accepted' : ' returned (' + (r.reason ?? r.error?.message ?? 'error') + ')');
  refreshPayment();
});
document.getElementById('payment-unavailable').addEventListener('change', async (e) => {
  await fetch('/dev/payment/fault', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ unavailable: e.target.checked }) });
  refreshPayment();
});
refreshPayment(); setInterval(refreshPayment, 2000);
`;
