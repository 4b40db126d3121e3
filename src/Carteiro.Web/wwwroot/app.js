// Carteiro web app. Plain ES2022, no dependencies, CSP-safe: all user data goes in through
// textContent / createElement, never innerHTML.

const PAGE_SIZE = 50;
const SPECIAL_FOLDERS = ['Inbox', 'Sent', 'Trash'];
const NARROW = window.matchMedia('(max-width: 700px)');

const $ = (id) => document.getElementById(id);

const state = {
  csrf: null,
  user: null,
  admin: false,
  server: null,
  folders: [],
  folder: 'Inbox',
  search: null,            // query string while showing search results
  items: [],               // summaries in the list, in display order
  rows: new Map(),         // id -> <li>
  next: null,              // uid for the next page (folders) or offset (search)
  hasMore: false,
  loading: false,
  listGen: 0,              // bumps on every list switch; stale answers are dropped
  selectedId: null,        // keyboard cursor in the list
  open: null,              // the message shown in the reading pane
  openGen: 0,
  events: null,
  helloSeen: false,
  who: new Map(),          // name -> {name, sessions, since}
  compose: null,           // {clientId, replyTo, carried: [{id, index, name, type, size}]}
  pendingG: 0,
};

// ---------------------------------------------------------------------------------------------
// HTTP

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.code = problem?.code;
    this.problem = problem;
  }
}

