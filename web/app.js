// The connhost dashboard: plain modules, no build step, nothing fetched but this host's API.
//
// State lives in one object; every control changes it and calls a load function, which asks the
// API and renders. Ratios (CPA, ROAS, CPC, CTR) are always the API's, never recomputed here.
import { DASH, isNum, formatKind, formatMetric, money } from './format.js';
import { renderChart } from './chart.js';
import { createContacts } from './contacts.js';

const PLATFORMS = ['meta', 'google', 'tiktok', 'unified'];
const TABS = [...PLATFORMS, 'ops', 'accounts', 'inbox', 'contacts'];
const PLATFORM_NAMES = { tiktok: 'TikTok', meta: 'Meta', google: 'Google' };
const KEY_STORAGE = 'connhost.apiKey';
const AUTO_REFRESH_MS = 5 * 60 * 1000;
const POLL_MS = 500;

const $ = (id) => document.getElementById(id);

// The campaign table's columns. `api` names the query parameter a column's filter is sent as
// (the filter then covers every page); the other columns are filtered here, on the current page.
const COLUMNS = [
  { key: 'name', label: 'Campaign', kind: 'text', sort: 'name', api: 'search' },
  { key: 'platform', label: 'Platform', kind: 'text', sort: 'platform', unifiedOnly: true },
  { key: 'account_name', label: 'Account', kind: 'text' },
  { key: 'status', label: 'Status', kind: 'text', sort: 'status', api: 'status' },
  { key: 'category', label: 'Category', kind: 'text', sort: 'category', api: 'categories' },
  { key: 'campaign_type', label: 'Type', kind: 'text', sort: 'campaign_type', api: 'campaign_type' },
  { key: 'spend', label: 'Spend', kind: 'money', sort: 'spend' },
  { key: 'impressions', label: 'Impressions', kind: 'integer', sort: 'impressions' },
  { key: 'clicks', label: 'Clicks', kind: 'integer', sort: 'clicks' },
  { key: 'purchases', label: 'Purchases', kind: 'decimal', sort: 'purchases' },
  { key: 'revenue', label: 'Revenue', kind: 'money', sort: 'revenue' },
  { key: 'cpa', label: 'CPA', kind: 'money', sort: 'cpa' },
  { key: 'roas', label: 'ROAS', kind: 'ratio', sort: 'roas' },
  { key: 'cpc', label: 'CPC', kind: 'money', sort: 'cpc' },
  { key: 'ctr', label: 'CTR', kind: 'percent', sort: 'ctr' },
];
const isNumericKind = (kind) => kind !== 'text';

const state = {
  tab: 'unified',
  start: '',
  end: '',
  categories: [], // selected; empty = all. Sent as `categories`.
  search: '', // the Campaign column's search box. Sent as `search`.
  status: [], // the Status column's checklist. Sent as `status`.
  campaignType: [], // the Type column's checklist. Sent as `campaign_type`.
  colFilters: {}, // client-side: key -> {values: [...]} (text) or {min, max} (numeric)
  sort: 'spend',
  order: 'desc',
  page: 1,
  pageSize: 50,
  pivotMetric: 'spend',
  // Last answers, for rendering and export.
  currency: 'USD',
  campaigns: null,
  visibleRows: [],
  allCategories: [],
  monthly: null,
  testResults: null,
};

