// The dashboard in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), against `connhost serve` on a store synced from the sandbox (harness.mjs).
// Every expected figure is fetched from the API by the test itself, never copied from a run.
// Screenshots of each tab go to $CONNHOST_WEB_ARTIFACTS (ctest: build/tests/web/screenshots).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { World } from './harness.mjs';

const world = new World();
let browser;

before(async () => {
  browser = await world.launch((w) => w.start());
});

after(async () => {
  await browser?.close();
  await world.stop();
});

// ------------------------------------------------------------------ helpers

const EN_DASH = '–';
const PLATFORMS = ['meta', 'google', 'tiktok', 'unified'];

// A page with every request, console error, page error and failed request recorded.
async function openPage(hash = 'unified', { width = 1280, height = 1000 } = {}) {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const rec = { requests: [], errors: [] };
  page.on('request', (r) => rec.requests.push({ method: r.method(), url: r.url() }));
  page.on('console', (m) => { if (m.type() === 'error') rec.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => rec.errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => rec.errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(`${world.base}/#${hash}`);
  await settled(page);
  return { page, rec, close: () => context.close() };
}

// Waits until no load of the page is under way (app.js keeps body[data-busy]).
async function settled(page) {
  await page.waitForFunction(() => document.body.dataset.busy === '0', null, { timeout: 15000 });
}

// Runs `action` and waits for the page to finish the loads it started.
async function act(page, action) {
  await action();
  await settled(page);
}

// The number a formatted figure shows ("$1,234.56", "3.21×", "12.5%"), or null for the en dash.
function shown(text) {
  const t = text.trim();
  if (t === EN_DASH) return null;
  const n = Number(t.replace(/[^0-9.\-]/g, ''));
  assert.ok(Number.isFinite(n), `'${text}' does not show a number`);
  return n;
}

// A displayed figure equals the API's value up to its display precision; null shows as an dash.
function assertShows(text, expected, what, decimals = 2) {
  if (expected === null) {
    assert.equal(text.trim(), EN_DASH, `${what}: null must show as ${EN_DASH}`);
    return;
  }
  assert.ok(Number.isFinite(expected), `${what}: the API sent ${expected}`);
  const got = shown(text);
  assert.ok(Math.abs(got - expected) <= 0.5 * 10 ** -decimals + 1e-9,
            `${what}: the page shows '${text}' (${got}), the API says ${expected}`);
}

const CARD_METRICS = ['spend', 'purchases', 'revenue', 'cpa', 'roas', 'cpc'];

async function assertCards(page, totals, what) {
  for (const metric of CARD_METRICS) {
    const card = page.locator(`#cards .card[data-metric=${metric}]`);
    const text = await card.locator('.card-value').textContent();
    assertShows(text, totals[metric], `${what} card ${metric}`);
    assert.equal(await card.getAttribute('data-value'), totals[metric] === null ? '' : String(totals[metric]));
    assert.ok(!/Infinity|NaN/.test(text), `${what} card ${metric} shows '${text}'`);
  }
}

// The range the page says it shows ("2026-10-23 to 2026-11-21").
async function shownRange(page, id = 'range-text') {
  const text = await page.locator(`#${id}`).textContent();
  const m = text.match(/^(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})$/);
  assert.ok(m, `#${id} says '${text}'`);
  return { start: m[1], end: m[2] };
}

// The campaign rows the table shows, as platform/campaign_id keys, in DOM order.
async function tableKeys(page) {
  return page.locator('#campaigns tbody tr[data-campaign-id]').evaluateAll(
    (trs) => trs.map((tr) => `${tr.dataset.platform}/${tr.dataset.campaignId}`));
}

function apiKeys(body) {
  return body.campaigns.map((c) => `${c.platform}/${c.campaign_id}`);
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(world.artifacts, `${name}.png`), fullPage: true });
}

// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r') { /* CRLF */ } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// ------------------------------------------------------------------ tests