async function api(method, path, body, { quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-Carteiro-Csrf'] = state.csrf;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, { detail: 'The server cannot be reached. Check your connection and try again.' });
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    let problem = data;
    if (!problem || typeof problem !== 'object') problem = { detail: `${res.status} ${res.statusText || 'error'}`.trim() };
    if (res.status === 429 && !problem.detail) {
      const after = res.headers.get('Retry-After');
      problem.detail = `Too many attempts. Try again${after ? ` in ${after} s` : ' later'}.`;
    }
    const err = new ApiError(res.status, problem);
    if (res.status === 401 && !quiet401 && state.user) sessionLost();
    throw err;
  }
  return data;
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// Status and announcements

let statusTimer = 0;
function setStatus(text, { error = false, sticky = false } = {}) {
  const el = $('status');
  clearTimeout(statusTimer);
  el.textContent = text || '';
  el.classList.toggle('error', !!error);
  el.classList.toggle('shown', !!text);
  if (text && !error && !sticky) statusTimer = setTimeout(() => {
    el.textContent = '';
    el.classList.remove('shown');
  }, 6000);
}
function showError(err) {
  if (err?.status === 401 && state.user === null && err.code !== 'auth-failed') return;
  setStatus(err?.message || String(err), { error: true });
}
function announce(text) {
  const el = $('announcer');
  el.textContent = '';
  // a fresh text node makes screen readers repeat even identical news
  setTimeout(() => { el.textContent = text; }, 50);
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers

// Made on first use: the first formatter loads the browser's locale data (tens of milliseconds
// in a fresh tab), and the full form is only needed when a message is opened.
function formatter(options) {
  let made = null;
  return () => (made ??= new Intl.DateTimeFormat(undefined, options));
}
const fmtTime = formatter({ hour: '2-digit', minute: '2-digit' });
const fmtDay = formatter({ month: 'short', day: 'numeric' });
const fmtDate = formatter({ year: 'numeric', month: 'short', day: 'numeric' });
const fmtFull = formatter({ dateStyle: 'full', timeStyle: 'short' });

function shortDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return fmtTime().format(d);
  if (d.getFullYear() === now.getFullYear()) return fmtDay().format(d);
  return fmtDate().format(d);
}
function fullDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso ?? '') : fmtFull().format(d);
}
function fmtSize(n) {
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}
const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  inbox: ['M22 12h-6l-2 3h-4l-2-3H2', 'M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1z'],
  send: ['M22 2 11 13', 'M22 2 15 22 11 13 2 9z'],
  trash: ['M3 6h18', 'M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6', 'M10 11v6', 'M14 11v6', 'M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2'],
  folder: ['M22 19a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h5l2 3h9a2 2 0 0 1 2 2z'],
  clip: ['M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5'],
  star: ['M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8L12 17.8 5.8 21l1.2-6.8-5-4.9 6.9-1z'],
  reply: ['M9 17l-5-5 5-5', 'M20 18v-2a4 4 0 0 0-4-4H4'],
  mail: ['M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z', 'M22 6l-10 7L2 6'],
  mailOpen: ['M22 10v8a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2v-8l10-7z', 'M22 10l-10 6L2 10'],
  purge: ['M3 6h18', 'M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6', 'M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2', 'M10 11l4 6', 'M14 11l-4 6'],
};
function icon(name, cls = '') {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('fill', cls.includes('filled') ? 'currentColor' : 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon ${cls}`.trim());
  for (const d of ICONS[name] || []) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

const hasFlag = (m, f) => Array.isArray(m?.flags) && m.flags.includes(f);
const isSeen = (m) => hasFlag(m, 'seen');
const names = (list) => (Array.isArray(list) ? list : []).join(', ');

function parseNames(text) {
  const seen = new Set();
  const out = [];
  for (const part of String(text).split(/[,;\s]+/)) {
    const n = part.trim();
    if (n && !seen.has(n.toLowerCase())) { seen.add(n.toLowerCase()); out.push(n); }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Views

function showSignIn(message) {
  stopEvents();
  state.csrf = null; state.user = null; state.admin = false;
  resetAppData();
  if (document.body.dataset.pane !== 'list') setPane('list');
  document.body.classList.remove('booting');
  $('app-view').hidden = true;
  $('signin-view').hidden = false;
  $('register-submit').hidden = state.server?.registration !== 'open';
  $('register-hint').hidden = state.server?.registration !== 'open';
  document.title = 'Carteiro';
  if (message) setStatus(message, { sticky: true });
  $('signin-password').value = '';
  $('signin-user').focus();
}

function resetAppData() {
  // A refresh scheduled while signed in must not run after: it would only meet a 401.
  clearTimeout(foldersTimer);
  state.folders = [];
  state.items = [];
  state.rows.clear();
  state.open = null;
  state.selectedId = null;
  state.search = null;
  state.who.clear();
  state.folder = 'Inbox';
  $('folder-list').replaceChildren();
  $('message-list').replaceChildren();
  $('who-list').replaceChildren();
  $('search-input').value = '';
  closeReading();
  if ($('compose-dialog').open) $('compose-dialog').close();
}

async function enterApp(session, start) {
  // Ask for the first page before touching the DOM, so the request overlaps the layout work below.
  state.prefetch = { url: `/api/folders/Inbox/messages?limit=${PAGE_SIZE}`, promise: null };
  state.prefetch.promise = start?.inbox ? Promise.resolve(start.inbox) : api('GET', state.prefetch.url);
  state.prefetch.promise.catch(() => {});
  state.csrf = session.csrf;
  state.user = session.user;
  state.admin = !!session.admin;
  document.body.classList.remove('booting');
  $('signin-view').hidden = true;
  $('app-view').hidden = false;
  $('me').textContent = session.user + (session.admin ? ' (admin)' : '');
  const allowed = state.server?.broadcast === 'everyone' || (state.server?.broadcast === 'admins' && state.admin);
  $('everyone-row').hidden = !allowed;
  setupNotifyButton();
  // The list is what the person waits for: ask for it first, and everything else alongside.
  const list = selectFolder('Inbox', { focus: false });
  startEvents();
  await Promise.allSettled([list, loadFolders(start?.folders), loadWho(start?.who)]);
}

function sessionLost() {
  if (!state.user) return;
  showSignIn('Your session has ended. Please sign in again.');
}

function setPane(pane) {
  document.body.dataset.pane = pane; // 'list' | 'reading' (used at narrow widths)
  // At phone width the reading pane is a page of its own: the browser's Back returns to the list.
  if (pane === 'reading' && NARROW.matches && history.state?.carteiro !== 'reading') {
    history.pushState({ carteiro: 'reading' }, '');
  } else if (pane === 'list' && history.state?.carteiro === 'reading') {
    history.back();
  }
}

// ---------------------------------------------------------------------------------------------
// Sign in

async function onSignIn(ev) {
  ev.preventDefault();
  const register = ev.submitter?.value === 'register';
  const user = $('signin-user').value.trim();
  const password = $('signin-password').value;
  if (!user || !password) {
    setStatus('Enter a user name and a password.', { error: true });
    (user ? $('signin-password') : $('signin-user')).focus();
    return;
  }
  const buttons = $('signin-form').querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const session = await api('POST', register ? '/api/register' : '/api/session', { user, password }, { quiet401: true });
    setStatus(register ? `Welcome, ${session.user}! Your account is ready.` : '');
    $('signin-password').value = '';
    await enterApp(session);
  } catch (err) {
    showError(err);
    $('signin-password').focus();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

async function signOut() {
  stopEvents();
  // Signed out from here on: a refresh due now (folders after a change) must not go out while
  // the session is being removed, or it meets a 401 the page would report.
  state.user = null;
  clearTimeout(foldersTimer);
  try {
    await api('DELETE', '/api/session', undefined, { quiet401: true });
  } catch (err) {
    if (err.status !== 401) { showError(err); }
  }
  showSignIn('You are signed out.');
}

// ---------------------------------------------------------------------------------------------
// Folders

function sortFolders(list) {
  const rank = (n) => { const i = SPECIAL_FOLDERS.indexOf(n); return i < 0 ? SPECIAL_FOLDERS.length : i; };
  return [...list].sort((a, b) => rank(a.name) - rank(b.name));
}

async function loadFolders(known) {
  if (!state.user) return;
  try {
    const list = known ?? await api('GET', '/api/folders');
    state.folders = sortFolders(Array.isArray(list) ? list : []);
    renderFolders();
  } catch (err) { showError(err); }
}

let foldersTimer = 0;
function refreshFoldersSoon() {
  clearTimeout(foldersTimer);
  foldersTimer = setTimeout(() => loadFolders(), 250);
}

function folderIcon(name) {
  return icon({ Inbox: 'inbox', Sent: 'send', Trash: 'trash' }[name] || 'folder', 'folder-icon');
}

function renderFolders() {
  const ul = $('folder-list');
  const existing = [...ul.querySelectorAll('button[data-folder]')];
  const same = existing.length === state.folders.length && existing.every((b, i) => b.dataset.folder === state.folders[i].name);
  if (!same) {
    // build once per set of folders; later renders only touch counts, so focus stays put
    const frag = document.createDocumentFragment();
    for (const f of state.folders) {
      const btn = el('button', { type: 'button', class: 'folder-button', 'data-testid': `folder-${f.name}` },
        folderIcon(f.name),
        el('span', { class: 'folder-name', text: f.name }),
        el('span', { class: 'count', 'data-testid': `unread-${f.name}` }));
      btn.dataset.folder = f.name;
      frag.append(el('li', {}, btn));
    }
    ul.replaceChildren(frag);
    const moveSel = $('move-select');
    moveSel.replaceChildren(el('option', { value: '', text: 'Move to…' }),
      ...state.folders.map((f) => el('option', { value: f.name, text: f.name })));
    moveSel.value = '';
  }
  const buttons = ul.querySelectorAll('button[data-folder]');
  state.folders.forEach((f, i) => {
    const btn = buttons[i];
    const unread = Number(f.unread) || 0;
    const current = state.search === null && f.name === state.folder;
    btn.classList.toggle('has-unread', unread > 0);
    if (current) btn.setAttribute('aria-current', 'page'); else btn.removeAttribute('aria-current');
    btn.setAttribute('aria-label', unread ? `${f.name}, ${unread} unread` : f.name);
    const count = btn.querySelector('.count');
    const text = unread ? String(unread) : '';
    if (count.textContent !== text) count.textContent = text;
  });
  updateTitle();
  if (state.open) updateMoveOptions();
  if (state.search === null && !state.loading) updateListMeta();
}

function bumpUnread(folder, delta) {
  const f = state.folders.find((x) => x.name === folder);
  if (!f) return;
  f.unread = Math.max(0, (Number(f.unread) || 0) + delta);
  renderFolders();
}

function updateTitle() {
  const inbox = state.folders.find((f) => f.name === 'Inbox');
  const n = Number(inbox?.unread) || 0;
  document.title = n > 0 ? `(${n}) Carteiro` : 'Carteiro';
}

// ---------------------------------------------------------------------------------------------
// Message list

function listTitle() {
  if (state.search !== null) return `Search: “${state.search}”`;
  return state.folder;
}

async function selectFolder(name, { focus = true } = {}) {
  state.folder = name;
  state.search = null;
  $('search-input').value = '';
  $('clear-search').hidden = true;
  closeNav();
  renderFolders();
  await reloadList();
  setPane('list');
  if (focus) {
    const first = state.items[0];
    if (first) { selectRow(first.id, { focus: true }); } else { $('message-list').focus(); }
  }
}

async function reloadList() {
  state.listGen++;
  state.items = [];
  state.rows.clear();
  state.next = null;
  state.hasMore = false;
  state.selectedId = null;
  $('message-list').replaceChildren();
  $('list-title').textContent = listTitle();
  $('list-count').textContent = '';
  closeReading();
  await loadPage();
}

let firstRowTimed = false;

async function loadPage() {
  if (state.loading) return;
  const gen = state.listGen;
  state.loading = true;
  $('list-loading').hidden = false;
  $('load-more').hidden = true;
  try {
    let items, next;
    if (state.search !== null) {
      const offset = state.next || 0;
      const data = await api('GET', `/api/search?q=${enc(state.search)}&limit=${PAGE_SIZE}&offset=${offset}`);
      if (gen !== state.listGen) return;
      items = data?.items || [];
      next = items.length === PAGE_SIZE ? offset + items.length : null;
    } else {
      let url = `/api/folders/${enc(state.folder)}/messages?limit=${PAGE_SIZE}`;
      if (state.next !== null && state.next !== undefined) url += `&before=${enc(state.next)}`;
      const prefetched = state.prefetch?.url === url ? state.prefetch.promise : null;
      state.prefetch = null;
      const data = await (prefetched ?? api('GET', url));
      if (gen !== state.listGen) return;
      items = data?.items || [];
      next = data?.next ?? null;
      if (data?.folder) mergeFolder(data.folder);
    }
    const frag = document.createDocumentFragment();
    for (const m of items) {
      if (state.rows.has(m.id)) continue;
      state.items.push(m);
      const row = renderRow(m);
      state.rows.set(m.id, row);
      frag.append(row);
    }
    if (!firstRowTimed && frag.firstChild) {
      // The browser reports when this text is painted (Element Timing): the first-screen benchmark reads it.
      frag.firstChild.querySelector('.row-subject')?.setAttribute('elementtiming', 'first-row');
      firstRowTimed = true;
    }
    $('message-list').append(frag);
    state.next = next;
    state.hasMore = next !== null && next !== undefined && items.length > 0;
  } catch (err) {
    if (gen === state.listGen) showError(err);
  } finally {
    if (gen === state.listGen) {
      state.loading = false;
      $('list-loading').hidden = true;
      $('load-more').hidden = !state.hasMore;
      updateListMeta();
    } else {
      state.loading = false;
    }
  }
}

function mergeFolder(f) {
  const i = state.folders.findIndex((x) => x.name === f.name);
  if (i >= 0) { state.folders[i] = f; renderFolders(); }
}

function updateListMeta() {
  $('list-empty').hidden = state.items.length > 0 || state.loading;
  $('list-empty').textContent = state.search !== null ? 'Nothing matches your search.' : 'No messages here.';
  if (state.search === null) {
    const f = state.folders.find((x) => x.name === state.folder);
    $('list-count').textContent = f ? `${f.total} message${f.total === 1 ? '' : 's'}${f.unread ? `, ${f.unread} unread` : ''}` : '';
  } else {
    $('list-count').textContent = `${state.items.length}${state.hasMore ? '+' : ''} found`;
  }
}

function renderRow(m) {
  const li = el('li', { class: 'message-row', 'data-testid': 'message-row' });
  li.dataset.id = String(m.id);
  fillRow(li, m);
  return li;
}

function fillRow(li, m) {
  const unread = !isSeen(m);
  li.classList.toggle('unread', unread);
  li.classList.toggle('flagged', hasFlag(m, 'flagged'));
  li.classList.toggle('selected', state.selectedId === m.id);
  li.classList.toggle('open', state.open?.id === m.id);
  const sentLike = m.folder === 'Sent' || (m.from === state.user && m.folder !== 'Inbox');
  const who = sentLike
    ? `To: ${m.everyone ? 'Everyone' : names([...(m.to || []), ...(m.cc || [])]) || '—'}`
    : (m.from || '—');
  const subject = m.subject || '(no subject)';
  const btn = el('button', {
    type: 'button', class: 'row-button',
    'aria-current': state.open?.id === m.id ? 'true' : null,
  },
  el('span', { class: 'row-top' },
    el('span', { class: 'row-from', text: who }),
    el('span', { class: 'row-icons', 'aria-hidden': 'true' },
      hasFlag(m, 'answered') ? icon('reply', 'answered') : null,
      m.attachmentCount > 0 ? icon('clip', 'clip') : null,
      hasFlag(m, 'flagged') ? icon('star', 'star filled') : null),
    el('time', { class: 'row-date', datetime: m.date, text: shortDate(m.date) })),
  el('span', { class: 'row-subject' },
    m.everyone ? el('span', { class: 'badge', text: 'Everyone' }) : null,
    state.search !== null && m.folder ? el('span', { class: 'badge folder-badge', text: m.folder }) : null,
    subject),
  el('span', { class: 'row-snippet', text: m.snippet || '' }),
  el('span', { class: 'visually-hidden', text: [unread ? 'unread' : '', hasFlag(m, 'flagged') ? 'flagged' : '', m.attachmentCount ? `${m.attachmentCount} attachment${m.attachmentCount === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ') }));
  btn.dataset.id = String(m.id);
  const hadFocus = li.contains(document.activeElement);
  li.replaceChildren(btn);
  if (hadFocus) btn.focus({ preventScroll: true });
}

function updateRow(m) {
  const i = state.items.findIndex((x) => x.id === m.id);
  if (i < 0) return;
  state.items[i] = { ...state.items[i], ...m };
  const li = state.rows.get(m.id);
  if (li) fillRow(li, state.items[i]);
}

function removeRow(id) {
  const i = state.items.findIndex((x) => x.id === id);
  if (i < 0) return;
  const wasSelected = state.selectedId === id;
  state.items.splice(i, 1);
  state.rows.get(id)?.remove();
  state.rows.delete(id);
  if (wasSelected) state.selectedId = state.items[Math.min(i, state.items.length - 1)]?.id ?? null;
  if (state.selectedId !== null) state.rows.get(state.selectedId)?.classList.add('selected');
  updateListMeta();
}

// Insert a summary that belongs to the current folder, keeping newest-first (uid descending).
function insertRow(m) {
  if (state.rows.has(m.id)) { updateRow(m); return; }
  let i = state.items.findIndex((x) => (Number(x.uid) || 0) < (Number(m.uid) || 0));
  if (i < 0) {
    // older than everything shown: it belongs to a page not fetched yet
    if (state.hasMore) return;
    i = state.items.length;
  }
  const row = renderRow(m);
  const before = state.items[i] ? state.rows.get(state.items[i].id) : null;
  state.items.splice(i, 0, m);
  state.rows.set(m.id, row);
  $('message-list').insertBefore(row, before || null);
  row.classList.add('arrived');
  setTimeout(() => row.classList.remove('arrived'), 1600);
  updateListMeta();
}

function selectRow(id, { focus = false } = {}) {
  if (state.selectedId !== null) state.rows.get(state.selectedId)?.classList.remove('selected');
  state.selectedId = id;
  const li = state.rows.get(id);
  if (!li) return;
  li.classList.add('selected');
  li.scrollIntoView({ block: 'nearest' });
  if (focus) li.querySelector('button')?.focus({ preventScroll: true });
}

function readingVisible() {
  return !!state.open && !(NARROW.matches && document.body.dataset.pane !== 'reading');
}

function moveSelection(delta) {
  if (!state.items.length) return;
  let i = state.items.findIndex((x) => x.id === (state.selectedId ?? state.open?.id));
  i = i < 0 ? (delta > 0 ? 0 : state.items.length - 1) : i + delta;
  if (i >= state.items.length) {
    if (state.hasMore) loadPage();
    i = state.items.length - 1;
  }
  i = Math.max(0, i);
  const id = state.items[i].id;
  if (readingVisible()) { selectRow(id); openMessage(id); } else selectRow(id, { focus: true });
}

// ---------------------------------------------------------------------------------------------
// Reading

function closeReading() {
  state.open = null;
  state.openGen++;
  $('reading').hidden = true;
  $('reading-empty').hidden = false;
  $('reading-html')?.removeAttribute('src');
  for (const li of document.querySelectorAll('.message-row.open')) li.classList.remove('open');
}

async function openMessage(id, { focus = true } = {}) {
  const gen = ++state.openGen;
  selectRow(id);
  let m;
  try {
    m = await api('GET', `/api/messages/${enc(id)}`);
  } catch (err) {
    if (gen === state.openGen) showError(err);
    return;
  }
  if (gen !== state.openGen) return;
  const wasUnread = state.items.find((x) => x.id === id) && !isSeen(state.items.find((x) => x.id === id));
  if (!isSeen(m)) m.flags = [...(m.flags || []), 'seen'];
  state.open = m;
  renderReading();
  for (const li of document.querySelectorAll('.message-row.open')) li.classList.remove('open');
  updateRow(summaryOf(m));
  state.rows.get(id)?.classList.add('open');
  setPane('reading');
  if (wasUnread) { bumpUnread(m.folder, -1); refreshFoldersSoon(); }
  if (focus) $('reading-subject').focus({ preventScroll: false });
}

function summaryOf(m) {
  const { body, attachments, messageId, ...rest } = m;
  return rest;
}

function renderReading() {
  const m = state.open;
  if (!m) { closeReading(); return; }
  if ($('reading').hidden || $('reading').dataset.id !== String(m.id)) $('reading-pane').scrollTop = 0;
  $('reading').dataset.id = String(m.id);
  $('reading-empty').hidden = true;
  $('reading').hidden = false;
  $('reading-subject').textContent = m.subject || '(no subject)';
  $('reading-from').textContent = m.from || '';
  $('reading-to').textContent = m.everyone ? ['Everyone', ...(m.to || [])].join(', ') : names(m.to) || '—';
  const hasCc = Array.isArray(m.cc) && m.cc.length > 0;
  $('reading-cc').textContent = names(m.cc);
  $('reading-cc').hidden = !hasCc; $('reading-cc-label').hidden = !hasCc;
  const hasBcc = Array.isArray(m.bcc) && m.bcc.length > 0;
  $('reading-bcc').textContent = names(m.bcc);
  $('reading-bcc').hidden = !hasBcc; $('reading-bcc-label').hidden = !hasBcc;
  $('reading-date').textContent = fullDate(m.date);
  $('reading-date').setAttribute('datetime', m.date || '');
  renderBody($('reading-body'), m.body ?? '');
  // HTML mail: the server's sanitized copy in a sandboxed frame (no script, nothing remote).
  const htmlSrc = m.html ? `/api/messages/${enc(m.id)}/html` : null;
  const frame = htmlSrc ? htmlFrame() : $('reading-html');
  $('reading-body').hidden = !!htmlSrc;
  if (frame) frame.hidden = !htmlSrc;
  if (htmlSrc && frame.getAttribute('src') !== htmlSrc) frame.setAttribute('src', htmlSrc);
  if (!htmlSrc && frame?.hasAttribute('src')) frame.removeAttribute('src');
  const blocked = Number(m.remoteContentBlocked) || 0;
  $('remote-note').hidden = blocked === 0;
  $('remote-note').textContent = blocked === 0 ? ''
    : `Remote content blocked (${blocked} item${blocked === 1 ? '' : 's'}): loading it would tell the sender when you read this.`;
  const atts = Array.isArray(m.attachments) ? m.attachments : [];
  $('reading-attachments').hidden = atts.length === 0;
  $('attachment-list').replaceChildren(...atts.map((a) => {
    const idx = Number(a.index);
    const link = el('a', {
      class: 'attachment-link', 'data-testid': 'attachment-link',
      href: `/api/messages/${enc(m.id)}/attachments/${enc(Number.isFinite(idx) ? idx : 0)}`,
      download: a.name || 'attachment',
    },
    icon('clip', 'clip'),
    el('span', { class: 'att-name', text: a.name || 'attachment' }),
    el('span', { class: 'att-size muted', text: ` ${fmtSize(Number(a.size))}` }));
    return el('li', {}, link);
  }));
  $('raw-link').href = `/api/messages/${enc(m.id)}/raw`;
  $('raw-link').setAttribute('download', `message-${Number(m.id)}.eml`);
  updateReadingButtons();
  updateMoveOptions();
}

// The sandboxed frame that shows HTML mail: no script, no same-origin access, links open outside.
function htmlFrame() {
  let frame = $('reading-html');
  if (frame) return frame;
  frame = el('iframe', {
    id: 'reading-html', class: 'reading-html', 'data-testid': 'reading-html', title: 'Message (HTML)',
    sandbox: 'allow-popups allow-popups-to-escape-sandbox', referrerpolicy: 'no-referrer',
  });
  $('remote-note').after(frame);
  return frame;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'()]+(?:\([^\s<>"'()]*\)[^\s<>"'()]*)*/g;
function renderBody(target, text) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trail = url.match(/[.,;:!?]+$/);
    if (trail) url = url.slice(0, -trail[0].length);
    frag.append(text.slice(last, match.index));
    frag.append(el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: url }));
    last = match.index + url.length;
  }
  frag.append(text.slice(last));
  target.replaceChildren(frag);
}