// ---------------------------------------------------------------- API

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, { method = 'GET', json } = {}) {
  const headers = { Accept: 'application/json' };
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the server (${e.message})`);
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (res.status === 401) showAuthForm();
  if (!res.ok) {
    const err = body && body.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `${res.status} ${res.statusText}`);
  }
  if (body === null) throw new ApiError(res.status, 'bad_response', `${path}: the answer is not JSON`);
  return body;
}

// The query string shared by the report endpoints: the date range and the API-side filters.
function reportQuery(extra = {}) {
  const q = new URLSearchParams();
  if (state.start) q.set('start_date', state.start);
  if (state.end) q.set('end_date', state.end);
  if (state.categories.length) q.set('categories', state.categories.join(','));
  for (const [k, v] of Object.entries(extra)) if (v !== '' && v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---------------------------------------------------------------- errors and the API key

function showError(err) {
  if (err instanceof ApiError && err.status === 401) return; // the key form says it
  const text = err instanceof ApiError ? `${err.message} (${err.code}${err.status ? `, HTTP ${err.status}` : ''})` : String(err.message ?? err);
  $('error-text').textContent = text;
  $('error-banner').hidden = false;
  console.warn('connhost:', text); // a warning: the page handled it
}

function clearError() {
  $('error-banner').hidden = true;
  $('error-text').textContent = '';
}

function showAuthForm() {
  $('auth-form').hidden = false;
  $('api-key').focus();
}

// ---------------------------------------------------------------- tabs and the URL hash

function tabFromHash() {
  const t = location.hash.replace(/^#/, '');
  return TABS.includes(t) ? t : 'unified';
}

function setTab(tab) {
  const changed = tab !== state.tab;
  state.tab = tab;
  for (const a of document.querySelectorAll('[data-tab]')) {
    const on = a.dataset.tab === tab;
    a.setAttribute('aria-selected', String(on));
    a.classList.toggle('active', on);
  }
  $('report-view').hidden = !PLATFORMS.includes(tab);
  $('ops-view').hidden = tab !== 'ops';
  $('accounts-view').hidden = tab !== 'accounts';
  $('inbox-view').hidden = tab !== 'inbox';
  $('contacts-view').hidden = tab !== 'contacts';
  inbox?.setActive(tab === 'inbox');
  if (changed) {
    // Column filters hold values of one platform's campaigns; the date range and categories stay.
    state.colFilters = {};
    state.search = '';
    state.status = [];
    state.campaignType = [];
    state.page = 1;
  }
  return changed;
}

// ---------------------------------------------------------------- loading

// The Inbox tab (inbox.js), made once the page is wired.
let inbox = null;
// The Contacts tab (contacts.js), likewise.
let contacts = null;

let generation = 0; // answers to an older state are dropped, not rendered over newer ones

// How many loads are under way, as body[data-busy] (the browser tests wait for "0") and a dimmed
// page. Incremented before a load's first await, so a click's load counts as soon as it is made.
let busy = 0;
function setBusy(delta) {
  busy += delta;
  document.body.dataset.busy = String(busy);
  document.body.classList.toggle('loading', busy > 0);
}

async function refresh({ categories = false } = {}) {
  const gen = ++generation;
  setBusy(1);
  clearError();
  try {
    if (state.tab === 'ops') return await loadOps(gen);
    if (state.tab === 'accounts') return await loadAccounts(gen);
    if (state.tab === 'inbox') return await inbox.load();
    if (state.tab === 'contacts') return await contacts.load();
    if (categories) await loadCategories(gen);
    const results = await Promise.allSettled([loadDashboard(gen), loadMonthly(gen), loadCampaigns(gen)]);
    if (gen !== generation) return;
    const failed = results.filter((r) => r.status === 'rejected');
    failed.forEach((r) => showError(r.reason));
    if (failed.length === 0) markUpdated();
  } catch (e) {
    if (gen === generation) showError(e);
  } finally {
    setBusy(-1);
  }
}

function markUpdated() {
  const now = new Date();
  const t = $('last-updated');
  t.dateTime = now.toISOString();
  t.textContent = now.toLocaleTimeString();
}

async function loadCategories(gen) {
  const r = await api(`/api/${state.tab}-reports/categories`);
  if (gen !== generation) return;
  state.allCategories = r.categories.map((c) => c.category);
  // A category this platform does not have would be refused (400): drop it from the selection.
  state.categories = state.categories.filter((c) => state.allCategories.includes(c));
  renderCategoryFilter();
}

async function loadDashboard(gen) {
  const d = await api(`/api/${state.tab}-reports/dashboard${reportQuery()}`);
  if (gen !== generation) return;
  state.currency = d.currency;
  $('range-text').textContent = `${d.start_date} to ${d.end_date}`;
  $('currency-text').textContent = d.currency;
  $('start-date').placeholder = d.start_date;
  $('end-date').placeholder = d.end_date;
  renderCards(d.totals, d.currency);
  renderMissingRates(d.missing_rates);
  renderChart($('chart'), d.series, d.currency);
}

async function loadMonthly(gen) {
  const m = await api(`/api/${state.tab}-reports/monthly${reportQuery()}`);
  if (gen !== generation) return;
  state.monthly = m;
  renderPivot();
}

function campaignQuery() {
  return reportQuery({
    search: state.search,
    status: state.status[0] ?? '',
    campaign_type: state.campaignType[0] ?? '',
    sort: state.sort,
    order: state.order,
    page: state.page,
    page_size: state.pageSize,
  });
}

async function loadCampaigns(gen = generation) {
  const c = await api(`/api/${state.tab}-reports/campaigns${campaignQuery()}`);
  if (gen !== generation) return;
  // Past the last page after a filter narrowed the list: go to the last page.
  const pages = Math.max(1, Math.ceil(c.total / c.page_size));
  if (c.page > pages && c.total > 0) {
    state.page = pages;
    return loadCampaigns(gen);
  }
  state.campaigns = c;
  renderCampaigns();
}

// ---------------------------------------------------------------- cards, notes

function renderCards(totals, currency) {
  for (const card of document.querySelectorAll('#cards .card')) {
    const metric = card.dataset.metric;
    const v = totals ? totals[metric] : null;
    const out = card.querySelector('.card-value');
    out.textContent = formatMetric(metric, v, currency);
    // The raw value, for people who copy it and for the tests.
    card.dataset.value = isNum(v) ? String(v) : '';
  }
}

function renderMissingRates(missing) {
  const box = $('missing-rates');
  if (!missing || missing.length === 0) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.textContent = 'Not converted (no FX rate), so not in these figures: ' +
    missing.map((m) => `${m.rows} rows in ${m.currency} (${m.first_day} to ${m.last_day})`).join('; ') + '.';
}

// ---------------------------------------------------------------- pivot

function renderPivot() {
  const m = state.monthly;
  const table = $('pivot');
  table.replaceChildren();
  if (!m) return;
  $('pivot-range').textContent = `${m.start_date} to ${m.end_date}`;
  const metric = state.pivotMetric;
  const fmt = (v) => formatMetric(metric, v, m.currency);
  const cellOf = new Map(m.cells.map((c) => [`${c.month}\u0000${c.category}`, c]));
  const monthTotal = new Map(m.month_totals.map((t) => [t.month, t]));
  const catTotal = new Map(m.category_totals.map((t) => [t.category, t]));

  const cap = document.createElement('caption');
  cap.className = 'visually-hidden';
  cap.textContent = `${metric} by month and category, with totals`;
  table.append(cap);

  const thead = table.createTHead();
  const hr = thead.insertRow();
  hr.append(th('Month', 'col'));
  for (const cat of m.categories) hr.append(th(cat, 'col'));
  hr.append(th('Total', 'col', 'total'));

  const tbody = table.createTBody();
  for (const month of m.months) {
    const tr = tbody.insertRow();
    tr.append(th(month, 'row'));
    for (const cat of m.categories) tr.append(td(fmt(cellOf.get(`${month}\u0000${cat}`)?.[metric] ?? null), 'num'));
    tr.append(td(fmt(monthTotal.get(month)?.[metric] ?? null), 'num total'));
  }
  const tfoot = table.createTFoot();
  const fr = tfoot.insertRow();
  fr.append(th('Total', 'row', 'total'));
  for (const cat of m.categories) fr.append(td(fmt(catTotal.get(cat)?.[metric] ?? null), 'num total'));
  const grand = td(fmt(m.total?.[metric] ?? null), 'num total grand');
  grand.id = 'pivot-grand-total';
  grand.dataset.value = isNum(m.total?.[metric]) ? String(m.total[metric]) : '';
  fr.append(grand);
  if (m.months.length === 0) {
    const r = tbody.insertRow();
    const c = td('No data in this range.', 'empty');
    c.colSpan = m.categories.length + 2;
    r.append(c);
  }
}

function th(text, scope, cls) {
  const e = document.createElement('th');
  e.scope = scope;
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function td(text, cls) {
  const e = document.createElement('td');
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// ---------------------------------------------------------------- category filter

function renderCategoryFilter() {
  const box = $('category-options');
  box.replaceChildren();
  state.allCategories.forEach((cat, i) => {
    const id = `cat-opt-${i}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    const cb = Object.assign(document.createElement('input'), { type: 'checkbox', id, value: cat, checked: state.categories.includes(cat) });
    cb.addEventListener('change', () => {
      state.categories = [...box.querySelectorAll('input:checked')].map((x) => x.value);
      onCategoriesChanged();
    });
    label.append(cb, ` ${cat}`);
    box.append(label);
  });
  updateCategorySummary();
}