test('the page loads every view with no console error and no request leaving 127.0.0.1', async () => {
  const { page, rec, close } = await openPage('unified');
  try {
    for (const tab of ['meta', 'google', 'tiktok', 'ops', 'unified']) {
      await act(page, () => page.click(`[data-tab=${tab}]`));
      assert.equal(new URL(page.url()).hash, `#${tab}`);
    }
    assert.deepEqual(rec.errors, []);
    assert.ok(rec.requests.length > 10, `only ${rec.requests.length} requests recorded`);
    for (const r of rec.requests) {
      const u = new URL(r.url);
      assert.ok(u.protocol === 'blob:' || u.protocol === 'data:' || u.hostname === '127.0.0.1',
                `a request left the host: ${r.method} ${r.url}`);
    }
    // Nothing but this host's files: the page, its modules, its style and icon.
    const files = rec.requests.map((r) => new URL(r.url).pathname).filter((p) => !p.startsWith('/api/'));
    for (const f of files) assert.match(f, /^\/(|index\.html|app\.js|format\.js|chart\.js|contacts\.js|style\.css|favicon\.svg)$/);
    // The chart is drawn: one bar per day of the series.
    const { start, end } = await shownRange(page);
    const d = await world.api(`/api/unified-reports/dashboard?start_date=${start}&end_date=${end}`);
    assert.equal(await page.locator('#chart svg rect.bar').count(), d.series.length);
    assert.ok(d.series.length > 0);
  } finally {
    await close();
  }
});

test('each tab shows cards equal to the API totals, and a reload keeps the tab', async () => {
  const { page, close } = await openPage('meta');
  try {
    for (const p of PLATFORMS) {
      await act(page, () => page.click(`[data-tab=${p}]`));
      const { start, end } = await shownRange(page);
      const d = await world.api(`/api/${p}-reports/dashboard?start_date=${start}&end_date=${end}`);
      // The page asked for the API's default range; it is the same one.
      const def = await world.api(`/api/${p}-reports/dashboard`);
      assert.deepEqual([def.start_date, def.end_date], [start, end]);
      assert.ok(d.totals.spend > 0, `${p}: the store has no spend in ${start}..${end}`);
      assert.equal(await page.locator('#currency-text').textContent(), d.currency);
      await assertCards(page, d.totals, p);
      assert.equal(await page.locator(`[data-tab=${p}]`).getAttribute('aria-selected'), 'true');
      await screenshot(page, `tab-${p}`);
    }
    await act(page, () => page.reload());
    assert.equal(await page.locator('[data-tab=unified]').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('[data-tab=meta]').getAttribute('aria-selected'), 'false');

    // A date range typed in drives the request and the cards.
    const { from } = world;
    const mid = new Date(Date.parse(world.to) - 10 * 86400000).toISOString().slice(0, 10);
    await act(page, () => page.fill('#start-date', from));
    await act(page, () => page.fill('#end-date', mid));
    assert.deepEqual(await shownRange(page), { start: from, end: mid });
    const d = await world.api(`/api/unified-reports/dashboard?start_date=${from}&end_date=${mid}`);
    await assertCards(page, d.totals, `unified ${from}..${mid}`);
  } finally {
    await close();
  }
});