function updateReadingButtons() {
  const m = state.open;
  if (!m) return;
  const seen = isSeen(m);
  iconButton($('unread-button'), seen ? 'mail' : 'mailOpen', seen ? 'Mark unread' : 'Mark read', 'u');
  const flagged = hasFlag(m, 'flagged');
  iconButton($('flag-button'), 'star', flagged ? 'Flagged' : 'Flag', 's', flagged ? 'filled' : '');
  $('flag-button').setAttribute('aria-pressed', String(flagged));
  $('flag-button').classList.toggle('on', flagged);
  const inTrash = m.folder === 'Trash';
  iconButton($('delete-button'), inTrash ? 'purge' : 'trash', inTrash ? 'Delete forever' : 'Delete', '#');
  iconButton($('purge-button'), 'purge', 'Delete forever');
  $('purge-button').hidden = inTrash;
}

function iconButton(btn, name, label, key = '', cls = '') {
  btn.replaceChildren(icon(name, cls));
  btn.setAttribute('aria-label', label);
  btn.title = key ? `${label} (${key})` : label;
}

function updateMoveOptions() {
  const sel = $('move-select');
  for (const opt of sel.options) opt.disabled = opt.value !== '' && opt.value === state.open?.folder;
  sel.value = '';
}

async function toggleSeen() {
  const m = state.open;
  if (!m) return;
  const seen = !isSeen(m);
  try {
    const s = await api('PATCH', `/api/messages/${enc(m.id)}`, { seen });
    if (isSeen(state.open) !== seen && state.open?.id === m.id) bumpUnread(m.folder, seen ? -1 : 1);
    applySummary(s || { ...summaryOf(m), flags: setFlag(m.flags, 'seen', seen) });
    setStatus(seen ? 'Marked as read.' : 'Marked as unread.');
    refreshFoldersSoon();
  } catch (err) { showError(err); }
}