function updateCategorySummary() {
  $('category-summary').textContent = state.categories.length === 0 ? 'All' : state.categories.join(', ');
}

function onCategoriesChanged() {
  updateCategorySummary();
  state.page = 1;
  refresh();
}

// ---------------------------------------------------------------- campaign table

function columns() {
  return COLUMNS.filter((c) => !c.unifiedOnly || state.tab === 'unified');
}

// The filters set on a column, whichever side applies them.
function columnFilterActive(col) {
  if (col.api === 'search') return state.search !== '' || !!state.colFilters[col.key]?.values;
  if (col.api === 'categories') return state.categories.length > 0;
  if (col.api === 'status') return state.status.length > 0;
  if (col.api === 'campaign_type') return state.campaignType.length > 0;
  const f = state.colFilters[col.key];
  return !!f && (f.values !== undefined || isNum(f.min) || isNum(f.max));
}

// Rows of the current page that pass the client-side filters.
function filterRows(rows) {
  return rows.filter((row) => columns().every((col) => {
    const f = state.colFilters[col.key];
    if (!f) return true;
    const v = row[col.key];
    if (!isNumericKind(col.kind)) return !f.values || f.values.includes(v ?? '');
    // A min or max excludes rows without a value (an en dash).
    if (isNum(f.min) && !(isNum(v) && v >= f.min)) return false;
    if (isNum(f.max) && !(isNum(v) && v <= f.max)) return false;
    return true;
  }));
}

function renderCampaigns() {
  const c = state.campaigns;
  const table = $('campaigns');
  table.replaceChildren();
  if (!c) return;
  const cols = columns();

  const cap = document.createElement('caption');
  cap.className = 'visually-hidden';
  cap.textContent = 'Campaigns; the sortable column headers are buttons';
  table.append(cap);

  const hr = table.createTHead().insertRow();
  for (const col of cols) {
    const h = document.createElement('th');
    h.scope = 'col';
    h.dataset.key = col.key;
    h.dataset.kind = col.kind;
    if (isNumericKind(col.kind)) h.classList.add('num');
    const wrap = document.createElement('div');
    wrap.className = 'th-wrap';
    if (col.sort) {
      const sorted = state.sort === col.sort;
      h.setAttribute('aria-sort', sorted ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      b.textContent = col.label;
      b.append(Object.assign(document.createElement('span'), { className: 'sort-mark', textContent: sorted ? (state.order === 'asc' ? ' ▲' : ' ▼') : '', ariaHidden: 'true' }));
      b.addEventListener('click', () => onSort(col));
      wrap.append(b);
    } else {
      wrap.append(Object.assign(document.createElement('span'), { className: 'th-label', textContent: col.label }));
    }
    const fb = document.createElement('button');
    fb.type = 'button';
    fb.className = 'filter-button';
    fb.textContent = '▾';
    fb.setAttribute('aria-label', `Filter ${col.label}`);
    fb.setAttribute('aria-haspopup', 'dialog');
    if (columnFilterActive(col)) fb.classList.add('active');
    fb.addEventListener('click', (e) => { e.stopPropagation(); openColumnFilter(col, fb); });
    wrap.append(fb);
    h.append(wrap);
    hr.append(h);
  }

  const rows = filterRows(c.campaigns);
  state.visibleRows = rows;
  const tbody = table.createTBody();
  for (const row of rows) {
    const tr = tbody.insertRow();
    tr.dataset.campaignId = row.campaign_id;
    tr.dataset.platform = row.platform;
    for (const col of cols) {
      const v = row[col.key];
      if (isNumericKind(col.kind)) {
        const cell = td(formatKind(col.kind, v, c.currency), 'num');
        cell.dataset.value = isNum(v) ? String(v) : '';
        tr.append(cell);
      } else {
        tr.append(td(v ?? DASH));
      }
    }
  }
  if (rows.length === 0) {
    const cell = td(c.campaigns.length ? 'No campaign on this page passes the column filters.' : 'No campaigns.', 'empty');
    cell.colSpan = cols.length;
    tbody.insertRow().append(cell);
  }

  const pages = Math.max(1, Math.ceil(c.total / c.page_size));
  const hidden = c.campaigns.length - rows.length;
  $('page-info').textContent = `Page ${c.page} of ${pages} (${c.total} campaigns${hidden ? `; ${hidden} on this page hidden by column filters` : ''})`;
  $('page-prev').disabled = c.page <= 1;
  $('page-next').disabled = c.page >= pages;
  $('clear-column-filters').disabled = !cols.some(columnFilterActive);
}

function onSort(col) {
  if (state.sort === col.sort) state.order = state.order === 'asc' ? 'desc' : 'asc';
  else {
    state.sort = col.sort;
    state.order = isNumericKind(col.kind) ? 'desc' : 'asc';
  }
  state.page = 1;
  reloadCampaigns();
}

async function reloadCampaigns() {
  const gen = ++generation;
  setBusy(1);
  clearError();
  try {
    await loadCampaigns(gen);
  } catch (e) {
    if (gen === generation) showError(e);
  } finally {
    setBusy(-1);
  }
}

// ---------------------------------------------------------------- column filter dropdown

let openFilter = null; // {col, button}

function openColumnFilter(col, button) {
  const pop = $('column-filter');
  if (openFilter && openFilter.col === col) return closeColumnFilter();
  openFilter = { col, button };
  $('column-filter-title').textContent = `Filter: ${col.label}`;
  const body = $('column-filter-body');
  body.replaceChildren();
  body.append(isNumericKind(col.kind) ? numericFilterBody(col) : textFilterBody(col));
  pop.hidden = false;
  // Under the button, kept inside the viewport (CSS puts it at the bottom on narrow screens).
  const r = button.getBoundingClientRect();
  const left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 8);
  pop.style.left = `${Math.max(8, left)}px`;
  pop.style.top = `${window.scrollY + r.bottom + 4}px`;
  pop.querySelector('input')?.focus();
}