test('the pivot shows the API monthly cells, row and column totals and grand total', async () => {
  const { page, close } = await openPage('unified');
  try {
    const { start, end } = await shownRange(page, 'pivot-range');
    const m = await world.api(`/api/unified-reports/monthly?start_date=${start}&end_date=${end}`);
    assert.ok(m.months.length >= 2, `months: ${m.months}`);
    for (const metric of ['spend', 'roas']) {
      await page.selectOption('#pivot-metric', metric);
      assertShows(await page.locator('#pivot-grand-total').textContent(), m.total[metric], `grand total ${metric}`);
      assert.equal(await page.locator('#pivot-grand-total').getAttribute('data-value'), String(m.total[metric]));
      // Header: Month, the categories, Total.
      const heads = await page.locator('#pivot thead th').allTextContents();
      assert.deepEqual(heads, ['Month', ...m.categories, 'Total']);
      const rows = await page.locator('#pivot tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      assert.equal(rows.length, m.months.length);
      rows.forEach((cells, i) => {
        const month = m.months[i];
        assert.equal(cells[0], month);
        m.categories.forEach((cat, k) => {
          const cell = m.cells.find((c) => c.month === month && c.category === cat);
          assertShows(cells[k + 1], cell ? cell[metric] : null, `${metric} ${month} ${cat}`);
        });
        assertShows(cells.at(-1), m.month_totals.find((t) => t.month === month)[metric], `${metric} total of ${month}`);
      });
      const foot = await page.locator('#pivot tfoot tr').first().evaluate((tr) => [...tr.cells].map((c) => c.textContent));
      m.categories.forEach((cat, k) => {
        assertShows(foot[k + 1], m.category_totals.find((t) => t.category === cat)[metric], `${metric} total of ${cat}`);
      });
    }
  } finally {
    await close();
  }
});

test('clicking a column header sorts the campaigns as the API does, both ways', async () => {
  const { page, rec, close } = await openPage('unified');
  try {
    const { start, end } = await shownRange(page);
    const q = `start_date=${start}&end_date=${end}&page=1&page_size=50`;
    const header = page.locator('#campaigns th[data-key=clicks]');
    for (const order of ['desc', 'asc']) {
      await act(page, () => header.locator('button.sort').click());
      const last = rec.requests.filter((r) => r.url.includes('/campaigns?')).at(-1).url;
      assert.equal(new URL(last).searchParams.get('sort'), 'clicks');
      assert.equal(new URL(last).searchParams.get('order'), order);
      const api = await world.api(`/api/unified-reports/campaigns?${q}&sort=clicks&order=${order}`);
      assert.ok(api.campaigns.length > 1);
      assert.deepEqual(await tableKeys(page), apiKeys(api));
      assert.equal(await page.locator('#campaigns th[data-key=clicks]').getAttribute('aria-sort'), order === 'asc' ? 'ascending' : 'descending');
      assert.equal(await page.locator('#campaigns th[data-key=spend]').getAttribute('aria-sort'), 'none');
      // The cells show the API's values in that order.
      const clicks = await page.locator('#campaigns tbody td:nth-child(9)').evaluateAll((tds) => tds.map((t) => t.dataset.value));
      assert.deepEqual(clicks, api.campaigns.map((c) => String(c.clicks)));
    }
    // A text column: by name, ascending first.
    await act(page, () => page.locator('#campaigns th[data-key=name] button.sort').click());
    const api = await world.api(`/api/unified-reports/campaigns?${q}&sort=name&order=asc`);
    assert.deepEqual(await tableKeys(page), apiKeys(api));
  } finally {
    await close();
  }
});

test('a category filter changes the requests, the rows and the cards', async () => {
  const { page, rec, close } = await openPage('meta');
  try {
    const cats = (await world.api('/api/meta-reports/categories')).categories.filter((c) => c.campaigns > 0);
    assert.ok(cats.length >= 2, `meta has ${cats.length} categories with campaigns`);
    const before = await tableKeys(page);
    const chosen = cats[0].category;
    await page.click('#category-filter summary');
    const n = rec.requests.length;
    await act(page, () => page.locator('#category-options label', { hasText: chosen }).locator('input').check());
    const asked = rec.requests.slice(n).map((r) => new URL(r.url)).filter((u) => u.pathname.startsWith('/api/meta-reports/'));
    for (const ep of ['dashboard', 'monthly', 'campaigns']) {
      const u = asked.find((x) => x.pathname.endsWith(`/${ep}`));
      assert.ok(u, `no ${ep} request after the filter`);
      assert.equal(u.searchParams.get('categories'), chosen);
    }
    const { start, end } = await shownRange(page);
    const q = `start_date=${start}&end_date=${end}&categories=${encodeURIComponent(chosen)}`;
    const c = await world.api(`/api/meta-reports/campaigns?${q}&sort=spend&order=desc&page=1&page_size=50`);
    const after = await tableKeys(page);
    assert.deepEqual(after, apiKeys(c));
    assert.notDeepEqual(after, before);
    const shownCats = await page.locator('#campaigns tbody td:nth-child(4)').allTextContents();
    assert.ok(shownCats.length > 0 && shownCats.every((x) => x === chosen), `categories shown: ${shownCats}`);
    const d = await world.api(`/api/meta-reports/dashboard?${q}`);
    await assertCards(page, d.totals, `meta ${chosen}`);
    assert.equal(await page.locator('#category-summary').textContent(), chosen);
  } finally {
    await close();
  }
});

test('the CSV export holds exactly the rows and values the table shows', async () => {
  const { page, close } = await openPage('google');
  try {
    // A client-side column filter first (spend at least the median), so the export must follow it.
    const spends = (await page.locator('#campaigns tbody td[data-value]').evaluateAll(
      (tds) => tds.filter((t) => t.cellIndex === 5).map((t) => Number(t.dataset.value)))).sort((a, b) => a - b);
    assert.ok(spends.length >= 4, `${spends.length} rows`);
    const median = spends[Math.floor(spends.length / 2)];
    await page.click('#campaigns th[data-key=spend] .filter-button');
    await page.fill('#cf-min', String(median));
    await page.click('#column-filter-apply');
    const rows = await page.locator('#campaigns tbody tr[data-campaign-id]').evaluateAll((trs) => trs.map(
      (tr) => [...tr.cells].map((c) => (c.classList.contains('num') ? c.dataset.value : c.textContent))));
    assert.ok(rows.length > 0 && rows.length < spends.length, `${rows.length} of ${spends.length} rows after the filter`);
    const heads = await page.locator('#campaigns thead th').evaluateAll((ths) => ths.map((t) => [t.textContent.replace(/[▲▼▾]/g, '').trim(), t.dataset.kind]));
    const currency = await page.locator('#currency-text').textContent();

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const file = path.join(world.artifacts, download.suggestedFilename());
    await download.saveAs(file);
    let text = fs.readFileSync(file, 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'a UTF-8 byte order mark for spreadsheets');
    text = text.slice(1);
    const csv = parseCsv(text);
    assert.deepEqual(csv[0], heads.map(([label, kind]) => (kind === 'money' ? `${label} (${currency})` : label)));
    assert.equal(csv.length - 1, rows.length);
    csv.slice(1).forEach((line, i) => {
      rows[i].forEach((cell, k) => {
        const kind = heads[k][1];
        if (kind === 'text') assert.equal(line[k] === '' ? EN_DASH : line[k], cell, `row ${i} column ${heads[k][0]}`);
        else {
          // Plain numbers, as the API sent them: no currency sign, no grouping.
          assert.match(line[k], /^(-?\d+(\.\d+)?(e-?\d+)?)?$/, `row ${i} ${heads[k][0]}: '${line[k]}'`);
          assert.equal(line[k], cell, `row ${i} column ${heads[k][0]}`);
        }
      });
    });
  } finally {
    await close();
  }
});

test('Sync now starts a run that succeeds, shows its progress and refreshes the data', async () => {
  const { page, rec, close } = await openPage('tiktok');
  // Slow TikTok answers, so the run is seen while it goes on.
  await world.addFaults([{ platform: 'tiktok', kind: 'latency', latency_ms: 250 }]);
  try {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/tiktok-reports/sync') && r.request().method() === 'POST'),
      page.click('#sync-now'),
    ]);
    assert.equal(resp.status(), 202);
    const { runs } = await resp.json();
    assert.ok(runs.length >= 1);
    // While it runs: the status, and the live progress from /api/runs/{id}.
    const running = page.locator(`#sync-status li[data-run-id="${runs[0].run_id}"][data-status=running]`);
    await running.waitFor({ timeout: 10000 });
    await page.waitForFunction((id) => /accounts \d+\/\d+/.test(document.querySelector(`#sync-status li[data-run-id="${id}"]`)?.textContent ?? ''),
                               runs[0].run_id, { timeout: 10000 });
    for (const r of runs) {
      const li = page.locator(`#sync-status li[data-run-id="${r.run_id}"]`);
      await li.and(page.locator('[data-status=succeeded]')).waitFor({ timeout: 30000 });
      const run = await world.api(`/api/runs/${r.run_id}`);
      assert.equal(run.status, 'succeeded');
      assert.equal(run.origin, 'api');
      assert.match(await li.textContent(), new RegExp(`${run.pipeline} \\(run ${run.id}\\): succeeded, ${run.rows} rows, ${run.requests} requests`));
    }
    await page.locator('#sync-now:not([disabled])').waitFor();
    await settled(page);
    // The page polled the runs and loaded the data again once they finished.
    const urls = rec.requests.map((r) => new URL(r.url).pathname);
    const polled = urls.lastIndexOf(`/api/runs/${runs.at(-1).run_id}`);
    assert.ok(polled > 0);
    assert.ok(urls.slice(polled).includes('/api/tiktok-reports/dashboard'), 'no refresh after the sync');
    assert.equal(await page.locator('#error-banner').isHidden(), true);
    await screenshot(page, 'sync-tiktok');
  } finally {
    await world.clearFaults();
    await close();
  }
});