async function toggleFlag() {
  const m = state.open;
  if (!m) return;
  const flagged = !hasFlag(m, 'flagged');
  try {
    const s = await api('PATCH', `/api/messages/${enc(m.id)}`, { flagged });
    applySummary(s || { ...summaryOf(m), flags: setFlag(m.flags, 'flagged', flagged) });
    setStatus(flagged ? 'Flagged.' : 'Flag removed.');
  } catch (err) { showError(err); }
}

function setFlag(flags, f, on) {
  const set = new Set(flags || []);
  if (on) set.add(f); else set.delete(f);
  return [...set];
}

// A summary from an answer or an event: update the row, the open message and folder membership.
function applySummary(s) {
  if (!s || s.id === undefined) return;
  if (state.open?.id === s.id) {
    state.open = { ...state.open, ...s };
    updateReadingButtons();
    updateMoveOptions();
  }
  if (state.search !== null) { updateRow(s); return; }
  const inList = state.rows.has(s.id);
  if (s.folder === state.folder) {
    if (inList) updateRow(s); else insertRow(s);
  } else if (inList) {
    removeRow(s.id);
    if (state.open?.id === s.id) { closeReading(); if (NARROW.matches) setPane('list'); }
  }
}

async function deleteOpen({ purge = false } = {}) {
  const m = (readingVisible() ? state.open : null) ?? state.items.find((x) => x.id === state.selectedId) ?? state.open;
  if (!m) return;
  if (purge && m.folder !== 'Trash') {
    const ok = await confirmDialog(`Delete “${m.subject || '(no subject)'}” for good? This cannot be undone.`);
    if (!ok) return;
  }
  const idx = state.items.findIndex((x) => x.id === m.id);
  const wasOpen = state.open?.id === m.id; // before the answer: an event may close it first
  try {
    const r = await api('DELETE', `/api/messages/${enc(m.id)}${purge ? '?purge=true' : ''}`);
    const gone = r?.deleted;
    setStatus(gone ? 'Deleted for good.' : 'Moved to Trash.');
    if (state.search !== null && !gone && r?.folder) {
      updateRow({ id: m.id, folder: r.folder });
    } else {
      removeRow(m.id);
    }
    if (wasOpen && (state.open === null || state.open.id === m.id)) {
      closeReading();
      const nextItem = state.search !== null ? null : state.items[Math.min(idx, state.items.length - 1)];
      if (nextItem && !NARROW.matches) { await openMessage(nextItem.id, { focus: false }); }
      else setPane('list');
      if (state.selectedId !== null) selectRow(state.selectedId, { focus: true });
      else $('message-list').focus();
    }
    refreshFoldersSoon();
  } catch (err) { showError(err); }
}