function closeColumnFilter() {
  const f = openFilter;
  openFilter = null;
  $('column-filter').hidden = true;
  f?.button?.isConnected && f.button.focus();
}

// The values a text column's checklist offers, and those checked now.
function textFilterChoices(col) {
  const pageValues = (state.campaigns?.campaigns ?? []).map((r) => r[col.key] ?? '');
  let selected;
  let values;
  if (col.api === 'categories') {
    values = state.allCategories; // every category, from the categories endpoint
    selected = state.categories;
  } else if (col.api === 'status' || col.api === 'campaign_type') {
    selected = col.api === 'status' ? state.status : state.campaignType;
    // Those present on the page, and the one chosen. A null type cannot be asked for.
    values = [...pageValues, ...selected].filter((v) => v !== '');
  } else {
    values = pageValues;
    selected = state.colFilters[col.key]?.values ?? null;
  }
  values = [...new Set(values)].sort((a, b) => String(a).localeCompare(String(b)));
  return { values, selected };
}

function textFilterBody(col) {
  const frag = document.createDocumentFragment();
  const { values, selected } = textFilterChoices(col);
  const searchId = 'cf-search';
  const sl = Object.assign(document.createElement('label'), {
    htmlFor: searchId,
    textContent: col.api === 'search' ? 'Search every page (name contains)' : 'Find in the list',
  });
  const search = Object.assign(document.createElement('input'), { type: 'search', id: searchId, value: col.api === 'search' ? state.search : '' });
  frag.append(sl, search);

  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = col.api === 'status' || col.api === 'campaign_type'
    ? 'Sent to the API: covers every page.'
    : col.api === 'categories'
      ? 'Sent to the API: covers every page and every view. No box checked: all.'
      : 'Applies to the rows of this page. No box checked: all.';
  const list = document.createElement('div');
  list.className = 'checklist';
  list.setAttribute('role', 'group');
  list.setAttribute('aria-label', `${col.label} values`);
  // The API takes one status and one campaign type: those lists are radio buttons, with "All".
  const single = col.api === 'status' || col.api === 'campaign_type';
  const option = (v, i, text, checked) => {
    const id = `cf-opt-${i}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id });
    const input = Object.assign(document.createElement('input'), {
      type: single ? 'radio' : 'checkbox', name: 'cf-values', id, value: v, checked,
    });
    label.append(input, ` ${text}`);
    list.append(label);
  };
  if (single) option('', 'all', 'All', !selected || selected.length === 0);
  values.forEach((v, i) => option(v, i, v === '' ? DASH : v, !!selected && selected.includes(v)));
  // Excel's search box: narrows the list (for the name column it is also the API's `search`).
  search.addEventListener('input', () => {
    const needle = search.value.toLowerCase();
    for (const label of list.children) label.hidden = !label.textContent.toLowerCase().includes(needle);
  });
  search.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); applyColumnFilter(); } });
  frag.append(note, list);
  return frag;
}

function numericFilterBody(col) {
  const frag = document.createDocumentFragment();
  const f = state.colFilters[col.key] ?? {};
  for (const which of ['min', 'max']) {
    const id = `cf-${which}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: which === 'min' ? 'At least' : 'At most' });
    const input = Object.assign(document.createElement('input'), { type: 'number', id, step: 'any', value: isNum(f[which]) ? String(f[which]) : '' });
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); applyColumnFilter(); } });
    frag.append(label, input);
  }
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = col.kind === 'percent'
    ? 'As a fraction (0.05 is 5 %). Applies to the rows of this page.'
    : 'Applies to the rows of this page.';
  frag.append(note);
  return frag;
}

function applyColumnFilter() {
  if (!openFilter) return;
  const { col } = openFilter;
  const body = $('column-filter-body');
  let server = false; // whether the API must be asked again
  if (isNumericKind(col.kind)) {
    const read = (id) => { const s = body.querySelector(`#${id}`).value; return s === '' ? null : Number(s); };
    const min = read('cf-min'), max = read('cf-max');
    if (min === null && max === null) delete state.colFilters[col.key];
    else state.colFilters[col.key] = { min, max };
  } else {
    // A radio list's "All" has the empty value; in a checklist the empty value is a missing one.
    const checked = [...body.querySelectorAll('.checklist input:checked')]
      .filter((x) => x.type === 'checkbox' || x.value !== '').map((x) => x.value);
    if (col.api === 'categories') {
      state.categories = checked;
      renderCategoryFilter();
      server = true;
    } else if (col.api === 'status') {
      state.status = checked;
      server = true;
    } else if (col.api === 'campaign_type') {
      state.campaignType = checked;
      server = true;
    } else {
      if (checked.length) state.colFilters[col.key] = { values: checked };
      else delete state.colFilters[col.key];
    }
    if (col.api === 'search') {
      const s = body.querySelector('#cf-search').value.trim();
      if (s !== state.search) { state.search = s; server = true; }
    }
  }
  closeColumnFilter();
  if (col.api === 'categories') { state.page = 1; refresh(); } // categories drive every view
  else if (server) { state.page = 1; reloadCampaigns(); }
  else renderCampaigns();
}

function clearColumnFilter() {
  if (!openFilter) return;
  const body = $('column-filter-body');
  for (const cb of body.querySelectorAll('input[type=checkbox], input[type=radio]')) cb.checked = cb.value === '' && cb.type === 'radio';
  for (const i of body.querySelectorAll('input[type=number], input[type=search]')) i.value = '';
  applyColumnFilter();
}

function clearAllColumnFilters() {
  const server = state.search || state.status.length || state.campaignType.length;
  state.colFilters = {};
  state.search = '';
  state.status = [];
  state.campaignType = [];
  if (server) { state.page = 1; reloadCampaigns(); } else renderCampaigns();
}