test('a failed sync shows the run failure in the banner', async () => {
  const { page, close } = await openPage('tiktok');
  await world.addFaults([{ platform: 'tiktok', kind: 'revoked_token', times: -1 }]);
  try {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/tiktok-reports/sync') && r.request().method() === 'POST'),
      page.click('#sync-now'),
    ]);
    const { runs } = await resp.json();
    const li = page.locator(`#sync-status li[data-run-id="${runs[0].run_id}"][data-status=failed]`);
    await li.waitFor({ timeout: 30000 });
    const run = await world.api(`/api/runs/${runs[0].run_id}`);
    assert.equal(run.status, 'failed');
    assert.ok(run.error, 'the run has no error message');
    const banner = page.locator('#error-banner');
    await banner.waitFor({ state: 'visible' });
    assert.ok((await banner.textContent()).includes(run.error), `banner: ${await banner.textContent()}`);
    assert.ok((await li.textContent()).includes(run.error));
  } finally {
    await world.clearFaults();
    await close();
  }
});

test('column filters: status and name go to the API, numbers filter the page; pages follow the API', async () => {
  const { page, rec, close } = await openPage('unified');
  try {
    const { start, end } = await shownRange(page);
    const base = `/api/unified-reports/campaigns?start_date=${start}&end_date=${end}&sort=spend&order=desc`;
    const lastCampaignsUrl = () => new URL(rec.requests.filter((r) => r.url.includes('/campaigns?')).at(-1).url);

    // Pages: 10 a page, the second page is the API's second page.
    const all = await world.api(`${base}&page=1&page_size=500`);
    assert.ok(all.total > 10, `${all.total} campaigns`);
    await act(page, () => page.evaluate(() => {
      const sel = document.getElementById('page-size');
      sel.add(new Option('10', '10'));
      sel.value = '10';
      sel.dispatchEvent(new Event('change'));
    }));
    await act(page, () => page.click('#page-next'));
    assert.equal(lastCampaignsUrl().searchParams.get('page'), '2');
    const p2 = await world.api(`${base}&page=2&page_size=10`);
    assert.deepEqual(await tableKeys(page), apiKeys(p2));
    assert.match(await page.locator('#page-info').textContent(), new RegExp(`^Page 2 of ${Math.ceil(all.total / 10)} \\(${all.total} campaigns`));
    await act(page, () => page.selectOption('#page-size', '50'));

    // Status: a value present on the page, sent as `status`.
    const statuses = [...new Set(all.campaigns.map((c) => c.status))];
    const status = statuses.find((s) => all.campaigns.some((c) => c.status !== s));
    assert.ok(status, `statuses: ${statuses}`);
    await page.click('#campaigns th[data-key=status] .filter-button');
    await page.locator('#column-filter label', { hasText: new RegExp(`^ ${status}$`) }).locator('input').check();
    await act(page, () => page.click('#column-filter-apply'));
    assert.equal(lastCampaignsUrl().searchParams.get('status'), status);
    const byStatus = await world.api(`${base}&page=1&page_size=50&status=${encodeURIComponent(status)}`);
    assert.deepEqual(await tableKeys(page), apiKeys(byStatus));
    assert.ok(byStatus.total < all.total);

    // Name: the search box, sent as `search`.
    const word = all.campaigns[0].name.split(/[^A-Za-z]+/).find((w) => w.length >= 3);
    await page.click('#campaigns th[data-key=name] .filter-button');
    await page.fill('#cf-search', word);
    await act(page, () => page.click('#column-filter-apply'));
    assert.equal(lastCampaignsUrl().searchParams.get('search'), word);
    const bySearch = await world.api(`${base}&page=1&page_size=50&status=${encodeURIComponent(status)}&search=${encodeURIComponent(word)}`);
    assert.deepEqual(await tableKeys(page), apiKeys(bySearch));

    // Clicks at most the median of the page: no request, the page's rows narrowed here.
    await act(page, () => page.click('#clear-column-filters'));
    const clicks = all.campaigns.slice(0, 50).map((c) => c.clicks).sort((a, b) => a - b);
    const median = clicks[Math.floor(clicks.length / 2)];
    const n = rec.requests.length;
    await page.click('#campaigns th[data-key=clicks] .filter-button');
    await page.fill('#cf-max', String(median));
    await act(page, () => page.click('#column-filter-apply'));
    assert.equal(rec.requests.length, n, 'a numeric filter must not ask the API');
    const expected = all.campaigns.slice(0, 50).filter((c) => c.clicks <= median).map((c) => `${c.platform}/${c.campaign_id}`);
    assert.deepEqual(await tableKeys(page), expected);
    assert.equal(await page.locator('#campaigns th[data-key=clicks] .filter-button.active').count(), 1);
  } finally {
    await close();
  }
});

