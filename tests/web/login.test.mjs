// "Login with TikTok" (and Meta, and Google) from the dashboard in a real headless Chromium,
// through the sandbox's consent pages and back (harness.mjs, startLogin): one local user ends up
// with the three grants, a grant is revoked from the page (and at the platform), sign-out ends
// the session, and a declined consent stores nothing. No token ever reaches a page or the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { World } from './harness.mjs';

const world = new World();
let browser;

before(async () => {
  browser = await world.launch((w) => w.startLogin());
});

after(async () => {
  await browser?.close();
  await world.stop();
});

// Every page of the host's as it was shown (dashboard, callback results), to search for token
// and code bytes at the end.
const shownPages = [];

async function newPage() {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors, close: () => context.close() };
}

async function settled(page) {
  await page.waitForFunction(() => document.body.dataset.busy === '0', null, { timeout: 15000 });
}

async function openAccounts(page) {
  await page.goto(`${world.base}/#accounts`);
  await settled(page);
  await page.waitForSelector('#accounts-view:not([hidden])');
  shownPages.push(await page.content());
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(world.artifacts, `${name}.png`), fullPage: true });
}

// The consent page's link that says yes: TikTok lists one `a.authorize` per account, Meta and
// Google have `#allow`.
const ALLOW = { tiktok_login: 'a.authorize', meta_login: 'a#allow', google_login: 'a#allow' };

// Clicks "Login with <Platform>" on the Accounts tab, then `link` on the platform's consent page;
// returns the callback's answer (status and text) as the browser got it.
async function signIn(page, connection, link) {
  await openAccounts(page);
  const button = page.locator(`#login-providers a.login[data-connection="${connection}"]`);
  await button.click();
  await page.waitForURL((u) => u.href.startsWith(world.sandboxUrl), { timeout: 15000 });
  await page.waitForSelector(link); // the sandbox's page (its TikTok links carry the code)
  const callback = page.waitForResponse((r) => r.url().includes(`/auth/${connection}/callback`), { timeout: 15000 });
  await page.click(link);
  const response = await callback;
  await page.waitForLoadState('load');
  const text = await page.textContent('body');
  shownPages.push(await page.content());
  return { status: response.status(), text, url: response.url() };
}

async function myGrants(page) {
  return page.$$eval('#my-grants tbody tr[data-grant-id]', (rows) => rows.map((r) => ({
    id: Number(r.dataset.grantId), connection: r.dataset.connection, status: r.dataset.status,
    cells: [...r.cells].map((c) => c.textContent),
  })));
}

async function signedInUser(page) {
  const id = await page.getAttribute('#me-status', 'data-user-id');
  return id ? Number(id) : null;
}