async function moveOpen(folder) {
  const m = state.open;
  if (!m || !folder) return;
  try {
    const s = await api('POST', `/api/messages/${enc(m.id)}/move`, { folder });
    setStatus(`Moved to ${folder}.`);
    applySummary(s || { ...summaryOf(m), folder });
    refreshFoldersSoon();
  } catch (err) { showError(err); }
  updateMoveOptions();
}

function confirmDialog(text) {
  return new Promise((resolve) => {
    const dlg = $('confirm-dialog');
    $('confirm-text').textContent = text;
    const done = (v) => {
      $('confirm-ok').removeEventListener('click', ok);
      $('confirm-cancel').removeEventListener('click', cancel);
      dlg.removeEventListener('close', cancel);
      if (dlg.open) dlg.close();
      resolve(v);
    };
    const ok = () => done(true);
    const cancel = () => done(false);
    $('confirm-ok').addEventListener('click', ok);
    $('confirm-cancel').addEventListener('click', cancel);
    dlg.addEventListener('close', cancel);
    dlg.showModal();
    $('confirm-cancel').focus();
  });
}

// ---------------------------------------------------------------------------------------------
// Search

async function runSearch(q) {
  q = q.trim();
  if (!q) { await selectFolder(state.folder); return; }
  state.search = q;
  $('clear-search').hidden = false;
  closeNav();
  renderFolders();
  await reloadList();
  setPane('list');
  if (!state.items.length) setStatus('Nothing matches your search.');
}

// ---------------------------------------------------------------------------------------------
// Who is online

async function loadWho(known) {
  try {
    const list = known ?? await api('GET', '/api/who');
    state.who.clear();
    for (const w of Array.isArray(list) ? list : []) if (w?.name) state.who.set(w.name, w);
    renderWho();
  } catch (err) { if (err.status !== 401) showError(err); }
}

function renderWho() {
  const ul = $('who-list');
  const list = [...state.who.values()].sort((a, b) => a.name.localeCompare(b.name));
  ul.replaceChildren(...list.map((w) => {
    const li = el('li', { class: w.name === state.user ? 'self' : '' });
    li.title = w.name === state.user ? 'You' : `Write to ${w.name}`;
    const b = el('button', { type: 'button', class: 'who-button', text: w.name });
    b.dataset.name = w.name;
    li.append(b);
    return li;
  }));
  $('who-empty').hidden = list.some((w) => w.name !== state.user);
}

// ---------------------------------------------------------------------------------------------
// Live events

function startEvents() {
  stopEvents();
  state.helloSeen = false;
  const es = new EventSource('/api/events');
  state.events = es;
  const parse = (e) => { try { return JSON.parse(e.data); } catch { return null; } };
  es.addEventListener('hello', () => {
    const wasOffline = $('app-view').classList.contains('offline');
    $('app-view').classList.remove('offline');
    if (wasOffline) setStatus('Connected again.');
    if (state.helloSeen) {
      // reconnected: catch up on what may have happened meanwhile
      loadFolders(); catchUp();
    }
    state.helloSeen = true;
    loadWho();
  });
  es.addEventListener('mail', (e) => { const s = parse(e); if (s) onMail(s); });
  es.addEventListener('update', (e) => { const s = parse(e); if (s) { applySummary(s); refreshFoldersSoon(); } });
  es.addEventListener('removed', (e) => {
    const r = parse(e);
    if (!r) return;
    if (state.rows.has(r.id)) removeRow(r.id);
    if (state.open?.id === r.id) { closeReading(); setPane('list'); }
    refreshFoldersSoon();
  });
  es.addEventListener('presence', (e) => {
    const p = parse(e);
    if (!p?.user) return;
    if (p.online) {
      if (!state.who.has(p.user)) state.who.set(p.user, { name: p.user, sessions: 1, since: new Date().toISOString() });
    } else {
      state.who.delete(p.user);
    }
    renderWho();
  });
  es.addEventListener('bye', (e) => {
    const b = parse(e);
    const reason = b?.reason || '';
    if (/sign|revok|logout|password/i.test(reason)) {
      stopEvents();
      checkSession().then((ok) => { if (ok && state.user) startEvents(); });
    } else {
      setStatus(`The server closed the live connection (${reason || 'no reason'}); reconnecting…`, { sticky: true });
    }
  });
  es.addEventListener('error', () => {
    if (state.events !== es) return;
    $('app-view').classList.add('offline');
    if (es.readyState === EventSource.CLOSED) {
      // the browser gave up (e.g. 401): see whether we are still signed in, then retry
      state.events = null;
      setTimeout(async () => {
        if (!state.user) return;
        if (await checkSession()) startEvents();
      }, 3000);
    }
  });
}

function stopEvents() {
  if (state.events) { state.events.close(); state.events = null; }
}

async function checkSession() {
  try {
    const s = await api('GET', '/api/session', undefined, { quiet401: true });
    if (s?.csrf) state.csrf = s.csrf;
    return true;
  } catch (err) {
    if (err.status === 401) { sessionLost(); return false; }
    return true; // server unreachable: keep trying
  }
}

async function catchUp() {
  if (state.search !== null) return;
  try {
    const data = await api('GET', `/api/folders/${enc(state.folder)}/messages?limit=${PAGE_SIZE}`);
    for (const m of data?.items || []) { if (state.rows.has(m.id)) updateRow(m); else insertRow(m); }
  } catch { /* next event will do */ }
}