test('a 401 shows the API key form; the key is kept in sessionStorage and sent as a bearer', async () => {
  const key = 'web-test-key-0123456789';
  const base = await world.startWithKey(key);
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const auth = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) auth.push(r.headers().authorization ?? null); });
  try {
    await page.goto(`${base}/#google`);
    await page.locator('#auth-form').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#error-banner').isHidden(), true, 'a 401 is said by the form, not the banner');
    assert.equal(await page.locator('label[for=api-key]').count(), 1);
    await page.fill('#api-key', key);
    await page.click('#auth-form button[type=submit]');
    await settled(page);
    assert.equal(await page.locator('#auth-form').isHidden(), true);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('connhost.apiKey')), key);
    assert.equal(auth.at(-1), `Bearer ${key}`);
    const r = await fetch(`${base}/api/google-reports/dashboard`, { headers: { Authorization: `Bearer ${key}` } });
    await assertCards(page, (await r.json()).totals, 'google with a key');
  } finally {
    await context.close();
  }
});

test('an API error shows the banner with the API message', async () => {
  const { page, rec, close } = await openPage('meta');
  try {
    assert.equal(await page.locator('#error-banner').isHidden(), true);
    const start = world.to, end = world.from; // end before start
    await act(page, () => page.fill('#start-date', start));
    await act(page, () => page.fill('#end-date', end));
    const r = await fetch(`${world.base}/api/meta-reports/dashboard?start_date=${start}&end_date=${end}`);
    assert.equal(r.status, 400);
    const { error } = await r.json();
    assert.equal(error.code, 'bad_parameter');
    const banner = page.locator('#error-banner');
    await banner.waitFor({ state: 'visible' });
    assert.ok((await banner.textContent()).includes(error.message), `banner: ${await banner.textContent()}`);
    await screenshot(page, 'error-banner');
    // Fixing the range clears it.
    await act(page, () => page.click('#reset-range'));
    assert.equal(await banner.isHidden(), true);
    assert.ok(rec.requests.length > 0);
  } finally {
    await close();
  }
});