test('the providers are the login connections, without the one whose login is disabled', async () => {
  const { page, errors, close } = await newPage();
  try {
    await openAccounts(page);
    const links = await page.$$eval('#login-providers a.login', (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href'), connection: a.dataset.connection })));
    assert.deepEqual(links, [
      { text: 'Login with TikTok', href: '/auth/tiktok_login', connection: 'tiktok_login' },
      { text: 'Login with Meta', href: '/auth/meta_login', connection: 'meta_login' },
      { text: 'Login with Google', href: '/auth/google_login', connection: 'google_login' },
    ]);
    assert.equal(await page.textContent('#me-status'), 'Not signed in.');
    assert.equal(await page.isHidden('#sign-out'), true);
    const hidden = await fetch(`${world.base}/auth/google_hidden`, { redirect: 'manual' });
    assert.equal(hidden.status, 404);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('TikTok, Meta and Google in one browser: one user with three grants; revoke; sign out', async () => {
  const { page, errors, close } = await newPage();
  try {
    const before = (await world.api('/api/grants')).grants.length;

    const tiktok = await signIn(page, 'tiktok_login', ALLOW.tiktok_login);
    assert.equal(tiktok.status, 200, tiktok.text);
    assert.match(tiktok.text, /Signed in to tiktok_login as /);
    await screenshot(page, 'login-tiktok-result');
    await openAccounts(page);
    const user = await signedInUser(page);
    assert.ok(Number.isInteger(user) && user > 0, `signed in as ${user}`);
    assert.equal(await page.textContent('#me-status'), `Signed in as user ${user}`);
    let rows = await myGrants(page);
    assert.deepEqual(rows.map((r) => [r.connection, r.status]), [['tiktok_login', 'active']]);

    for (const connection of ['meta_login', 'google_login']) {
      const r = await signIn(page, connection, ALLOW[connection]);
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, new RegExp(`Signed in to ${connection} as `));
    }
    await openAccounts(page);
    assert.equal(await signedInUser(page), user, 'the same local user');
    rows = await myGrants(page);
    assert.deepEqual(rows.map((r) => r.connection).sort(), ['google_login', 'meta_login', 'tiktok_login']);
    assert.ok(rows.every((r) => r.status === 'active'));
    await screenshot(page, 'login-accounts');

    // The API agrees: three new grants, all of that user, each as the page shows it.
    const all = (await world.api('/api/grants')).grants;
    assert.equal(all.length, before + 3);
    const mine = (await world.api(`/api/grants?user_id=${user}`)).grants;
    assert.equal(mine.length, 3);
    for (const g of mine) {
      const row = rows.find((r) => r.id === g.id);
      assert.ok(row, `grant ${g.id} on the page`);
      assert.equal(row.cells[0], g.connection);
      assert.equal(row.cells[1], g.platform_user_id);
    }

    // TikTok's revoke endpoint down: the page says so and the grant stays active.
    const tiktokRow = rows.find((r) => r.connection === 'tiktok_login');
    await world.addFaults([{ platform: 'tiktok', endpoint: 'v2/oauth/revoke', kind: 'server_error', status: 503, times: -1 }]);
    await page.click(`#my-grants tr[data-grant-id="${tiktokRow.id}"] button`);
    await settled(page);
    assert.equal(await page.isVisible('#error-banner'), true);
    assert.match(await page.textContent('#error-text'), /platform_transient/);
    assert.equal((await myGrants(page)).find((r) => r.id === tiktokRow.id).status, 'active');
    await world.clearFaults();
    await page.click('#error-dismiss');

    // Revoke it again from the page: revoked at the platform and here.
    const revokesBefore = (await world.sandbox('requests?platform=tiktok')).requests.filter((q) => q.endpoint === 'v2/oauth/revoke').length;
    await page.click(`#my-grants tr[data-grant-id="${tiktokRow.id}"] button`);
    await settled(page);
    await page.waitForSelector(`#my-grants tr[data-grant-id="${tiktokRow.id}"][data-status="revoked"]`);
    rows = await myGrants(page);
    assert.equal(rows.find((r) => r.id === tiktokRow.id).status, 'revoked');
    assert.equal(await page.$(`#my-grants tr[data-grant-id="${tiktokRow.id}"] button`), null, 'no Revoke button on a revoked grant');
    assert.equal((await world.api(`/api/grants?status=revoked&user_id=${user}`)).grants.length, 1);
    const revokesAfter = (await world.sandbox('requests?platform=tiktok')).requests.filter((q) => q.endpoint === 'v2/oauth/revoke').length;
    assert.equal(revokesAfter, revokesBefore + 1, 'one revoke call at TikTok');
    shownPages.push(await page.content());
    await screenshot(page, 'login-revoked');

    // Sign out: the page no longer has a user; the grants stay.
    await page.click('#sign-out');
    await settled(page);
    assert.equal(await page.textContent('#me-status'), 'Not signed in.');
    assert.equal(await signedInUser(page), null);
    assert.equal((await world.api(`/api/grants?user_id=${user}`)).grants.length, 3);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a declined consent shows a 400 page and adds no grant', async () => {
  const { page, close } = await newPage();
  try {
    const before = (await world.api('/api/grants')).grants.length;
    const r = await signIn(page, 'tiktok_login', 'a#deny');
    assert.equal(r.status, 400);
    assert.match(r.text, /declined/);
    assert.equal((await world.api('/api/grants')).grants.length, before);
    await openAccounts(page);
    assert.equal(await page.textContent('#me-status'), 'Not signed in.');
  } finally {
    await close();
  }
});

test('no token the sandbox issued appears in a page or the server log', async () => {
  const tokens = (await world.sandbox('tokens')).tokens.map((t) => t.value).filter((v) => v && v.length >= 16);
  assert.ok(tokens.length >= 3, `${tokens.length} tokens`);
  assert.ok(shownPages.length > 5);
  const log = world.serveLog();
  assert.match(log, /grant/);
  for (const t of tokens) {
    for (const html of shownPages) assert.equal(html.includes(t), false, `a token or code in a page: ${html.slice(0, 200)}`);
    assert.equal(log.includes(t), false, 'a token in the server log');
  }
});