// ---------------------------------------------------------------- CSV export

// One field: numbers as plain numbers, text quoted when it must be (RFC 4180). A text starting
// with = + or @ gets a leading apostrophe, so a spreadsheet does not run it as a formula.
function csvField(v, numeric) {
  if (v === null || v === undefined) return '';
  if (numeric) return isNum(v) ? String(v) : '';
  let s = String(v);
  if (/^[=+@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function campaignsCsv(rows, cols, currency) {
  const header = cols.map((c) => csvField(c.kind === 'money' ? `${c.label} (${currency})` : c.label, false));
  const lines = [header.join(',')];
  for (const row of rows) lines.push(cols.map((c) => csvField(row[c.key], isNumericKind(c.kind))).join(','));
  return lines.join('\r\n') + '\r\n';
}

function exportCsv() {
  const c = state.campaigns;
  if (!c) return;
  const text = campaignsCsv(state.visibleRows, columns(), c.currency);
  // A byte order mark, so that Excel reads the file as UTF-8.
  const blob = new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), {
    href: url,
    download: `connhost-${c.platform}-campaigns-${c.start_date}-${c.end_date}-p${c.page}.csv`,
  });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---------------------------------------------------------------- sync now

let syncing = false;

async function syncNow() {
  if (syncing || !PLATFORMS.includes(state.tab)) return;
  const platform = state.tab;
  const box = $('sync-status');
  syncing = true;
  $('sync-now').disabled = true;
  box.hidden = false;
  box.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'Starting the sync…' }));
  try {
    // No dates: the pipelines' own lookback window.
    const started = await api(`/api/${platform}-reports/sync`, { method: 'POST' });
    // A pipeline already running is followed too (`already_running`: its run, started earlier).
    const runs = started.runs.map((r) => ({ pipeline: r.pipeline, id: r.run_id, run: null, already: !!r.already_running }));
    renderSyncStatus(runs);
    while (runs.some((r) => !r.run || !r.run.finished_at)) {
      await new Promise((res) => setTimeout(res, POLL_MS));
      await Promise.all(runs.filter((r) => !r.run || !r.run.finished_at).map(async (r) => {
        r.run = await api(`/api/runs/${r.id}`);
      }));
      renderSyncStatus(runs);
    }
    const failed = runs.filter((r) => r.run.status !== 'succeeded');
    if (state.tab === platform || state.tab === 'ops') await refresh();
    // After the refresh, which clears the banner: the failure stays on screen.
    if (failed.length) {
      showError(new Error(failed.map((r) => `Sync ${r.pipeline} (run ${r.id}) ${r.run.status}: ${r.run.error ?? 'no message'}`).join('; ')));
    }
  } catch (e) {
    showError(e);
  } finally {
    syncing = false;
    $('sync-now').disabled = false;
  }
}

function renderSyncStatus(runs) {
  const box = $('sync-status');
  const list = document.createElement('ul');
  for (const r of runs) {
    const li = document.createElement('li');
    li.dataset.runId = r.id;
    const run = r.run;
    const status = run ? run.status : 'starting';
    li.dataset.status = status;
    let text = `${r.pipeline} (run ${r.id}${r.already ? ', already running' : ''}): ${status}`;
    const p = run?.progress;
    const live = p && !run.finished_at; // the run's row is written at the end; progress is live
    if (run) text += `, ${(live ? p.rows : run.rows) ?? 0} rows, ${(live ? p.requests : run.requests) ?? 0} requests`;
    if (live) {
      const parts = [];
      if (isNum(p.accounts_total)) parts.push(`accounts ${p.accounts_done}/${p.accounts_total}`);
      if (isNum(p.days_total)) parts.push(`days ${p.days_done}/${p.days_total}`);
      if (isNum(p.elapsed_s)) parts.push(`${p.elapsed_s.toFixed(1)} s`);
      if (p.message) parts.push(p.message);
      if (parts.length) text += ` — ${parts.join(', ')}`;
    }
    if (run?.error) text += ` — ${run.error}`;
    li.textContent = text;
    li.className = `run-${status}`;
    if (live && isNum(p.days_total) && p.days_total > 0) {
      const bar = Object.assign(document.createElement('progress'), { max: p.days_total, value: p.days_done });
      bar.setAttribute('aria-label', `${r.pipeline} days done`);
      li.append(' ', bar);
    }
    list.append(li);
  }
  box.replaceChildren(Object.assign(document.createElement('h3'), { textContent: 'Sync' }), list);
}

// ---------------------------------------------------------------- ops view

function simpleTable(table, headers, rows, empty = 'None.') {
  table.replaceChildren();
  const hr = table.createTHead().insertRow();
  for (const h of headers) hr.append(th(h, 'col'));
  const tbody = table.createTBody();
  for (const r of rows) {
    const tr = tbody.insertRow();
    for (const v of r) {
      if (v instanceof Node) { const c = document.createElement('td'); c.append(v); tr.append(c); } else tr.append(td(v === null || v === undefined || v === '' ? DASH : String(v)));
    }
  }
  if (rows.length === 0) {
    const c = td(empty, 'empty');
    c.colSpan = headers.length;
    tbody.insertRow().append(c);
  }
}

function badge(text, cls) {
  return Object.assign(document.createElement('span'), { className: `badge ${cls}`, textContent: text });
}

