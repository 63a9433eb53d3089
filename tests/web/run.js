/* SPDX-License-Identifier: MIT */
/*
 * rfpgen serve's pages in Chromium (playwright-core): an officer's whole
 * session, by keyboard where a person would use it.
 *
 *   - 產生附件: fill the form (type, the 附表九 questionnaire with its level
 *     computed live, conditions, cover fields with a 民國 date), see the
 *     preview (the same count as the API), exclude one item with a reason
 *     (a legal duty offers no exclusion), add one, download DOCX, ODT, PDF
 *     (when the server has LibreOffice) and the agency's document, and open
 *     each file (python-docx, tests/conformance/tools/validate-package, pdftotext);
 *   - upload a broken template and see each error with its position, then a
 *     good one and download with it;
 *   - 審查廠商回覆: upload two returned annexes, see the summary and the
 *     bidder matrix, download the matrix;
 *   - markup typed into a field is shown as text, never run; no console
 *     error, no CSP violation;
 *   - a screenshot of every page and step under BUILDDIR/web-screenshots/,
 *     each checked for tofu (a character drawn as the .notdef box), text
 *     overflowing its box and a page wider than the window; the CJK text is
 *     drawn with Noto Sans CJK (fonts-noto-cjk).
 *
 * Usage: node run.js RFPGEN SRCDIR BUILDDIR (run.sh finds chromium).
 */
'use strict';

const { chromium } = require('playwright-core');
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');

const [RFPGEN, SRC, BUILD] = process.argv.slice(2).map((p) => path.resolve(p));
const SHOTS = path.join(BUILD, 'web-screenshots');
const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'rfpgen-web-'));
let passed = 0;
let failed = 0;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log('ok   ' + name);
  } else {
    failed++;
    console.log('FAIL ' + name + (detail !== undefined ? ' ' + String(typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 1500) : ''));
  }
}

function startServer() {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1764000000', LC_ALL: 'C.UTF-8' };
    const p = spawn(RFPGEN, ['serve', '--listen', '127.0.0.1:0', '--workers', '2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error('rfpgen serve did not start: ' + log)), 60000);
    p.stderr.on('data', (d) => {
      log += d.toString();
      const m = /listening on (http:\/\/[^ ]+\/)/.exec(log);
      if (m && !p.url) {
        p.url = m[1];
        clearTimeout(timer);
        resolve(p);
      }
    });
    p.log = () => log;
    p.on('exit', (code) => { p.code = code; if (!p.url) { clearTimeout(timer); reject(new Error('rfpgen serve exited ' + code + ': ' + log)); } });
  });
}

function postJson(url, body) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': data.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/* Characters drawn as the .notdef box, text outside its box, a page wider than its window. */
async function layout(page, name) {
  const r = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 48;
    canvas.height = 48;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    const family = getComputedStyle(document.body).fontFamily;
    g.font = `32px ${family}`;
    g.textBaseline = 'middle';
    const draw = (ch) => {
      g.clearRect(0, 0, 48, 48);
      g.fillText(ch, 4, 24);
      return g.getImageData(0, 0, 48, 48).data.join(',');
    };
    /* A noncharacter and a private-use one: no font has them. */
    const notdef = new Set([draw('\u{10FFFD}'), draw('\uE000')]);
    const empty = draw(' ');
    let text = document.body.innerText;
    for (const e of document.querySelectorAll('input[type=text], option, button, select')) text += e.value || e.textContent || '';
    const chars = [...new Set([...text])].filter((c) => !/\s/.test(c) && c.codePointAt(0) > 0x20);
    const tofu = chars.filter((c) => { const d = draw(c); return notdef.has(d) && d !== empty; });
    const over = [];
    for (const e of document.querySelectorAll('body *')) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || !e.clientWidth) continue;
      if (['INPUT', 'SELECT', 'TEXTAREA', 'OPTION', 'CANVAS', 'svg'].includes(e.tagName)) continue;
      if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue;
      if (e.closest('.visually-hidden')) continue;
      if (e.scrollWidth > e.clientWidth + 2)
        over.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ')[0] : ''}: ${e.scrollWidth}>${e.clientWidth} "${(e.textContent || '').trim().slice(0, 30)}"`);
    }
    /* Text squeezed into a column a few characters wide. */
    const narrow = [];
    for (const td of document.querySelectorAll('td, th')) {
      const t = (td.textContent || '').trim();
      if (t.length > 24 && td.clientWidth && td.clientWidth < 96 && getComputedStyle(td).display !== 'none')
        narrow.push(`${td.clientWidth}px: "${t.slice(0, 20)}"`);
    }
    return { chars: chars.length, tofu, over, narrow, pageWidth: document.documentElement.scrollWidth, window: window.innerWidth };
  });
  check(`${name}: no tofu among ${r.chars} characters`, r.chars > 20 && r.tofu.length === 0, r.tofu.join(' '));
  check(`${name}: no text overflows its box`, r.over.length === 0, r.over.slice(0, 8));
  check(`${name}: no long text squeezed into a narrow column`, r.narrow.length === 0, r.narrow.slice(0, 5));
  check(`${name}: the page fits the window (${r.pageWidth} ≤ ${r.window})`, r.pageWidth <= r.window, r);
}