function onMail(s) {
  const f = state.folders.find((x) => x.name === s.folder);
  if (f) {
    f.total = (Number(f.total) || 0) + 1;
    if (!isSeen(s)) f.unread = (Number(f.unread) || 0) + 1;
    renderFolders();
  }
  if (state.search === null && s.folder === state.folder) insertRow(s);
  refreshFoldersSoon();
  if (s.folder === 'Inbox' && s.from !== state.user) {
    const text = `New mail from ${s.from}: ${s.subject || '(no subject)'}`;
    // shown (and so announced) in the status area, unless it holds an error not yet dealt with:
    // then only the screen-reader announcer says it
    if ($('status').classList.contains('error')) announce(text);
    else setStatus(text);
    notify(s);
  }
}

// ---------------------------------------------------------------------------------------------
// Desktop notifications

function setupNotifyButton() {
  const btn = $('notify-button');
  if (!('Notification' in window)) { btn.hidden = true; return; }
  btn.hidden = false;
  const p = Notification.permission;
  const on = p === 'granted' && localStorage.getItem('carteiro.notify') === 'on';
  btn.textContent = on ? 'Notifications on' : 'Notify me';
  btn.setAttribute('aria-pressed', String(on));
  btn.disabled = p === 'denied';
  btn.title = p === 'denied' ? 'Notifications are blocked in your browser settings' : 'Desktop notifications for new mail';
}

async function onNotifyClick() {
  if (!('Notification' in window)) return;
  if (Notification.permission === 'granted') {
    const on = localStorage.getItem('carteiro.notify') === 'on';
    localStorage.setItem('carteiro.notify', on ? 'off' : 'on');
    setStatus(on ? 'Desktop notifications are off.' : 'You will be notified of new mail.');
  } else {
    const p = await Notification.requestPermission();
    if (p === 'granted') { localStorage.setItem('carteiro.notify', 'on'); setStatus('You will be notified of new mail.'); }
    else setStatus('Notifications were not allowed.');
  }
  setupNotifyButton();
}

function notify(s) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  if (localStorage.getItem('carteiro.notify') !== 'on') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    const n = new Notification(`New mail from ${s.from}`, {
      body: `${s.subject || '(no subject)'}\n${s.snippet || ''}`.trim(), icon: '/icon.svg', tag: `carteiro-${s.id}`,
    });
    n.addEventListener('click', async () => {
      window.focus();
      n.close();
      if (state.folder !== 'Inbox' || state.search !== null) await selectFolder('Inbox', { focus: false });
      openMessage(s.id);
    });
  } catch { /* some platforms need a service worker; fine */ }
}

// ---------------------------------------------------------------------------------------------
// Compose

function openCompose({ to = [], cc = [], bcc = [], subject = '', body = '', replyTo = null, carried = [], title = 'New message' } = {}) {
  const dlg = $('compose-dialog');
  state.compose = { clientId: crypto.randomUUID(), replyTo, carried: [...carried] };
  $('compose-title').textContent = title;
  $('compose-to').value = to.join(', ');
  $('compose-cc').value = cc.join(', ');
  $('compose-bcc').value = bcc.join(', ');
  $('compose-subject').value = subject;
  $('compose-body').value = body;
  $('compose-attach').value = '';
  $('compose-everyone').checked = false;
  $('compose-note').textContent = '';
  $('compose-note').classList.remove('error');
  $('compose-send').disabled = false;
  renderCarried();
  for (const kind of ['to', 'cc', 'bcc']) hideSuggest(kind);
  if (!dlg.open) dlg.showModal();
  if (to.length === 0) $('compose-to').focus();
  else {
    const b = $('compose-body');
    b.focus();
    b.setSelectionRange(0, 0);
    b.scrollTop = 0;
  }
}

function renderCarried() {
  const c = state.compose?.carried || [];
  const ul = $('carried-list');
  ul.hidden = c.length === 0;
  ul.replaceChildren(...c.map((a, i) => {
    const rm = el('button', { type: 'button', class: 'ghost small-button', 'aria-label': `Remove ${a.name}`, text: '✕' });
    rm.dataset.index = String(i);
    return el('li', {}, icon('clip', 'clip'),
      el('span', { text: a.name }), el('span', { class: 'muted', text: ` ${fmtSize(Number(a.size))} ` }), rm);
  }));
}

function closeCompose() {
  const dlg = $('compose-dialog');
  if (dlg.open) dlg.close();
}

function quote(m) {
  const lines = String(m.body ?? '').split(/\r?\n/).map((l) => (l ? `> ${l}` : '>'));
  return `\n\nOn ${fullDate(m.date)}, ${m.from} wrote:\n${lines.join('\n')}\n`;
}
function prefixed(prefix, subject) {
  const s = subject || '';
  return new RegExp(`^${prefix}:`, 'i').test(s) ? s : `${prefix}: ${s}`.trim();
}

function reply(all) {
  const m = state.open;
  if (!m) return;
  const me = state.user?.toLowerCase();
  let to; let cc = [];
  if (m.from?.toLowerCase() === me) {
    // replying to something I sent: write to the same people again
    to = [...(m.to || [])];
    if (all) cc = [...(m.cc || [])];
  } else {
    to = [m.from];
    if (all) {
      to.push(...(m.to || []).filter((n) => n.toLowerCase() !== me));
      cc = (m.cc || []).filter((n) => n.toLowerCase() !== me);
    }
  }
  const uniq = (l) => [...new Map(l.filter(Boolean).map((n) => [n.toLowerCase(), n])).values()];
  to = uniq(to);
  cc = uniq(cc).filter((n) => !to.some((t) => t.toLowerCase() === n.toLowerCase()));
  openCompose({ to, cc, subject: prefixed('Re', m.subject), body: quote(m), replyTo: m.id, title: all ? 'Reply all' : 'Reply' });
}

function forward() {
  const m = state.open;
  if (!m) return;
  const head = [
    '', '', '---------- Forwarded message ----------',
    `From: ${m.from}`,
    `Date: ${fullDate(m.date)}`,
    `Subject: ${m.subject || ''}`,
    `To: ${m.everyone ? 'Everyone' : names(m.to)}`,
    ...(m.cc?.length ? [`Cc: ${names(m.cc)}`] : []),
    '', String(m.body ?? ''),
  ];
  const carried = (m.attachments || []).map((a) => ({ id: m.id, index: a.index, name: a.name, type: a.type, size: a.size }));
  openCompose({ subject: prefixed('Fwd', m.subject), body: head.join('\n'), carried, title: 'Forward' });
}

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let out = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(out);
}