async function loadOps(gen) {
  const [plugins, connections, pipelines, runs] = await Promise.allSettled([
    api('/api/plugins'), api('/api/connections'), api('/api/pipelines'), api('/api/runs?limit=50'),
  ]);
  if (gen !== generation) return;
  let ok = true;
  const failed = (r) => { if (r.status === 'rejected') { showError(r.reason); ok = false; return true; } return false; };
  if (!failed(plugins)) {
    simpleTable($('plugins'), ['Id', 'Name', 'Version', 'Platform', 'ABI', 'Capabilities', 'File'],
      plugins.value.plugins.map((p) => [p.id, p.name, p.version, p.platform, p.abi, p.capabilities.join(', '), p.file]), 'No plugin loaded.');
    simpleTable($('refused'), ['File', 'Reason'], plugins.value.refused.map((r) => [r.file, r.reason]), 'No plugin refused.');
  }
  if (!failed(connections)) {
    state.connections = connections.value.connections;
    renderConnections();
  }
  if (!failed(pipelines)) {
    simpleTable($('pipelines'), ['Pipeline', 'Connection', 'Schedule', 'Lookback', 'Last run', 'Next due'],
      pipelines.value.pipelines.map((p) => [p.name, p.connection, p.schedule, p.lookback,
        p.last_run ? `${p.last_run.status} at ${p.last_run.started_at}` : null, p.next_due]), 'No pipeline configured.');
  }
  if (!failed(runs)) {
    simpleTable($('runs'), ['Id', 'Pipeline', 'Origin', 'Window', 'Started', 'Finished', 'Status', 'Rows', 'Requests', 'Error'],
      runs.value.runs.map((r) => [r.id, r.pipeline, r.origin,
        r.window_start ? `${r.window_start} to ${r.window_end}` : 'lookback', r.started_at,
        r.finished_at, badge(r.status, `run-${r.status}`), r.rows, r.requests,
        r.error ? `${r.error_category ?? 'error'}: ${r.error}` : null]), 'No run yet.');
  }
  if (ok) markUpdated();
}

function renderConnections() {
  const results = new Map((state.testResults ?? []).map((t) => [t.connection, t]));
  simpleTable($('connections'), ['Connection', 'Plugin', 'Test', 'Message'],
    (state.connections ?? []).map((c) => {
      const t = results.get(c.name);
      const test = t ? badge(t.ok ? 'ok' : `failed${t.category ? ` (${t.category})` : ''}`, t.ok ? 'run-succeeded' : 'run-failed') : 'not tested';
      return [c.name, c.plugin, test, t?.message];
    }), 'No connection configured.');
}

async function testConnections() {
  const b = $('test-connections');
  b.disabled = true;
  b.textContent = 'Testing…';
  setBusy(1);
  clearError();
  try {
    const r = await api('/api/unified-reports/test-connection');
    state.testResults = r.connections;
    renderConnections();
  } catch (e) {
    showError(e);
  } finally {
    b.disabled = false;
    b.textContent = 'Test connections';
    setBusy(-1);
  }
}

// ---------------------------------------------------------------- accounts (sign-in)

// The sign-in buttons and the signed-in user's grants. The session is an HttpOnly cookie the
// server sets after a login; the page only ever sees grant fields, never a token.
async function loadAccounts(gen) {
  const [providers, me] = await Promise.all([api('/api/login/providers'), api('/api/me')]);
  if (gen !== generation) return;
  renderProviders(providers.providers);
  renderMe(me);
  markUpdated();
}

function renderProviders(providers) {
  const box = $('login-providers');
  box.replaceChildren();
  for (const p of providers) {
    const name = PLATFORM_NAMES[p.platform] ?? p.platform;
    // A plain navigation: the server answers with a redirect to the platform's consent page.
    const a = Object.assign(document.createElement('a'), { className: 'login', href: p.login_url, textContent: `Login with ${name}` });
    a.dataset.connection = p.connection;
    a.title = `Sign in through the ${p.connection} connection`;
    box.append(a);
  }
  if (providers.length === 0) box.append(Object.assign(document.createElement('p'), { textContent: 'No connection offers a sign-in.' }));
}

function renderMe(me) {
  const signedIn = me.user_id !== null && me.user_id !== undefined;
  $('me-status').textContent = signedIn ? `Signed in as user ${me.user_id}` : 'Not signed in.';
  $('me-status').dataset.userId = signedIn ? String(me.user_id) : '';
  $('sign-out').hidden = !signedIn;
  const table = $('my-grants');
  table.hidden = !signedIn;
  if (!signedIn) { table.replaceChildren(); return; }
  simpleTable(table, ['Connection', 'Platform user', 'Scopes', 'Status', 'Expires', ''],
    me.grants.map((g) => {
      let action = '';
      if (g.status !== 'revoked') {
        action = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Revoke' });
        action.dataset.grantId = String(g.id);
        action.setAttribute('aria-label', `Revoke the ${g.connection} grant`);
        action.addEventListener('click', () => revokeGrant(g, action));
      }
      return [g.connection, g.platform_user_id, g.scopes.split(',').filter(Boolean).join(', '), badge(g.status, `grant-${g.status}`), g.expires_at ?? 'never', action];
    }), 'No grant yet: sign in above.');
  for (const [i, g] of me.grants.entries()) {
    const tr = table.tBodies[0].rows[i];
    tr.cells[2].classList.add('scopes');
    tr.dataset.grantId = String(g.id);
    tr.dataset.connection = g.connection;
    tr.dataset.status = g.status;
  }
}

// Runs a POST, then reloads the tab; a failure stays on screen after the reload (which clears the
// banner). Busy from the click to the end of the reload.
async function postThenRefresh(path) {
  setBusy(1);
  clearError();
  let failure = null;
  try {
    await api(path, { method: 'POST' });
  } catch (e) {
    failure = e;
  }
  try {
    await refresh();
  } finally {
    if (failure) showError(failure);
    setBusy(-1);
  }
}

// A platform that cannot revoke answers 502 (platform_<category>): the grant stays active, with
// its tokens, and the banner says why; the button can be pressed again.
async function revokeGrant(grant, button) {
  button.disabled = true;
  await postThenRefresh(`/api/grants/${encodeURIComponent(grant.id)}/revoke`);
}

async function signOut() {
  await postThenRefresh('/auth/logout');
}

// ---------------------------------------------------------------- inbox

// The Inbox tab: the conversations (most recent first), the selected one's messages, and a
// reply box. Polls the API every few seconds while the tab is shown. Every text is set through
// textContent, never parsed as HTML. Images come from /api/attachments/{id}, fetched with the
// API key (an <img src> would not send it) and shown from a blob: URL; the page never sees a
// token or the platform's media URL.

const INBOX_POLL_MS = 4000;
const STATUS_TEXT = { queued: 'Queued', sending: 'Sending…', sent: 'Sent', dead: 'Not sent', received: '' };

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
};

