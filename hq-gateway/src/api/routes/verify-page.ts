import type { RequestHandler } from 'express';

/**
 * GET /verify: a small public page where a scanned seal text is pasted and checked against /v1/verify.
 * No framework and no inline code: the script and the style are separate files, so the content security
 * policy can forbid everything else.
 */

const HTML = `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>証明書の確認 / Certificate check</title>
<link rel="stylesheet" href="/verify.css">
<script src="/verify.js" defer></script>
</head>
<body>
<main>
<h1>証明書の確認 <span lang="en">Certificate check</span></h1>
<p>証明書のQRコードを読み取った文字列を貼り付けてください。
<span lang="en">Paste the text read from the certificate's QR code.</span></p>
<form id="form">
<label for="seal">QRコードの文字列 <span lang="en">QR code text</span></label>
<textarea id="seal" name="seal" rows="5" required maxlength="1200" autocomplete="off" spellcheck="false"
 aria-describedby="hint"></textarea>
<p id="hint">JPKS1. で始まる文字列 <span lang="en">Text starting with JPKS1.</span></p>
<button type="submit">確認する <span lang="en">Check</span></button>
</form>
<section id="verdict" role="status" aria-live="polite" aria-atomic="true" hidden>
<p id="verdict-ja" class="verdict-ja"></p>
<p id="verdict-en" class="verdict-en" lang="en"></p>
<dl id="fields" hidden>
<dt>証明書番号 <span lang="en">Serial</span></dt><dd id="f-serial"></dd>
<dt>交付日 <span lang="en">Issued</span></dt><dd id="f-date"></dd>
</dl>
</section>
</main>
</body>
</html>
`;

const SCRIPT = `'use strict';
const VERDICTS = {
  valid: ['有効', 'Valid: issued by HQ and not voided.'],
  void: ['無効(失効)', 'Void: this copy was voided (spoiled and reprinted).'],
  forged: ['偽造の疑い', 'Suspected forgery: the seal does not check out.'],
  error: ['確認できませんでした', 'Could not check: please try again.'],
  busy: ['確認の回数が多すぎます。1分ほど待ってからお試しください', 'Too many checks from this network: try again in a minute.'],
};
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('form');
  const input = document.getElementById('seal');
  const box = document.getElementById('verdict');
  const show = (kind, fields) => {
    const [ja, en] = VERDICTS[kind];
    box.className = 'verdict ' + kind;
    document.getElementById('verdict-ja').textContent = ja;
    document.getElementById('verdict-en').textContent = en;
    const list = document.getElementById('fields');
    list.hidden = !fields;
    if (fields) {
      document.getElementById('f-serial').textContent = fields.s;
      document.getElementById('f-date').textContent = fields.d;
    }
    box.hidden = false;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const seal = input.value.trim();
    if (!seal) return;
    try {
      const response = await fetch('/v1/verify?seal=' + encodeURIComponent(seal));
      if (response.status === 400) return show('forged', null);
      if (response.status === 429) return show('busy', null);
      if (!response.ok) return show('error', null);
      const body = await response.json();
      show(body.result in VERDICTS ? body.result : 'error', body.fields);
    } catch {
      show('error', null);
    }
  });
});
`;

const STYLE = `body { font-family: sans-serif; margin: 0; padding: 1.5rem; color: #111; background: #fff; }
main { max-width: 40rem; margin: 0 auto; }
label { display: block; font-weight: bold; margin-bottom: 0.5rem; }
textarea { width: 100%; box-sizing: border-box; font: 1rem monospace; padding: 0.5rem; }
button { font-size: 1.25rem; padding: 0.75rem 1.5rem; margin-top: 0.5rem; }
.verdict { margin-top: 1.5rem; padding: 1rem; border: 4px solid; }
.verdict-ja { font-size: 3rem; font-weight: bold; margin: 0; }
.verdict-en { font-size: 1.5rem; margin: 0.5rem 0 0; }
.valid { border-color: #0a6b2d; color: #0a6b2d; }
.void, .error, .busy { border-color: #8a5300; color: #8a5300; }
.forged { border-color: #b00020; color: #b00020; }
`;

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

function serve(type: string, text: string): RequestHandler {
  return (_req, res) => {
    res.set('content-security-policy', CSP).set('x-content-type-options', 'nosniff').type(type).send(text);
  };
}

export const verifyPage = serve('text/html; charset=utf-8', HTML);
export const verifyScript = serve('text/javascript; charset=utf-8', SCRIPT);
export const verifyStyle = serve('text/css; charset=utf-8', STYLE);
