// The dashboard's Contacts tab in a real headless Chromium (harness.mjs, startInbox: a server on
// loopback without a key, so every scope). Contacts are written to the store with SQL as the
// profile sync writes them (migration 10): the list and its search, a contact's identities with
// each attribute's source platform and fetch time, its history (what changed per version), its
// consent record, erasure behind a confirmation (cancelled, then confirmed), and erased contacts
// shown as erased.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { World } from './harness.mjs';

const world = new World();
let browser;

const T1 = '2026-11-01T10:00:00.000Z';
const T2 = '2026-11-02T10:00:00.000Z';
const T4 = '2026-11-04T10:00:00.000Z';

before(async () => {
  browser = await world.launch(async (w) => {
    await w.startInbox();
    await w.sql(`
INSERT INTO users (id, created_at) VALUES (1, '${T1}');
INSERT INTO grants (id, user_id, connection, platform_user_id, scopes, key_id, status, created_at, updated_at)
  VALUES (1, 1, 'tiktok_login', 'tt_123', 'user.info.basic,user.info.stats', 'k1', 'active', '${T1}', '${T4}');
INSERT INTO contacts (id, display_name, user_id, status, created_at, updated_at)
  VALUES (1, 'Ada Lovelace', 1, 'active', '${T1}', '${T4}'),
         (2, 'Grace Hopper', NULL, 'active', '${T2}', '${T2}');
INSERT INTO contacts (id, display_name, status, erased_at, created_at, updated_at)
  VALUES (3, NULL, 'erased', '${T4}', '${T1}', '${T4}');
INSERT INTO contact_identities (id, contact_id, platform, platform_user_id, created_at, connection, grant_id, status, fetched_at)
  VALUES (1, 1, 'tiktok', 'tt_123', '${T1}', 'tiktok_login', 1, 'active', '${T4}'),
         (2, 1, 'google', 'g_ada', '${T2}', 'google_login', NULL, 'active', '${T2}'),
         (3, 2, 'meta', 'fb_grace', '${T2}', 'meta_login', NULL, 'active', '${T2}');
INSERT INTO contact_attributes (identity_id, name, value, fetched_at)
  VALUES (1, 'display_name', 'Ada Lovelace', '${T4}'), (1, 'follower_count', '1200', '${T4}'),
         (1, 'avatar_url', 'https://cdn.example/ada.jpg', '${T4}'), (2, 'region', 'GB', '${T2}');
INSERT INTO contact_versions (id, contact_id, identity_id, version, attributes_json, changed_json, connection, fetched_at)
  VALUES (1, 1, 1, 1, '{"display_name":"Ada L","follower_count":"1000"}', '["display_name","follower_count"]', 'tiktok_login', '${T1}'),
         (2, 1, 1, 2, '{"display_name":"Ada Lovelace","follower_count":"1200"}', '["display_name","follower_count"]', 'tiktok_login', '${T4}');
INSERT INTO consent_log (id, grant_id, connection, event, scopes, previous_scopes, source, detail, at)
  VALUES (1, 1, 'tiktok_login', 'granted', 'user.info.basic', NULL, 'login', NULL, '${T1}'),
         (2, 1, 'tiktok_login', 'changed', 'user.info.basic,user.info.stats', 'user.info.basic', 'login', NULL, '${T4}');
`);
  });
});

after(async () => {
  await browser?.close();
  await world.stop();
});

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(world.artifacts, `${name}.png`), fullPage: true });
}

const idle = (page) => page.waitForFunction(() => document.body.dataset.busy === '0');