function when(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

function who(c) {
  return c.contact_name || c.participant_name || c.participant_id;
}

function createInbox({ $, api, apiKey, showError, clearError, markUpdated, setBusy }) {
  const state = {
    active: false,
    timer: null,
    conversations: [],
    selected: null, // conversation id
    messages: [],
    q: '',
    unreadOnly: false,
    loading: false,
  };
  const blobs = new Map(); // attachment id -> Promise of a blob: URL

  function attachmentUrl(id) {
    if (!blobs.has(id)) {
      const headers = {};
      const key = apiKey();
      if (key) headers.Authorization = `Bearer ${key}`;
      blobs.set(id, fetch(`/api/attachments/${encodeURIComponent(id)}`, { headers }).then(async (r) => {
        if (!r.ok) throw new Error(`attachment ${id}: HTTP ${r.status}`);
        return URL.createObjectURL(await r.blob());
      }).catch((e) => { blobs.delete(id); throw e; }));
    }
    return blobs.get(id);
  }

  function query() {
    const q = new URLSearchParams({ limit: '100' });
    if (state.q) q.set('q', state.q);
    if (state.unreadOnly) q.set('unread', 'true');
    return `?${q}`;
  }

  async function loadConversations() {
    const r = await api(`/api/conversations${query()}`);
    state.conversations = r.conversations;
    renderList();
  }

  async function loadThread() {
    if (!state.selected) return;
    const id = state.selected;
    const r = await api(`/api/conversations/${encodeURIComponent(id)}/messages?limit=100`);
    if (state.selected !== id) return;
    state.messages = r.messages;
    renderThread();
  }

  // The tab's load: the list and the open conversation.
  async function load() {
    await loadConversations();
    await loadThread();
    markUpdated();
  }

  async function poll() {
    if (!state.active || state.loading) return;
    state.loading = true;
    try {
      await load();
    } catch (e) {
      showError(e);
    } finally {
      state.loading = false;
    }
  }

  function setActive(on) {
    state.active = on;
    if (on && !state.timer) state.timer = setInterval(poll, INBOX_POLL_MS);
    if (!on && state.timer) { clearInterval(state.timer); state.timer = null; }
  }

  function selected() {
    return state.conversations.find((c) => c.id === state.selected) ?? null;
  }

  function renderList() {
    const list = $('conversation-list');
    list.replaceChildren();
    let unreadTotal = 0;
    for (const c of state.conversations) {
      unreadTotal += c.unread > 0 ? 1 : 0;
      const platform = PLATFORM_NAMES[c.platform] ?? c.platform;
      const window = c.can_reply
        ? el('span', { className: 'badge window-open', textContent: 'Open', title: c.window_closes_at ? `Replies possible until ${when(c.window_closes_at)}` : 'Replies possible' })
        : el('span', { className: 'badge window-closed', textContent: 'Window closed', title: c.window_reason ?? '' });
      const last = c.last_message;
      const preview = last ? `${last.direction === 'out' ? 'You: ' : ''}${last.preview || `[${last.type}]`}` : 'No messages yet';
      const button = el('button', { type: 'button' },
        el('span', { className: 'who', textContent: who(c) }),
        c.unread > 0 ? el('span', { className: 'unread', textContent: String(c.unread), title: 'Unread' }) : el('span'),
        el('span', { className: 'preview', textContent: preview }),
        el('span', { className: 'meta' }, el('span', { className: 'badge', textContent: platform }), window, el('span', { textContent: when(c.last_activity_at) })));
      button.setAttribute('aria-label', `${who(c)} on ${platform}${c.unread > 0 ? `, ${c.unread} unread` : ''}`);
      button.addEventListener('click', () => select(c.id));
      const li = el('li', {}, button);
      li.dataset.conversationId = String(c.id);
      li.dataset.unread = String(c.unread);
      li.dataset.canReply = String(c.can_reply);
      if (c.id === state.selected) { li.classList.add('selected'); button.setAttribute('aria-current', 'true'); }
      list.append(li);
    }
    if (state.conversations.length === 0) list.append(el('li', { className: 'empty', textContent: state.q || state.unreadOnly ? 'No conversation matches.' : 'No conversations yet.' }));
    const badge = $('inbox-unread-total');
    badge.textContent = String(unreadTotal);
    badge.hidden = unreadTotal === 0;
    renderReplyBox();
  }

  function renderThread() {
    const c = selected();
    $('thread-title').textContent = c ? `${who(c)} · ${PLATFORM_NAMES[c.platform] ?? c.platform}` : 'No conversation selected';
    $('thread-window').textContent = c ? (c.can_reply ? (c.window_closes_at ? `Replies possible until ${when(c.window_closes_at)}.` : '') : c.window_reason ?? 'The reply window is closed.') : '';
    const box = $('thread-messages');
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.replaceChildren();
    for (const m of state.messages) box.append(renderMessage(m));
    if (atBottom || box.dataset.conversationId !== String(state.selected)) box.scrollTop = box.scrollHeight;
    box.dataset.conversationId = String(state.selected ?? '');
    renderReplyBox();
  }

  function renderMessage(m) {
    const li = el('li', { className: `msg ${m.direction === 'out' ? 'out' : 'in'}${m.status === 'dead' ? ' dead' : ''}` });
    li.dataset.messageId = String(m.id);
    li.dataset.status = m.status;
    if (m.text) li.append(el('span', { className: 'msg-text', textContent: m.text }));
    for (const a of m.attachments) {
      if (a.kind === 'image' || a.kind === 'sticker') {
        const img = el('img', { alt: a.name || `${a.kind} attachment`, loading: 'lazy' });
        img.dataset.attachmentId = String(a.id);
        attachmentUrl(a.id).then((u) => { img.src = u; }, () => { img.alt = `${a.kind} (could not be loaded)`; });
        li.append(img);
      } else {
        li.append(el('span', { className: 'msg-text', textContent: `[${a.kind}${a.name ? `: ${a.name}` : ''}]` }));
      }
    }
    if (!m.text && m.attachments.length === 0) {
      const what = m.type === 'image' && m.image_url ? 'image (by URL)' : m.type;
      li.append(el('span', { className: 'msg-text', textContent: `[${what}]` }));
    }
    const meta = [when(m.sent_at)];
    if (m.direction === 'in' && m.sender_name) meta.unshift(m.sender_name);
    if (m.direction === 'out') {
      if (STATUS_TEXT[m.status]) meta.push(STATUS_TEXT[m.status]);
      if (m.status === 'queued' && m.attempts > 0) meta.push(`retry ${m.attempts + 1} at ${when(m.next_attempt_at)}`);
      if (m.read_at) meta.push(`Read ${when(m.read_at)}`);
    }
    li.append(el('span', { className: 'msg-meta', textContent: meta.filter(Boolean).join(' · ') }));
    if (m.status === 'dead') {
      const err = el('span', { className: 'msg-error', textContent: `Failed (${m.error_category ?? 'error'}): ${m.error ?? 'no reason given'}` });
      err.setAttribute('role', 'note');
      li.append(err);
    }
    return li;
  }

  function renderReplyBox() {
    const c = selected();
    const form = $('reply-form');
    form.hidden = !c;
    if (!c) return;
    const closed = !c.can_reply;
    $('reply-text').disabled = closed;
    $('reply-send').disabled = closed;
    $('reply-closed').hidden = !closed;
    $('reply-closed').textContent = closed ? `You cannot reply: ${c.window_reason ?? 'the reply window is closed.'}` : '';
  }

  async function select(id) {
    state.selected = id;
    state.messages = [];
    setBusy(1);
    clearError();
    try {
      renderList();
      await loadThread();
      const c = selected();
      if (c && c.unread > 0) {
        const r = await api(`/api/conversations/${encodeURIComponent(id)}/read`, { method: 'POST' });
        Object.assign(c, r.conversation);
        renderList();
      }
    } catch (e) {
      showError(e);
    } finally {
      setBusy(-1);
    }
  }

  async function send(e) {
    e.preventDefault();
    const c = selected();
    const text = $('reply-text').value;
    if (!c || !text.trim()) return;
    $('reply-send').disabled = true;
    setBusy(1);
    clearError();
    try {
      await api(`/api/conversations/${encodeURIComponent(c.id)}/messages`, { method: 'POST', json: { text } });
      $('reply-text').value = '';
      await load();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(-1);
      renderReplyBox();
    }
  }

  let searchTimer = null;
  $('inbox-search').addEventListener('input', (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.q = e.target.value.trim(); poll(); }, 250);
  });
  $('inbox-unread-only').addEventListener('change', (e) => { state.unreadOnly = e.target.checked; poll(); });
  $('reply-form').addEventListener('submit', send);
  $('reply-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('reply-form').requestSubmit();
  });

  return { load, setActive };
}