test('the Ops view lists the loaded plugins, the runs and the connection tests', async () => {
  const { page, rec, close } = await openPage('ops');
  try {
    const plugins = await world.api('/api/plugins');
    assert.ok(plugins.plugins.length >= 3);
    const ids = await page.locator('#plugins tbody tr td:first-child').allTextContents();
    assert.deepEqual(ids, plugins.plugins.map((p) => p.id));
    const runs = await world.api('/api/runs?limit=50');
    const shownRuns = await page.locator('#runs tbody tr td:first-child').allTextContents();
    assert.deepEqual(shownRuns, runs.runs.map((r) => String(r.id)));

    await act(page, () => page.click('#test-connections'));
    const t = await world.api('/api/unified-reports/test-connection');
    for (const c of t.connections) {
      const row = page.locator('#connections tbody tr', { has: page.locator(`td:first-child:text-is("${c.connection}")`) });
      assert.equal(await row.locator('td:nth-child(3)').textContent(), c.ok ? 'ok' : `failed${c.category ? ` (${c.category})` : ''}`);
      assert.equal(await row.locator('td:nth-child(4)').textContent(), c.message);
    }
    assert.ok(t.connections.every((c) => c.ok), JSON.stringify(t.connections));
    assert.deepEqual(rec.errors, []);
    await screenshot(page, 'tab-ops');
  } finally {
    await close();
  }
});

test('the data refreshes every 5 minutes and the last-updated time follows', async () => {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  try {
    await page.clock.install();
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/api/meta-reports/dashboard')) asked.push(r.url()); });
    await page.goto(`${world.base}/#meta`);
    await settled(page);
    const first = await page.locator('#last-updated').getAttribute('datetime');
    assert.equal(asked.length, 1);
    await page.clock.runFor('04:59');
    assert.equal(asked.length, 1, 'refreshed before 5 minutes');
    await page.clock.runFor('00:02');
    await settled(page);
    assert.equal(asked.length, 2, 'no refresh after 5 minutes');
    const second = await page.locator('#last-updated').getAttribute('datetime');
    assert.ok(Date.parse(second) - Date.parse(first) >= 5 * 60 * 1000, `${first} then ${second}`);
  } finally {
    await context.close();
  }
});

test('on a phone-sized screen the cards and tables stay inside the viewport', async () => {
  const { page, close } = await openPage('unified', { width: 390, height: 844 });
  try {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await screenshot(page, 'phone-unified');
  } finally {
    await close();
  }
});
