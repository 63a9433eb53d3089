/* SPDX-License-Identifier: MIT */
/*
 * 產生附件: choose (type, level or the 附表九 questionnaire, conditions,
 * cover fields), a live preview of the items as `rfpgen list` has them,
 * tailoring (exclude with a reason, add an item), an agency template
 * checked by /api/inspect, and the downloads. Only the API is used
 * (docs/api.md); nothing is stored in the browser.
 */
'use strict';

(() => {
  const { el, clear, api, save, showError, hideError, rocLong, parseDate, todayRoc } = rfp;
  const $ = (id) => document.getElementById(id);

  const state = {
    types: null,
    excluded: new Map(),	/* id → {reason, no, text} */
    included: new Map(),	/* id → {reason, text} */
    template: null,		/* the File, once inspected without errors */
    templateFormat: null,	/* 'docx' or 'odt' */
    candidates: [],
    seq: 0,
  };

  /* ---- the form ---- */

  function radio(name, value, label, checked, extra) {
    const id = `${name}-${value}`;
    return el('label', { class: 'choice', for: id },
      el('input', { type: 'radio', name, value, id, checked: !!checked }), ' ', label, extra || null);
  }

  function buildForm(t) {
    const types = $('type-choices');
    t.types.forEach((x, i) => types.append(radio('type', x.id, x.name, i === 1)));
    types.append(radio('type', 'none', '僅資安服務（不含系統委外）', false));
    const direct = $('level-direct');
    t.levels.forEach((x, i) => direct.append(radio('level', x.id, x.name, i === 2)));

    $('impact-rule').textContent = t.impact.rule;
    $('impact-note').textContent = t.impact.note;
    const qs = $('impact-questions');
    for (const r of t.impact.ratings) {
      const fs = el('fieldset', { class: 'rating' }, el('legend', {}, `${r.name}（${r.key}）`));
      r.levels.forEach((lv, i) => {
        const id = `impact-${r.key}-${i}`;
        fs.append(el('label', { class: 'rating-choice', for: id },
          el('input', { type: 'radio', name: `impact-${r.key}`, value: lv.level, id, checked: i === 0 }),
          el('span', { class: 'rating-level' }, lv.level),
          el('span', { class: 'rating-text' }, lv.text)));
      });
      qs.append(fs);
    }

    const services = $('service-choices');
    for (const x of t.services) {
      const id = `service-${x.id}`;
      services.append(el('label', { class: 'check', for: id },
        el('input', { type: 'checkbox', id, name: 'service', value: x.id }), ' ', x.name));
    }
    const al = $('agency-level');
    al.append(el('option', { value: '' }, '未指定'));
    for (const a of t.agency_levels) al.append(el('option', { value: a }, `${a} 級`));

    const cond = $('condition-choices');
    for (const c of t.conditions) {
      const id = `cond-${c.key}`;
      if (c.kind === 'amount') {
        cond.append(el('div', { class: 'amount' },
          el('label', { for: id }, c.name),
          el('input', { id, name: c.key, type: 'text', inputmode: 'numeric', placeholder: '例：12,000,000', autocomplete: 'off', 'aria-describedby': `${id}-d` }),
          el('span', { class: 'note', id: `${id}-d` }, c.effect)));
      } else {
        cond.append(el('label', { class: 'check', for: id },
          el('input', { type: 'checkbox', id, name: c.key }), ' ', c.name,
          el('span', { class: 'note' }, c.effect)));
      }
    }

    const cover = $('cover-fields');
    for (const f of t.fields) {
      const id = `field-${f.key}`;
      if (f.key === 'date') {
        cover.append(el('div', { class: 'field' },
          el('label', { for: id }, f.name),
          el('input', { id, name: 'date', type: 'text', value: todayRoc(), autocomplete: 'off', 'aria-describedby': 'date-shown' }),
          el('span', { id: 'date-shown', class: 'note', 'aria-live': 'polite' })));
      } else {
        /* A service's scope shows only when one of its services is chosen. */
        cover.append(el('div', { class: 'field', 'data-services': f.services || null, hidden: !!f.services },
          el('label', { for: id }, f.name),
          el('input', { id, name: f.key, 'data-in': f.in, type: 'text', maxlength: 500, autocomplete: 'off' })));
      }
    }

    const pdf = t.formats.find((f) => f.id === 'pdf');
    if (!pdf || !pdf.available) {
      document.querySelector('button[data-format="pdf"]').disabled = true;
      $('pdf-note').textContent = '此伺服器未安裝 LibreOffice，暫無法產生 PDF；請下載 DOCX 或 ODT 後自行轉存。';
      $('pdf-note').hidden = false;
    }
  }

  function value(name) {
    const e = document.querySelector(`[name="${name}"]:checked`);
    return e ? e.value : null;
  }

  /* The 附表九 level: the highest of the four ratings. */
  function impactLevel() {
    const order = ['普', '中', '高'];
    let best = 0;
    const ratings = {};
    for (const r of state.types.impact.ratings) {
      const v = value(`impact-${r.key}`) || '普';
      ratings[r.key] = v;
      best = Math.max(best, order.indexOf(v));
    }
    return { ratings, level: order[best] };
  }

  function chosenServices() {
    return [...document.querySelectorAll('input[name="service"]:checked')].map((e) => e.value);
  }

  /* A cover field of a service is asked for when that service is chosen. */
  function shown(f) {
    if (!f.services) return true;
    const chosen = chosenServices();
    return f.services.split(' ').some((x) => chosen.includes(x));
  }

  function showLevel() {
    const servicesOnly = value('type') === 'none';
    $('level-set').hidden = servicesOnly;
    $('condition-set').hidden = servicesOnly;
    for (const f of state.types.fields)
      if (f.services) $(`field-${f.key}`).closest('.field').hidden = !shown(f);
    const mode = value('level-mode');
    $('level-direct').hidden = mode !== 'level';
    $('level-impact').hidden = mode !== 'impact';
    if (mode === 'impact') {
      const { ratings, level } = impactLevel();
      const parts = state.types.impact.ratings.map((r) => `${r.name}${ratings[r.key]}`);
      $('level-result').textContent = `評估結果：防護需求等級「${level}」（${parts.join('、')}，取最高者）`;
    } else {
      const lv = state.types.levels.find((l) => l.id === value('level'));
      $('level-result').textContent = `防護需求等級：${lv ? lv.name : ''}`;
    }
  }

  function showDate() {
    const input = $('field-date');
    const iso = parseDate(input.value);
    const shown = $('date-shown');
    if (!input.value.trim()) {
      shown.textContent = '未填：以今日為日期';
      input.removeAttribute('aria-invalid');
    } else if (iso) {
      shown.textContent = `文件列印為：${rocLong(iso)}`;
      input.removeAttribute('aria-invalid');
    } else {
      shown.textContent = '日期無法辨識，請寫成 114-05-01 或 中華民國114年5月1日';
      input.setAttribute('aria-invalid', 'true');
    }
    return iso;
  }

  /** The request of docs/api.md, from the form and the tailoring. */
  function request() {
    const req = {};
    const servicesOnly = value('type') === 'none';
    if (!servicesOnly) {
      req.type = value('type');
      if (value('level-mode') === 'impact') req.impact = impactLevel().ratings;
      else req.level = value('level');
    }
    const services = chosenServices();
    if (services.length) req.services = services;
    if (services.length && $('agency-level').value) req.agency_level = $('agency-level').value;
    const conditions = {};
    for (const c of servicesOnly ? [] : state.types.conditions) {
      const e = $(`cond-${c.key}`);
      if (c.kind === 'amount') {
        const v = e.value.replace(/[,\s]/g, '').replace(/^NT\$/i, '');
        if (v) conditions[c.key] = v;
      } else if (e.checked) {
        conditions[c.key] = true;
      }
    }
    if (Object.keys(conditions).length) req.conditions = conditions;
    const fields = {};
    for (const f of state.types.fields) {
      if (f.key === 'date' || !shown(f)) continue;
      const v = $(`field-${f.key}`).value.trim();
      if (!v) continue;
      if (f.in === 'fields') fields[f.key] = v;
      else req[f.key] = v;
    }
    if (Object.keys(fields).length) req.fields = fields;
    const iso = showDate();
    if (iso) req.date = iso;
    if (state.excluded.size) req.exclude = [...state.excluded].map(([id, x]) => ({ id, reason: x.reason }));
    if (state.included.size) req.include = [...state.included].map(([id, x]) => (x.reason ? { id, reason: x.reason } : { id }));
    return req;
  }

  /* ---- the preview ---- */

  let timer = null;
  function schedule() {
    showLevel();
    showDate();
    clearTimeout(timer);
    timer = setTimeout(preview, 200);
  }

  async function preview() {
    const seq = ++state.seq;
    const answer = await api('POST', 'api/items', request());
    if (seq !== state.seq) return;	/* a newer preview is on its way */
    if (!answer.ok) {
      showError($('preview-error'), answer, '無法預覽');
      $('preview-summary').textContent = '請修正上列問題後再預覽。';
      return;
    }
    hideError($('preview-error'));
    renderItems(answer.json);
  }

  function renderItems(sel) {
    /* A reason being typed survives a new preview. */
    const open = $('items-table').querySelector('tr.reason-row');
    const keep = open ? { id: open.dataset.for, value: open.querySelector('input').value,
      focused: document.activeElement === open.querySelector('input') } : null;
    const body = clear($('items-table').tBodies[0]);
    let reopen = null;
    const legal = sel.items.filter((x) => x.law).length;
    const sv = sel.selection.services ? sel.selection.services.split(' ').join('、') +
      (sel.selection.agency_level ? `（${sel.selection.agency_level}級機關）` : '') : '';
    const what = [sel.selection.type ? `${sel.selection.type}／${sel.selection.level}` : '', sv].filter((x) => x).join('＋');
    $('preview-summary').textContent = `${what}：共 ${sel.count} 項（法定 ${legal} 項，排除 ${sel.excluded.length} 項，增列 ${sel.items.filter((x) => x.tailoring === 'included').length} 項）`;
    let family = null;
    for (const it of sel.items) {
      if (it.family !== family) {
        family = it.family;
        body.append(el('tr', { class: 'family' }, el('th', { colspan: 5, scope: 'colgroup' }, family)));
      }
      const act = el('td', { class: 'c-act' });
      if (it.law) {
        act.append(el('span', { class: 'badge legal', title: `${it.law}：不得排除` }, '法定'));
      } else if (it.tailoring === 'included') {
        act.append(el('span', { class: 'badge added' }, '增列'));
      } else {
        act.append(el('button', { type: 'button', class: 'small', 'aria-label': `排除 ${it.no}`, onclick: () => askReason(it, row) }, '排除…'));
      }
      const row = el('tr', { 'data-id': it.id },
        el('td', { class: 'c-no' }, it.no),
        el('td', { class: 'c-level' }, it.min_level),
        el('td', { class: 'c-measure' }, it.measure),
        el('td', {}, it.text, it.law ? el('span', { class: 'law' }, `依據：${it.law}`) : null),
        act);
      body.append(row);
      if (keep && keep.id === it.id && !it.law && it.tailoring !== 'included')
        reopen = () => askReason(it, row, keep.value, keep.focused);
    }
    if (reopen) reopen();
    renderTailoring(sel);
  }

  /* Asks for the reason to exclude it, in a row under it. */
  function askReason(it, row, value, focus) {
    const next = row.nextElementSibling;
    if (next && next.classList.contains('reason-row')) {
      next.querySelector('input').focus();
      return;
    }
    /* One reason asked at a time. */
    for (const other of $('items-table').querySelectorAll('tr.reason-row')) other.remove();
    const id = `reason-${it.id.replace(/[^A-Za-z0-9]/g, '-')}`;
    const input = el('input', { id, type: 'text', maxlength: 500, required: true });
    if (value) input.value = value;
    const done = (ok) => {
      const reason = input.value.trim();
      if (ok && !reason) {
        input.setAttribute('aria-invalid', 'true');
        msg.textContent = '請填寫排除理由。';
        input.focus();
        return;
      }
      r.remove();
      if (ok) {
        state.excluded.set(it.id, { reason, no: it.no, text: it.text });
        schedule();
        $('excluded-h').focus();
      } else {
        row.querySelector('button').focus();
      }
    };
    const msg = el('span', { class: 'note', 'aria-live': 'polite' });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); done(true); }
      if (e.key === 'Escape') { e.preventDefault(); done(false); }
    });
    const r = el('tr', { class: 'reason-row', 'data-for': it.id }, el('td', { colspan: 5 },
      el('label', { for: id }, `排除 ${it.no} 之理由`), input,
      el('button', { type: 'button', class: 'small primary', onclick: () => done(true) }, '確認排除'),
      el('button', { type: 'button', class: 'small', onclick: () => done(false) }, '取消'), msg));
    row.after(r);
    if (focus !== false) input.focus();
  }

  function renderTailoring(sel) {
    const ex = clear($('excluded-list'));
    for (const x of sel.excluded) {
      ex.append(el('li', {}, el('span', { class: 'tag' }, x.no || x.id), ' ', x.text,
        el('span', { class: 'reason' }, `理由：${x.reason}`),
        el('button', { type: 'button', class: 'small', 'aria-label': `復原 ${x.no || x.id}`, onclick: () => { state.excluded.delete(x.id); schedule(); } }, '復原')));
    }
    $('excluded-empty').hidden = sel.excluded.length > 0;
    const inc = clear($('included-list'));
    for (const x of sel.items.filter((i) => i.tailoring === 'included')) {
      inc.append(el('li', {}, el('span', { class: 'tag' }, x.no), ' ', x.text,
        x.reason ? el('span', { class: 'reason' }, `理由：${x.reason}`) : null,
        el('button', { type: 'button', class: 'small', 'aria-label': `移除增列 ${x.no}`, onclick: () => { state.included.delete(x.id); schedule(); } }, '移除')));
    }
    /* Keep the choice if it is still offered. */
    const select = $('include-select');
    const keep = select.value;
    clear(select);
    select.append(el('option', { value: '' }, `請選擇（可增列 ${sel.candidates.length} 項）`));
    for (const c of sel.candidates) {
      const text = c.text.length > 60 ? c.text.slice(0, 60) + '…' : c.text;
      select.append(el('option', { value: c.id }, `${c.id}（${c.measure}，${c.min_level}，${c.types}）${text}`));
    }
    select.value = sel.candidates.some((c) => c.id === keep) ? keep : '';
  }

  function addInclude() {
    const id = $('include-select').value;
    if (!id) {
      $('include-select').focus();
      return;
    }
    state.included.set(id, { reason: $('include-reason').value.trim() });
    $('include-reason').value = '';
    schedule();
  }

  /* ---- the template ---- */

  async function inspect() {
    const file = $('template-file').files[0];
    const out = clear($('template-result'));
    state.template = null;
    state.templateFormat = null;
    $('template-clear').hidden = !file;
    if (!file) {
      formatButtons();
      return;
    }
    out.append(el('p', { class: 'result' }, `檢查「${file.name}」中…`));
    const form = new FormData();
    form.append('template', file, file.name);
    const answer = await api('POST', 'api/inspect', form);
    clear(out);
    if (!answer.ok) {
      const box = el('div', { class: 'alert' });
      out.append(box);
      showError(box, answer, `無法讀取「${file.name}」`);
      formatButtons();
      return;
    }
    const r = answer.json;
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    const tags = r.tags || [];
    if (r.ok) {
      state.template = file;
      state.templateFormat = /\.(odt|ott|fodt)$/i.test(file.name) ? 'odt' : 'docx';
      out.append(el('p', { class: 'ok' }, `範本「${file.name}」檢查通過：${tags.length} 個標籤，下載時將使用此範本。`));
    } else {
      out.append(el('p', { class: 'alert-title bad' }, `範本「${file.name}」有 ${errors.length} 個錯誤，修正後請重新上傳；在此之前下載仍使用內建範本。`));
    }
    if (r.diagnostics.length) {
      out.append(el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': '範本檢查結果' },
        el('table', { class: 'diag-table' },
          el('caption', {}, '檢查結果'),
          el('thead', {}, el('tr', {}, ['類別', '位置', '訊息', '提示'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, r.diagnostics.map((d) => el('tr', { class: 'sev-' + d.severity },
            el('td', {}, rfp.SEVERITY[d.severity] || d.severity),
            el('td', { class: 'where' }, rfp.position(d) || '（整個範本）'),
            el('td', {}, d.message, ' ', el('code', {}, `[${d.code}]`)),
            el('td', {}, d.hint || '')))))));
    }
    if (tags.length) {
      out.append(el('details', {}, el('summary', {}, `範本中之標籤（${tags.length}）`),
        el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': '範本中之標籤' },
          el('table', { class: 'diag-table' },
            el('thead', {}, el('tr', {}, ['位置', '標籤', '作用'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, tags.map((t) => el('tr', { class: t.ok ? '' : 'sev-error' },
              el('td', { class: 'where' }, `${t.part} 第 ${t.line} 行第 ${t.col} 欄（第 ${t.paragraph} 段）`),
              el('td', {}, el('code', {}, t.tag)),
              el('td', {}, t.does))))))));
    }
    formatButtons();
  }

  /* A template fixes the format: the other one is not offered. */
  function formatButtons() {
    const pdfOk = state.types.formats.some((f) => f.id === 'pdf' && f.available);
    for (const b of document.querySelectorAll('#download button[data-format]')) {
      const f = b.dataset.format;
      b.disabled = (f === 'pdf' && !pdfOk) || (state.templateFormat && f !== 'pdf' && f !== state.templateFormat);
    }
  }

  /* ---- downloads ---- */

  async function download(button) {
    const doc = button.dataset.doc;
    const format = button.dataset.format;
    const req = request();
    req.format = format;
    const path = doc === 'agency' ? 'api/agency-checklist' : 'api/annex';
    let body = req;
    if (state.template) {
      body = new FormData();
      body.append('request', new Blob([JSON.stringify(req)], { type: 'application/json' }), 'request.json');
      body.append('template', state.template, state.template.name);
    }
    hideError($('download-error'));
    $('download-status').textContent = format === 'pdf' ? '產生 PDF 中，約需數秒…' : '產生中…';
    for (const b of document.querySelectorAll('#download button')) b.setAttribute('aria-busy', 'true');
    const answer = await api('POST', path, body);
    for (const b of document.querySelectorAll('#download button')) b.removeAttribute('aria-busy');
    if (!answer.ok) {
      $('download-status').textContent = '';
      showError($('download-error'), answer, '無法產生文件');
      return;
    }
    save(answer.blob, answer.name);
    $('download-status').textContent = `已下載「${answer.name}」（${Math.round(answer.blob.size / 1024)} KB）。`;
  }

  /* ---- start ---- */

  async function start() {
    rfp.version();
    const answer = await api('GET', 'api/types');
    if (!answer.ok) {
      showError($('load-error'), answer, '無法載入選項');
      return;
    }
    state.types = answer.json;
    buildForm(state.types);
    const form = $('request-form');
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    form.addEventListener('submit', (e) => e.preventDefault());
    $('include-add').addEventListener('click', addInclude);
    $('include-reason').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); addInclude(); } });
    $('template-file').addEventListener('change', inspect);
    $('template-clear').addEventListener('click', () => { $('template-file').value = ''; inspect(); });
    for (const b of document.querySelectorAll('#download button[data-format]'))
      b.addEventListener('click', () => download(b));
    $('excluded-h').setAttribute('tabindex', '-1');
    formatButtons();
    schedule();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
