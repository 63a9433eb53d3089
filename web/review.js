/* SPDX-License-Identifier: MIT */
/*
 * 審查廠商回覆: the returned annexes go to /api/review; the page shows each
 * bidder's counts and open points, and the bidder matrix. The same files
 * are sent again for the XLSX, CSV or 審查意見表 downloads; nothing is kept.
 */
'use strict';

(() => {
  const { el, clear, api, save, showError, hideError } = rfp;
  const $ = (id) => document.getElementById(id);
  const ANSWERS = ['符合', '部分符合', '不符合', '不適用'];

  function form(format) {
    const f = new FormData();
    for (const file of $('bids').files) f.append('file', file, file.name);
    const orig = $('original').files[0];
    if (orig) f.append('original', orig, orig.name);
    return { body: f, path: format ? `api/review?format=${encodeURIComponent(format)}` : 'api/review' };
  }

  function bidder(file) {
    return file.replace(/\.(docx|odt)$/i, '');
  }

  /* 系統發展／高, 弱點掃描（B級機關）, or both joined with ＋ (as the CLI says it). */
  function caseText(m) {
    const parts = [];
    if (m.type) parts.push(`${m.type}／${m.level}`);
    if (m.services) parts.push(m.services.split(' ').join('、') + (m.agency_level ? `（${m.agency_level}級機關）` : ''));
    return parts.join('＋') || '—';
  }

  function card(f) {
    const c = f.counts;
    const rows = [
      ...ANSWERS.map((a) => [a, c[a] || 0]),
      ['未答', c.unanswered || 0], ['需求文字遭修改', c.altered || 0], ['列被刪除', c.deleted || 0],
      ['自行增列之列', c.added || 0], ['未說明（不符合、部分符合）', c.no_note || 0], ['未填佐證頁次', c.no_pages || 0],
    ];
    const problems = (f.problems || []).filter((p) => p.blocking);
    const shown = problems.slice(0, 20);
    return el('article', { class: 'card' },
      el('h3', {}, bidder(f.file)),
      el('p', { class: f.complete ? 'ok' : 'alert-title bad' }, f.complete ? '回覆完整' : `回覆不完整：${problems.length} 項待釐清`),
      el('p', { class: 'note' }, `附件：${caseText(f.manifest)}，${f.manifest.items} 項；完整性核對：${f.manifest.digest === 'verified' ? '通過' : f.manifest.digest}`),
      el('table', { class: 'counts' },
        el('caption', { class: 'visually-hidden' }, `${bidder(f.file)} 回覆統計`),
        el('tbody', {}, rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, String(v)))))),
      shown.length ? el('details', {}, el('summary', {}, `待釐清事項（${problems.length}）`),
        el('ul', { class: 'diags' }, shown.map((p) => el('li', {}, p.no ? el('span', { class: 'tag' }, p.no) : null, ' ', p.message))),
        problems.length > shown.length ? el('p', { class: 'note' }, `另有 ${problems.length - shown.length} 項，詳見審查意見表。`) : null) : null);
  }

  function matrix(files) {
    const table = $('matrix-table');
    clear(table.tHead);
    const body = clear(table.tBodies[0]);
    table.tHead.append(el('tr', {}, el('th', { scope: 'col' }, '編號'), el('th', { scope: 'col' }, '識別碼'),
      files.map((f) => el('th', { scope: 'col' }, bidder(f.file)))));
    const order = [];
    const seen = new Set();
    for (const f of files) {
      for (const it of f.items) {
        if (!seen.has(it.id)) {
          seen.add(it.id);
          order.push(it);
        }
      }
    }
    const byFile = files.map((f) => new Map(f.items.map((it) => [it.id, it])));
    for (const it of order) {
      body.append(el('tr', {}, el('th', { scope: 'row' }, it.no), el('td', {}, it.id),
        byFile.map((m) => {
          const x = m.get(it.id);
          const answer = x ? (x.answer || x.reply || '未答') : '—';
          const flagged = !x || !x.reply || (x.flags && x.flags.length);
          return el('td', { class: flagged ? 'flag' : '' }, answer);
        })));
    }
  }

  async function run(e) {
    e.preventDefault();
    hideError($('review-error'));
    if (!$('bids').files.length) {
      $('review-status').textContent = '請先選擇廠商回覆檔。';
      $('bids').focus();
      return;
    }
    $('review-status').textContent = '審查中…';
    const { body, path } = form();
    const answer = await api('POST', path, body);
    if (!answer.ok) {
      $('review-status').textContent = '';
      showError($('review-error'), answer, '無法審查');
      return;
    }
    const files = answer.json.files;
    $('review-status').textContent = `已審查 ${files.length} 份回覆。`;
    const cards = clear($('summary-cards'));
    files.forEach((f) => cards.append(card(f)));
    matrix(files);
    $('summary').hidden = false;
    $('matrix').hidden = false;
    $('summary-h').setAttribute('tabindex', '-1');
    $('summary-h').focus();
  }

  async function download(format) {
    hideError($('review-error'));
    const { body, path } = form(format);
    const answer = await api('POST', path, body);
    if (!answer.ok) {
      showError($('review-error'), answer, '無法下載');
      return;
    }
    save(answer.blob, answer.name);
    $('review-status').textContent = `已下載「${answer.name}」。`;
  }

  document.addEventListener('DOMContentLoaded', () => {
    rfp.version();
    $('review-form').addEventListener('submit', run);
    for (const b of document.querySelectorAll('#summary button[data-format]'))
      b.addEventListener('click', () => download(b.dataset.format));
  });
})();