test('the Contacts tab lists, searches and shows a contact with its history and consent', { timeout: 120000 }, async () => {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  try {
    await page.goto(`${world.base}/#contacts`);
    await page.waitForSelector('#contacts-view:not([hidden])');
    await page.waitForSelector('#contacts-table tr[data-contact-id="2"]');
    await idle(page);
    const rows = page.locator('#contacts-table tbody tr[data-contact-id]');
    assert.equal(await rows.count(), 2, 'the erased contact is not listed by default');
    const ada = page.locator('#contacts-table tr[data-contact-id="1"]');
    assert.match(await ada.textContent(), /Ada Lovelace/);
    assert.match(await ada.textContent(), /TikTok, Google|Google, TikTok/);
    assert.match(await ada.textContent(), /active/);
    assert.ok((await ada.textContent()).includes(T4), 'the updated time');
    assert.equal(await page.isHidden('#contacts-masked'), true, 'a loopback server shows PII');

    // Search by a platform user id, case-insensitively.
    await page.fill('#contacts-search', 'FB_GRA');
    await page.waitForFunction(() => document.querySelectorAll('#contacts-table tr[data-contact-id]').length === 1);
    assert.equal(await page.getAttribute('#contacts-table tbody tr[data-contact-id]', 'data-contact-id'), '2');
    await page.fill('#contacts-search', '');
    await page.waitForFunction(() => document.querySelectorAll('#contacts-table tr[data-contact-id]').length === 2);
    await idle(page);
    await screenshot(page, 'contacts-list');

    // The contact's page.
    await ada.locator('button').click();
    await page.waitForSelector('#contact-detail:not([hidden])[data-contact-id="1"]');
    assert.equal(await page.textContent('#contact-title'), 'Ada Lovelace');
    const tiktok = page.locator('#contact-identities .identity[data-platform="tiktok"]');
    assert.match(await tiktok.locator('h5').textContent(), /TikTok · tt_123/);
    const followers = tiktok.locator('tr[data-attribute="follower_count"]');
    assert.deepEqual(await followers.locator('td').allTextContents(), ['follower_count', '1200', 'TikTok', T4]);
    const avatar = tiktok.locator('tr[data-attribute="avatar_url"] td');
    assert.equal(await avatar.nth(1).textContent(), 'https://cdn.example/ada.jpg');
    const region = page.locator('#contact-identities .identity[data-platform="google"] tr[data-attribute="region"] td');
    assert.deepEqual(await region.allTextContents(), ['region', 'GB', 'Google', T2]);

    // History: newest first, what changed with the new values.
    const versions = page.locator('#contact-history tbody tr[data-version-id]');
    assert.equal(await versions.count(), 2);
    assert.equal(await versions.first().getAttribute('data-version-id'), '2');
    const newest = await versions.first().textContent();
    assert.ok(newest.includes('display_name: Ada Lovelace'), newest);
    assert.ok(newest.includes('follower_count: 1200'), newest);
    assert.ok((await versions.nth(1).textContent()).includes('display_name: Ada L'));

    // Consent: oldest first, with scopes and times.
    const consent = page.locator('#contact-consent tbody tr[data-event]');
    assert.equal(await consent.count(), 2);
    assert.equal(await consent.first().getAttribute('data-event'), 'granted');
    assert.equal(await consent.nth(1).getAttribute('data-event'), 'changed');
    const changed = await consent.nth(1).textContent();
    assert.ok(changed.includes('user.info.basic, user.info.stats'), changed);
    assert.ok(changed.includes(T4), changed);
    await screenshot(page, 'contacts-detail');

    // Erase asks first; cancelling erases nothing.
    await page.click('#contact-erase');
    await page.waitForSelector('#erase-dialog[open]');
    assert.match(await page.textContent('#erase-dialog-text'), /contact 1/);
    await page.click('#erase-cancel');
    await page.waitForSelector('#erase-dialog', { state: 'hidden' });
    await idle(page);
    assert.equal((await world.api('/api/contacts/1')).contact.status, 'active');
    assert.equal(await page.getAttribute('#contact-detail', 'data-status'), 'active');

    // Erasing: confirmed in the dialog with a reason; the page then shows the contact erased,
    // without its name, identities or history, and the list leaves it out.
    await page.click('#contact-erase');
    await page.waitForSelector('#erase-dialog[open]');
    await page.fill('#erase-reason', 'closing the account');
    await page.click('#erase-confirm');
    await page.waitForSelector('#contact-detail[data-contact-id="1"][data-status="erased"]');
    await idle(page);
    assert.equal(await page.textContent('#contact-title'), 'Contact 1');
    assert.equal(await page.locator('#contact-identities .identity').count(), 0);
    assert.equal(await page.locator('#contact-history tbody tr[data-version-id]').count(), 0);
    assert.equal(await page.isHidden('#contact-erase'), true, 'nothing left to erase');
    assert.equal(await page.locator('#contacts-table tr[data-contact-id="1"]').count(), 0);
    const api = await world.api('/api/contacts/1');
    assert.equal(api.contact.status, 'erased');
    assert.equal(api.contact.display_name, null);
    assert.equal((await world.sql("SELECT actor || '|' || reason FROM contact_erasures WHERE contact_id = 1")).trim(),
                 'api|closing the account');
    await screenshot(page, 'contacts-erased');

    // Erased contacts, listed on request, show as erased.
    await page.check('#contacts-erased');
    await page.waitForSelector('#contacts-table tr[data-contact-id="3"]');
    await idle(page);
    for (const id of ['1', '3'])
      assert.equal(await page.getAttribute(`#contacts-table tr[data-contact-id="${id}"]`, 'data-status'), 'erased');
    assert.equal(await page.getAttribute('#contacts-table tr[data-contact-id="2"]', 'data-status'), 'active');

    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