async function onSend(ev) {
  ev.preventDefault();
  if (!state.compose) return;
  const to = parseNames($('compose-to').value);
  const cc = parseNames($('compose-cc').value);
  const bcc = parseNames($('compose-bcc').value);
  const everyone = !$('everyone-row').hidden && $('compose-everyone').checked;
  if (!everyone && to.length + cc.length + bcc.length === 0) {
    setStatus('Add at least one recipient.', { error: true });
    $('compose-note').textContent = 'Add at least one recipient.';
    $('compose-note').classList.add('error');
    $('compose-to').focus();
    return;
  }
  const send = $('compose-send');
  send.disabled = true;
  $('compose-note').textContent = 'Sending…';
  $('compose-note').classList.remove('error');
  try {
    const attachments = [];
    for (const a of state.compose.carried) {
      const res = await fetch(`/api/messages/${enc(a.id)}/attachments/${enc(a.index)}`, { credentials: 'same-origin' });
      if (!res.ok) throw new ApiError(res.status, { detail: `Could not fetch the attachment “${a.name}” to forward it.` });
      attachments.push({ name: a.name, type: a.type || 'application/octet-stream', content: toBase64(await res.arrayBuffer()) });
    }
    for (const file of $('compose-attach').files) {
      attachments.push({ name: file.name, type: file.type || 'application/octet-stream', content: toBase64(await file.arrayBuffer()) });
    }
    const body = {
      to, cc, bcc, everyone,
      subject: $('compose-subject').value,
      body: $('compose-body').value,
      clientId: state.compose.clientId,
      attachments,
    };
    if (state.compose.replyTo !== null && state.compose.replyTo !== undefined) body.replyTo = state.compose.replyTo;
    await api('POST', '/api/messages', body);
    const repliedTo = state.compose.replyTo;
    state.compose = null;
    closeCompose();
    setStatus('Message sent.');
    if (state.search === null && state.folder === 'Sent') catchUp();
    if (repliedTo !== null && repliedTo !== undefined && state.open?.id === repliedTo) {
      state.open.flags = setFlag(state.open.flags, 'answered', true);
      updateRow(summaryOf(state.open));
    }
    refreshFoldersSoon();
  } catch (err) {
    // the page's status sits under the modal dialog, so say it in the dialog as well
    $('compose-note').textContent = err?.message || String(err);
    $('compose-note').classList.add('error');
    showError(err);
    // the same clientId is kept, so pressing Send again is safe
  } finally {
    send.disabled = false;
    if ($('compose-note').textContent === 'Sending…') $('compose-note').textContent = '';
  }
}

// --- name completion (To / Cc / Bcc) ---

const suggest = { to: { items: [], active: -1, seq: 0 }, cc: { items: [], active: -1, seq: 0 }, bcc: { items: [], active: -1, seq: 0 } };
let suggestTimer = 0;

function currentToken(input) {
  const upto = input.value.slice(0, input.selectionStart ?? input.value.length);
  const start = Math.max(upto.lastIndexOf(','), upto.lastIndexOf(';')) + 1;
  return { start, token: upto.slice(start).trim() };
}

function onNameInput(kind) {
  const input = $(`compose-${kind}`);
  clearTimeout(suggestTimer);
  const { token } = currentToken(input);
  if (!token) { hideSuggest(kind); return; }
  suggestTimer = setTimeout(async () => {
    const s = suggest[kind];
    const seq = ++s.seq;
    try {
      const list = await api('GET', `/api/users?prefix=${enc(token)}&limit=8`);
      if (seq !== s.seq || document.activeElement !== input) return;
      const already = new Set(parseNames(input.value).map((n) => n.toLowerCase()));
      const items = (Array.isArray(list) ? list : []).filter((n) => typeof n === 'string' && (!already.has(n.toLowerCase()) || n.toLowerCase() === token.toLowerCase()));
      if (items.length === 1 && items[0].toLowerCase() === token.toLowerCase()) { hideSuggest(kind); return; }
      showSuggest(kind, items);
    } catch { hideSuggest(kind); }
  }, 120);
}

function showSuggest(kind, items) {
  const s = suggest[kind];
  const ul = $(`suggest-${kind}`);
  const input = $(`compose-${kind}`);
  s.items = items;
  s.active = -1;
  if (!items.length) { hideSuggest(kind); return; }
  ul.replaceChildren(...items.map((n, i) => {
    const li = el('li', { role: 'option', id: `suggest-${kind}-${i}`, 'aria-selected': 'false', text: n });
    li.dataset.name = n;
    return li;
  }));
  ul.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  input.removeAttribute('aria-activedescendant');
}

function hideSuggest(kind) {
  const s = suggest[kind];
  s.items = []; s.active = -1; s.seq++;
  const ul = $(`suggest-${kind}`);
  ul.hidden = true;
  ul.replaceChildren();
  const input = $(`compose-${kind}`);
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
}

function setActive(kind, i) {
  const s = suggest[kind];
  const ul = $(`suggest-${kind}`);
  s.active = i;
  [...ul.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
  const input = $(`compose-${kind}`);
  if (i >= 0) input.setAttribute('aria-activedescendant', `suggest-${kind}-${i}`);
  else input.removeAttribute('aria-activedescendant');
}

function acceptSuggestion(kind, name) {
  const input = $(`compose-${kind}`);
  const { start } = currentToken(input);
  const caret = input.selectionStart ?? input.value.length;
  let rest = input.value.slice(caret);
  const restComma = rest.search(/[,;]/);
  rest = restComma >= 0 ? rest.slice(restComma + 1).trim() : '';
  const before = input.value.slice(0, start).replace(/\s*$/, '').replace(/^[\s,;]+/, '');
  const head = before ? `${before} ${name}, ` : `${name}, `;
  input.value = head + rest;
  input.setSelectionRange(head.length, head.length);
  hideSuggest(kind);
  input.focus();
}

function onNameKeydown(kind, e) {
  const s = suggest[kind];
  if ($(`suggest-${kind}`).hidden || !s.items.length) return;
  if (e.key === 'ArrowDown') { e.preventDefault(); setActive(kind, (s.active + 1) % s.items.length); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(kind, s.active <= 0 ? s.items.length - 1 : s.active - 1); }
  else if ((e.key === 'Enter' || e.key === 'Tab') && s.active >= 0) { e.preventDefault(); acceptSuggestion(kind, s.items[s.active]); }
  else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); hideSuggest(kind); }
}

// ---------------------------------------------------------------------------------------------
// Phone layout

function openNav() {
  document.body.classList.add('nav-open');
  $('nav-toggle').setAttribute('aria-expanded', 'true');
  $('who-list').querySelector('button')?.focus();
}
function closeNav() {
  document.body.classList.remove('nav-open');
  $('nav-toggle').setAttribute('aria-expanded', 'false');
}

// ---------------------------------------------------------------------------------------------
// Keyboard shortcuts

function isTyping(target) {
  if (!(target instanceof Element)) return false;
  return !!target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}