async function shot(page, name, opts) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name + '.png');
  if (opts && opts.locator) await page.locator(opts.locator).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: !!(opts && opts.full) });
  check(`screenshot ${path.relative(BUILD, file)}`, fs.statSync(file).size > 1000);
  await layout(page, name);
}

function python(code, ...args) {
  return spawnSync('/usr/bin/python3', ['-c', code, ...args], { encoding: 'utf8' });
}

function docxText(file) {
  const r = python('import docx,sys\nd=docx.Document(sys.argv[1])\nprint("\\n".join(p.text for p in d.paragraphs))\n'
    + 'print("\\n".join(c.text for t in d.tables for row in t.rows for c in row.cells))', file);
  return r.status === 0 ? r.stdout : null;
}

function odtText(file) {
  const r = spawnSync('unzip', ['-p', file, 'content.xml'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout.replace(/<[^>]+>/g, '') : null;
}

function validatePackage(file, what) {
  const tool = path.join(SRC, 'tests', 'conformance', 'tools', 'validate-package');
  const r = spawnSync(tool, [file], { encoding: 'utf8' });
  check(`${what}: validate-package accepts it`, r.status === 0, r.stdout + r.stderr);
}

async function download(page, selector, name) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 180000 }), page.click(selector)]);
  const file = path.join(OUT, name || dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, suggested: dl.suggestedFilename() };
}

