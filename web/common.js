/* SPDX-License-Identifier: MIT */
/*
 * Shared by the pages: building elements (text only ever goes in through
 * textContent, so whatever the API returns is shown, never run), calling
 * the API, showing its errors, and 民國 dates.
 */
'use strict';

const rfp = (() => {
  /** el('td', {class: 'x'}, 'text', child, ...): an element; strings become text. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  /* Messages in Chinese: the server answers in the reader's language. */
  const HEADERS = { 'Accept-Language': 'zh-TW' };

  /**
   * Calls the API. body: an object (sent as JSON) or a FormData. Resolves
   * to {ok, status, json} for JSON answers, {ok, status, blob, name, type}
   * for documents; a network failure resolves to a made-up error answer.
   */
  async function api(method, path, body) {
    const opts = { method, headers: { ...HEADERS }, credentials: 'same-origin' };
    if (body instanceof FormData) {
      opts.body = body;
    } else if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      return { ok: false, status: 0, json: { error: { code: 'NETWORK', message: '無法連線至伺服器', hint: '請確認網路連線或聯絡系統管理者' } } };
    }
    const type = res.headers.get('Content-Type') || '';
    if (type.startsWith('application/json')) {
      let json;
      try {
        json = await res.json();
      } catch (e) {
        json = { error: { code: 'RESPONSE', message: '伺服器回應無法解讀' } };
      }
      return { ok: res.ok, status: res.status, json };
    }
    const blob = await res.blob();
    return { ok: res.ok, status: res.status, blob, type, name: fileName(res.headers.get('Content-Disposition')) };
  }

  /* The UTF-8 file name of a Content-Disposition (filename*), else the ASCII one. */
  function fileName(cd) {
    if (!cd) return 'download';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    if (star) {
      try { return decodeURIComponent(star[1]); } catch (e) { /* the plain one */ }
    }
    const plain = /filename="([^"]+)"/i.exec(cd);
    return plain ? plain[1] : 'download';
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  /* "word/document.xml 第 5 行第 41 欄" */
  function position(d) {
    const parts = [];
    if (d.file) parts.push(d.file);
    if (d.part) parts.push(d.part);
    let where = parts.join('：');
    if (d.line) where += ` 第 ${d.line} 行`;
    if (d.line && d.col) where += `第 ${d.col} 欄`;
    return where.trim();
  }

  const SEVERITY = { error: '錯誤', warning: '警告', note: '附註' };

  /** Shows an API error (its code, message and hint, and every diagnostic) in box. */
  function showError(box, answer, title) {
    clear(box);
    const err = (answer && answer.json && answer.json.error) || { code: 'HTTP ' + (answer ? answer.status : '?'), message: '發生錯誤' };
    box.append(el('p', { class: 'alert-title' }, title || '無法完成', '：', err.message, ' ', el('code', {}, `[${err.code}]`)));
    if (err.hint) box.append(el('p', { class: 'hint' }, '提示：', err.hint));
    const diags = (answer && answer.json && answer.json.diagnostics) || [];
    const more = diags.filter((d) => !(d.code === err.code && d.message === err.message));
    if (more.length) {
      box.append(el('ul', { class: 'diags' }, more.map((d) => el('li', {},
        el('span', { class: 'sev sev-' + d.severity }, SEVERITY[d.severity] || d.severity),
        position(d) ? el('span', { class: 'where' }, position(d)) : null,
        d.message, ' ', el('code', {}, `[${d.code}]`),
        d.hint ? el('span', { class: 'hint' }, '提示：', d.hint) : null))));
    }
    box.hidden = false;
  }

  function hideError(box) {
    clear(box);
    box.hidden = true;
  }

  /* ---- 民國 dates ---- */

  /** "2025-05-01" → "中華民國114年5月1日". */
  function rocLong(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    if (!m) return '';
    return `中華民國${Number(m[1]) - 1911}年${Number(m[2])}月${Number(m[3])}日`;
  }

  /** "114-05-01" (any separator or 年月日, full-width digits too) or "2025-05-01" → ISO, or null. */
  function parseDate(text) {
    const s = (text || '').trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
      .replace(/^中華民國/, '').replace(/^民國/, '');
    const m = /^(\d{2,4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
    if (!m) return null;
    let y = Number(m[1]);
    if (m[1].length <= 3) y += 1911;
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
    return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }

  /** Today as 民國 "114-05-01". */
  function todayRoc() {
    const t = new Date();
    return `${t.getFullYear() - 1911}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
  }

  async function version() {
    const v = document.getElementById('version');
    const r = await api('GET', 'healthz');
    if (v && r.ok && r.json) v.textContent = r.json.version;
    return r;
  }

  return { el, clear, api, save, position, showError, hideError, rocLong, parseDate, todayRoc, version, SEVERITY };
})();