// ---------------------------------------------------------------- wiring

function onRangeChanged() {
  state.start = $('start-date').value;
  state.end = $('end-date').value;
  state.page = 1;
  refresh();
}

function init() {
  $('error-dismiss').addEventListener('click', clearError);
  $('auth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('api-key').value);
    $('api-key').value = '';
    $('auth-form').hidden = true;
    refresh({ categories: true });
  });
  $('start-date').addEventListener('change', onRangeChanged);
  $('end-date').addEventListener('change', onRangeChanged);
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('reset-range').addEventListener('click', () => {
    $('start-date').value = '';
    $('end-date').value = '';
    onRangeChanged();
  });
  $('category-clear').addEventListener('click', () => {
    state.categories = [];
    renderCategoryFilter();
    onCategoriesChanged();
  });
  $('refresh').addEventListener('click', () => refresh());
  $('sync-now').addEventListener('click', syncNow);
  $('pivot-metric').addEventListener('change', (e) => { state.pivotMetric = e.target.value; renderPivot(); });
  $('page-prev').addEventListener('click', () => { state.page = Math.max(1, state.page - 1); reloadCampaigns(); });
  $('page-next').addEventListener('click', () => { state.page += 1; reloadCampaigns(); });
  $('page-size').addEventListener('change', (e) => { state.pageSize = Number(e.target.value); state.page = 1; reloadCampaigns(); });
  $('export-csv').addEventListener('click', exportCsv);
  $('clear-column-filters').addEventListener('click', clearAllColumnFilters);
  $('column-filter-apply').addEventListener('click', applyColumnFilter);
  $('column-filter-clear').addEventListener('click', clearColumnFilter);
  $('column-filter-close').addEventListener('click', closeColumnFilter);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && openFilter) closeColumnFilter(); });
  document.addEventListener('click', (e) => {
    if (openFilter && !$('column-filter').contains(e.target)) closeColumnFilter();
  });
  $('test-connections').addEventListener('click', testConnections);
  $('ops-refresh').addEventListener('click', () => refresh());
  $('sign-out').addEventListener('click', signOut);
  inbox = createInbox({ $, api, apiKey: () => sessionStorage.getItem(KEY_STORAGE), showError, clearError, markUpdated, setBusy });
  contacts = createContacts({ $, api, showError, clearError, markUpdated, setBusy, simpleTable, badge });

  const switchTo = (tab) => {
    closeColumnFilter();
    if (setTab(tab)) refresh({ categories: PLATFORMS.includes(state.tab) });
  };
  // A tab click switches at once (hashchange would come a task later) and records the tab in the
  // URL; hashchange covers back, forward and a hash typed in.
  for (const a of document.querySelectorAll('[data-tab]')) {
    a.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab or window
      e.preventDefault();
      if (location.hash !== `#${a.dataset.tab}`) history.pushState(null, '', `#${a.dataset.tab}`);
      switchTo(a.dataset.tab);
    });
  }
  window.addEventListener('hashchange', () => switchTo(tabFromHash()));
  state.tab = null; // so that setTab sees a change
  setTab(tabFromHash());
  refresh({ categories: PLATFORMS.includes(state.tab) });
  // Every 5 minutes, whatever the view; the time of the last good answer is in the header.
  setInterval(() => { if (!syncing) refresh(); }, AUTO_REFRESH_MS);
}

init();