function onKeydown(e) {
  if (!state.user || $('app-view').hidden) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (isTyping(e.target)) {
    if (e.key === 'Escape' && e.target === $('search-input') && state.search !== null) {
      e.preventDefault();
      selectFolder(state.folder);
    }
    return;
  }
  const anyDialog = document.querySelector('dialog[open]');
  if (anyDialog) return; // dialogs close themselves on Escape
  const key = e.key;

  if (state.pendingG) {
    clearTimeout(state.pendingG);
    state.pendingG = 0;
    const target = { i: 'Inbox', s: 'Sent', t: 'Trash' }[key];
    if (target) { e.preventDefault(); if (state.folders.some((f) => f.name === target) || target === 'Inbox') selectFolder(target); return; }
  }

  switch (key) {
    case 'c': e.preventDefault(); openCompose(); break;
    case 'r': if (readingVisible()) { e.preventDefault(); reply(false); } break;
    case 'a': if (readingVisible()) { e.preventDefault(); reply(true); } break;
    case 'f': if (readingVisible()) { e.preventDefault(); forward(); } break;
    case 'j': e.preventDefault(); moveSelection(1); break;
    case 'k': e.preventDefault(); moveSelection(-1); break;
    case 'o':
    case 'Enter':
      if (key === 'Enter' && e.target instanceof Element && e.target.closest('button, a, summary')) return;
      if (state.selectedId !== null) { e.preventDefault(); openMessage(state.selectedId); }
      break;
    case '#':
    case 'Delete': if (state.open || state.selectedId !== null) { e.preventDefault(); deleteOpen(); } break;
    case 'u': if (readingVisible()) { e.preventDefault(); toggleSeen(); } break;
    case 's': if (readingVisible()) { e.preventDefault(); toggleFlag(); } break;
    case '/': e.preventDefault(); closeNav(); $('search-input').focus(); $('search-input').select(); break;
    case 'g': e.preventDefault(); state.pendingG = setTimeout(() => { state.pendingG = 0; }, 1500); break;
    case '?': e.preventDefault(); $('help-dialog').showModal(); $('help-close').focus(); break;
    case 'Escape':
      if (document.body.classList.contains('nav-open')) { closeNav(); $('nav-toggle').focus(); }
      else if (NARROW.matches && document.body.dataset.pane === 'reading') goBack();
      break;
    default: break;
  }
}

function goBack() {
  if (document.body.dataset.pane !== 'list') setPane('list');
  const id = state.open?.id ?? state.selectedId;
  if (id !== null && id !== undefined && state.rows.has(id)) selectRow(id, { focus: true });
  else $('message-list').focus();
}

// ---------------------------------------------------------------------------------------------
// Wiring

function wire() {
  $('signin-form').addEventListener('submit', onSignIn);
  $('signout-button').addEventListener('click', signOut);
  $('compose-button').addEventListener('click', () => { closeNav(); openCompose(); });
  $('compose-form').addEventListener('submit', onSend);
  $('compose-close').addEventListener('click', closeCompose);
  $('compose-cancel').addEventListener('click', () => { state.compose = null; closeCompose(); });
  $('compose-dialog').addEventListener('close', () => {
    for (const kind of ['to', 'cc', 'bcc']) hideSuggest(kind);
    const back = state.open ? $('reading-subject') : state.rows.get(state.selectedId)?.querySelector('button');
    back?.focus({ preventScroll: true });
  });
  $('compose-attach').addEventListener('change', () => {
    const files = [...$('compose-attach').files];
    const total = files.reduce((n, f) => n + f.size, 0);
    $('compose-note').textContent = files.length ? `${files.length} file${files.length === 1 ? '' : 's'}, ${fmtSize(total)}` : '';
    const max = Number(state.server?.limits?.maxMessageSize);
    if (max && total * 4 / 3 > max) setStatus(`These files are likely too large (limit ${fmtSize(max)}).`, { error: true });
  });
  $('carried-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-index]');
    if (!b || !state.compose) return;
    state.compose.carried.splice(Number(b.dataset.index), 1);
    renderCarried();
  });

  for (const kind of ['to', 'cc', 'bcc']) {
    const input = $(`compose-${kind}`);
    input.addEventListener('input', () => onNameInput(kind));
    input.addEventListener('keydown', (e) => onNameKeydown(kind, e));
    input.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== input) hideSuggest(kind); }, 150));
    const ul = $(`suggest-${kind}`);
    ul.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
    ul.addEventListener('click', (e) => {
      const li = e.target.closest('li[data-name]');
      if (li) acceptSuggestion(kind, li.dataset.name);
    });
  }

  $('folder-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-folder]');
    if (b) selectFolder(b.dataset.folder);
  });
  $('message-list').addEventListener('click', (e) => {
    const b = e.target.closest('button.row-button');
    if (b) openMessage(Number(b.dataset.id));
  });
  $('message-list').addEventListener('focusin', (e) => {
    const b = e.target.closest('button.row-button');
    if (b) {
      const id = Number(b.dataset.id);
      if (state.selectedId !== id) {
        if (state.selectedId !== null) state.rows.get(state.selectedId)?.classList.remove('selected');
        state.selectedId = id;
        state.rows.get(id)?.classList.add('selected');
      }
    }
  });
  $('who-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-name]');
    if (b && b.dataset.name !== state.user) { closeNav(); openCompose({ to: [b.dataset.name] }); }
  });

  $('load-more').addEventListener('click', () => loadPage());
  if ('IntersectionObserver' in window) {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((x) => x.isIntersecting) && state.hasMore && !state.loading) loadPage();
    }, { root: $('list-scroller'), rootMargin: '400px' });
    io.observe($('load-more').parentElement);
  }

  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); runSearch($('search-input').value); });
  $('clear-search').addEventListener('click', () => selectFolder(state.folder));

  $('reply-button').addEventListener('click', () => reply(false));
  $('reply-all-button').addEventListener('click', () => reply(true));
  $('forward-button').addEventListener('click', forward);
  $('unread-button').addEventListener('click', toggleSeen);
  $('flag-button').addEventListener('click', toggleFlag);
  $('delete-button').addEventListener('click', () => deleteOpen());
  $('purge-button').addEventListener('click', () => deleteOpen({ purge: true }));
  $('move-select').addEventListener('change', (e) => moveOpen(e.target.value));
  $('back-button').addEventListener('click', goBack);

  $('help-button').addEventListener('click', () => { $('help-dialog').showModal(); $('help-close').focus(); });
  $('help-close').addEventListener('click', () => $('help-dialog').close());
  $('notify-button').addEventListener('click', onNotifyClick);
  $('main').addEventListener('click', () => { if (document.body.classList.contains('nav-open')) closeNav(); });
  $('nav-toggle').addEventListener('click', () => (document.body.classList.contains('nav-open') ? closeNav() : openNav()));
  for (const dlg of document.querySelectorAll('dialog')) {
    // a click on the backdrop closes help and confirm (not compose, to keep drafts safe)
    if (dlg.id === 'compose-dialog') continue;
    dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
  }

  document.addEventListener('keydown', onKeydown);
  window.addEventListener('focus', () => { if (state.user) updateTitle(); });
  window.addEventListener('popstate', () => {
    if (document.body.dataset.pane === 'reading') goBack();
  });
}

// A signed-in browser gets the first screen's data inside the page (server facts, session,
// folders, who is online, the inbox's first page): no API round trip stands before the list.
function takeStartData() {
  const block = document.getElementById('boot');
  if (!block) return null;
  block.remove();
  try { return JSON.parse(block.textContent); } catch { return null; }
}

async function boot() {
  const start = takeStartData();
  if (start?.session) {
    wire();
    setPane('list');
    state.server = start.server ?? null;
    await enterApp(start.session, start);
    return;
  }
  // Both questions go out before anything else runs; neither waits for the other.
  const server = api('GET', '/api/server', undefined, { quiet401: true });
  const session = api('GET', '/api/session', undefined, { quiet401: true });
  server.catch(() => {});
  session.catch(() => {});
  wire();
  setPane('list');
  try {
    state.server = await server;
  } catch (err) {
    state.server = null;
    showError(err);
  }
  try {
    await enterApp(await session);
  } catch (err) {
    showSignIn();
    if (err.status !== 401) showError(err);
  }
}

boot();