async function main() {
  const server = await startServer();
  const base = server.url;
  const browser = await chromium.launch({ executablePath: process.env.RFPGEN_CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ locale: 'zh-TW', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  page.on('dialog', async (d) => { problems.push('dialog: ' + d.message()); await d.dismiss(); });
  try {
    const resp = await page.goto(base);
    const csp = resp.headers()['content-security-policy'] || '';
    check('the page has a CSP without inline script', csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), csp);
    await page.waitForSelector('#items-table tbody tr');
    check('the page is zh-TW', (await page.getAttribute('html', 'lang')) === 'zh-Hant-TW');

    /* The CJK text is drawn with Noto Sans CJK. */
    const cdp = await context.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    check('the heading is drawn with Noto Sans CJK', fonts.some((f) => /Noto Sans CJK/.test(f.familyName)), fonts);
    await shot(page, '01-choose');

    /* Choose, by keyboard: the type, then the questionnaire. */
    await page.focus('#type-development');
    await page.keyboard.press('ArrowRight');	/* → 維運服務 */
    check('arrow keys move between the types', await page.isChecked('#type-operations'));
    await page.focus('input[name="level-mode"][value="level"]');
    await page.keyboard.press('ArrowRight');	/* → 依附表九逐項評估 */
    await page.waitForSelector('#level-impact:not([hidden])');
    check('the questionnaire shows four ratings, three explained levels each',
      (await page.locator('#impact-questions fieldset').count()) === 4 && (await page.locator('#impact-questions .rating-text').count()) === 12);
    await page.focus('#impact-I-0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');	/* 完整性 高 */
    await page.waitForFunction(() => /「高」/.test(document.getElementById('level-result').textContent));
    check('the level is computed as the ratings change', /完整性高/.test(await page.textContent('#level-result')), await page.textContent('#level-result'));
    await shot(page, '02-questionnaire', { locator: '#level-set' });
    await page.focus('#cond-core_system');
    await page.keyboard.press('Space');
    check('a condition by keyboard', await page.isChecked('#cond-core_system'));
    await page.fill('#field-agency', '範例機關<img src=x onerror=alert(1)>');
    await page.fill('#field-project', '範例系統維運案');
    await page.fill('#field-case_no', 'A114-001');
    await page.fill('#field-contact', '王承辦');
    await page.fill('#field-date', '114/5/1');
    check('the 民國 date is read and shown as printed', (await page.textContent('#date-shown')).includes('中華民國114年5月1日'));
    await shot(page, '03-cover', { locator: '#cover-set' });

    /* Preview: what the API says for the same request. */
    const want = await postJson(base + 'api/items', { type: '維運服務', impact: { C: '普', I: '高', A: '普', L: '普' }, conditions: { core_system: true },
      agency: '範例機關<img src=x onerror=alert(1)>', project: '範例系統維運案', fields: { case_no: 'A114-001', contact: '王承辦' }, date: '2025-05-01' });
    await page.waitForFunction((n) => document.querySelectorAll('#items-table tbody tr[data-id]').length === n, want.body.count, { timeout: 20000 });
    check('the preview lists the items the API selects', (await page.locator('#items-table tbody tr[data-id]').count()) === want.body.count, want.body.count);
    check('the summary says type and level', /維運服務／高：共 \d+ 項/.test(await page.textContent('#preview-summary')), await page.textContent('#preview-summary'));
    const legal = want.body.items.find((x) => x.law);
    check('a legal duty has no exclude button', legal && (await page.locator(`tr[data-id="${legal.id}"] button`).count()) === 0 &&
      (await page.locator(`tr[data-id="${legal.id}"] .badge.legal`).count()) === 1, legal && legal.id);

    /* Tailor: exclude 3.2.1 by keyboard, with a reason; add one item. */
    const target = want.body.items.find((x) => x.no === '3.2.1');
    await page.focus(`tr[data-id="${target.id}"] button`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('tr.reason-row input:focus');
    await page.keyboard.type('本案無備援架構之建置<script>alert(2)</script>');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#excluded-list li', { timeout: 20000 }).catch(async (e) => {
      console.log('preview error:', await page.textContent('#preview-error'), await page.textContent('#preview-summary'));
      throw e;
    });
    check('the excluded item leaves the table', (await page.locator(`#items-table tr[data-id="${target.id}"]`).count()) === 0);
    check('and is listed with its reason, as text', (await page.textContent('#excluded-list')).includes('本案無備援架構之建置<script>alert(2)</script>'));
    const cand = want.body.candidates[0];
    await page.selectOption('#include-select', cand.id);
    await page.fill('#include-reason', '機關內規要求');
    await page.focus('#include-reason');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#included-list li');
    check('the added item is listed and in the table', (await page.textContent('#included-list')).includes('機關內規要求') &&
      (await page.locator(`#items-table tr[data-id="${cand.id}"]`).count()) === 1, cand.id);
    await shot(page, '04-preview-tailored', { locator: '#preview' });

    /* Downloads, each opened. */
    const docx = await download(page, 'button[data-doc="annex"][data-format="docx"]', 'annex.docx');
    check('DOCX: named after type and level', docx.suggested === '資安需求附件-維運服務-高.docx', docx.suggested);
    const text = docxText(docx.file);
    check('DOCX: python-docx opens it', text !== null);
    check('DOCX: the agency (as text), 案號 and the exclusion with its reason', text && text.includes('範例機關<img src=x onerror=alert(1)>') &&
      text.includes('A114-001') && text.includes('本案無備援架構之建置') && text.includes('機關內規要求'), text && text.slice(0, 300));
    check('DOCX: the 民國 date', text && text.includes('中華民國114年5月1日'));
    validatePackage(docx.file, 'DOCX');
    const odt = await download(page, 'button[data-doc="annex"][data-format="odt"]', 'annex.odt');
    const otext = odtText(odt.file);
    check('ODT: opens, holds the agency and the reason', otext && otext.includes('範例機關') && otext.includes('本案無備援架構之建置'), odt.suggested);
    validatePackage(odt.file, 'ODT');
    const agency = await download(page, 'button[data-doc="agency"][data-format="docx"]', 'agency.docx');
    const atext = docxText(agency.file);
    check('the agency document: python-docx opens it', atext && agency.suggested.startsWith('機關自行辦理事項檢核表'), agency.suggested);
    if (await page.isDisabled('button[data-format="pdf"]')) {
      console.log('ok   PDF # SKIP: the server has no LibreOffice');
    } else {
      const pdf = await download(page, 'button[data-doc="annex"][data-format="pdf"]', 'annex.pdf');
      const head = fs.readFileSync(pdf.file).subarray(0, 5).toString();
      const t = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf.file, '-'], { encoding: 'utf8' });
      check('PDF: a PDF whose text has the agency and a requirement', head === '%PDF-' && t.status === 0 && t.stdout.includes('範例機關') &&
        t.stdout.replace(/\s/g, '').includes(want.body.items[0].text.replace(/\s/g, '').slice(0, 12)), t.stderr);
    }
    await shot(page, '05-download', { locator: '#download' });

    /* A broken template: every error with its position. */
    const broken = path.join(OUT, 'broken.docx');
    spawnSync('sh', ['-c', 'cd "$1" && zip -q -X -r "$2" "[Content_Types].xml" .', 'sh', path.join(SRC, 'tests/corpus/errors-all-at-once'), broken]);
    await page.setInputFiles('#template-file', broken);
    await page.waitForSelector('#template-result table');
    const rows = await page.locator('#template-result .diag-table').first().locator('tbody tr').allTextContents();
    check('the broken template: its errors, each with part, line and column', rows.length >= 3 &&
      rows.every((r) => /word\/document\.xml 第 \d+ 行第 \d+ 欄/.test(r)) && rows.some((r) => r.includes('RFP-TPL-')), rows);
    check('and it is not used', (await page.textContent('#template-result')).includes('仍使用內建範本'));
    await shot(page, '06-template-errors', { locator: '#template' });
    await page.setInputFiles('#template-file', path.join(SRC, 'examples/agency-template.docx'));
    await page.waitForSelector('#template-result .ok');
    check('a good template: ODT is not offered with a DOCX template', await page.isDisabled('button[data-doc="annex"][data-format="odt"]'));
    const withTpl = await download(page, 'button[data-doc="annex"][data-format="docx"]', 'with-template.docx');
    const ttext = docxText(withTpl.file);
    check('DOCX from the agency template opens and differs from the shipped one', ttext && ttext !== text && ttext.includes('範例機關'));
    await shot(page, '07-template-ok', { locator: '#template' });

    /* Nothing typed ran. */
    check('markup typed in shows as text: no element made of it', (await page.locator('img[src="x"]').count()) === 0);
    check('no console error, CSP violation or dialog', problems.length === 0, problems);
    await shot(page, '08-generate-page', { full: true });

    /* A narrow window: the page still fits. */
    await page.setViewportSize({ width: 420, height: 900 });
    await shot(page, '09-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });

    /* A service annex: 弱點掃描 alone, for a B-level agency, with its scope. */
    await page.goto(base);
    await page.waitForSelector('#service-vuln-scan');
    check('the scope fields of a service are hidden until it is chosen', await page.isHidden('#field-target_ips'));
    await page.check('#type-none');
    check('services only: no level or conditions asked', await page.isHidden('#level-set') && await page.isHidden('#condition-set'));
    await page.focus('#service-vuln-scan');
    await page.keyboard.press('Space');
    check('a service by keyboard', await page.isChecked('#service-vuln-scan'));
    await page.selectOption('#agency-level', 'B');
    check('its scope fields then shown', await page.isVisible('#field-target_ips') && await page.isVisible('#field-target_urls') &&
      await page.isHidden('#field-participants'));
    await page.fill('#field-target_ips', '120');
    await page.fill('#field-agency', '範例機關');
    await page.waitForFunction(() => /弱點掃描（B級機關）：共 \d+ 項/.test(document.getElementById('preview-summary').textContent), null, { timeout: 20000 })
      .catch(() => {});
    const summary = await page.textContent('#preview-summary');
    check('the preview names the service and the agency level', /^弱點掃描（B級機關）：共 \d+ 項/.test(summary), summary);
    const svc = await download(page, 'button[data-doc="annex"][data-format="docx"]', 'service.docx');
    const stext = docxText(svc.file);
    check('service DOCX: the frequency the agency level requires, and the scope', stext &&
      stext.includes('B級機關每年辦理1次') && /標的IP數量\s*120/.test(stext) && !stext.includes('防護需求等級'), (stext || '').slice(0, 400));
    validatePackage(svc.file, 'service DOCX');
    await shot(page, '09b-services', { locator: '#choose' });

    /* Review: two returned annexes. */
    await page.click('a[href="review.html"]');
    await page.waitForSelector('#review-form');
    await shot(page, '10-review');
    const bidA = path.join(OUT, '廠商甲.docx');
    const bidB = path.join(OUT, '廠商乙.docx');
    fs.copyFileSync(docx.file, bidA);
    fs.copyFileSync(docx.file, bidB);
    await page.setInputFiles('#bids', [bidA, bidB]);
    await page.focus('#review-run');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#summary:not([hidden]) .card');
    check('a card per bidder, incomplete (nothing answered)', (await page.locator('#summary-cards .card').count()) === 2 &&
      (await page.textContent('#summary-cards')).includes('回覆不完整'));
    const heads = await page.locator('#matrix-table thead th').allTextContents();
    check('the bidder matrix has a column per bidder', heads.includes('廠商甲') && heads.includes('廠商乙'), heads);
    check('and a row per item', (await page.locator('#matrix-table tbody tr').count()) === want.body.count, want.body.count);
    await shot(page, '11-review-result');
    const xlsx = await download(page, '#summary button[data-format="xlsx"]', 'matrix.xlsx');
    check('the matrix as XLSX', fs.readFileSync(xlsx.file).subarray(0, 2).toString() === 'PK' && xlsx.suggested.endsWith('.xlsx'), xlsx.suggested);
    check('no console error on the review page', problems.length === 0, problems);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => (server.code !== undefined ? r() : server.on('exit', r)));
    check('the server stopped cleanly', server.code === 0, server.log().slice(-500));
    fs.rmSync(OUT, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed (screenshots in ${SHOTS})`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log('FAIL ' + (e.stack || e));
  process.exit(1);
});
