// The dashboard's Inbox tab in a real headless Chromium (harness.mjs, startInbox): the sandbox's
// webhook driver delivers a Meta and a TikTok message to `connhost serve`, they appear in the
// Inbox, a reply typed in the reply box reaches the sandbox's Send API, a reply the platform
// refuses (its 24-hour window, by the sandbox's clock) shows its reason, and a closed window
// disables the reply box with the reason. Text from the platform is shown as text, never markup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { World } from './harness.mjs';

const world = new World();
let browser;

before(async () => {
  browser = await world.launch((w) => w.startInbox());
});

after(async () => {
  await browser?.close();
  await world.stop();
});

const HOSTILE = 'Hi <b>there</b> & <img src=x onerror="window.__pwned=1">';

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(world.artifacts, `${name}.png`), fullPage: true });
}

test('deliveries appear in the Inbox, a reply reaches the platform, failures say why', { timeout: 120000 }, async (t) => {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  try {
    const meta = await world.deliver('meta_inbox', { platform: 'meta', text: HOSTILE });
    assert.deepEqual(meta.statuses, [200], 'the Meta delivery was acknowledged');
    const tiktok = await world.deliver('tiktok_inbox', { platform: 'tiktok', text: 'Hello from TikTok' });
    assert.deepEqual(tiktok.statuses, [200], 'the TikTok delivery was acknowledged');

    await page.goto(`${world.base}/#inbox`);
    await page.waitForSelector('#inbox-view:not([hidden])');
    // The processor runs after the acknowledgement; the tab polls until both are there.
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list li[data-conversation-id]').length === 2, null, { timeout: 20000 });
    const list = await world.api('/api/conversations?platform=meta');
    assert.equal(list.conversations.length, 1);
    const conv = list.conversations[0];
    assert.equal(conv.unread, 1);
    const item = page.locator(`#conversation-list li[data-conversation-id="${conv.id}"]`);
    assert.equal(await item.getAttribute('data-unread'), '1');
    assert.match(await item.textContent(), /Meta/);
    assert.ok((await item.textContent()).includes(HOSTILE.slice(0, 40)), 'the preview, as text');
    const tiktokItem = page.locator('#conversation-list li[data-conversation-id]', { hasText: 'Hello from TikTok' });
    assert.equal(await tiktokItem.count(), 1);
    assert.match(await tiktokItem.textContent(), /TikTok/);
    assert.ok(Number(await page.textContent('#inbox-unread-total')) >= 2, 'the tab counts unread conversations');
    await screenshot(page, 'inbox-list');

    // Opening it shows the message as text and marks it read.
    await item.locator('button').click();
    const incoming = page.locator('#thread-messages li.msg.in .msg-text');
    await incoming.first().waitFor();
    assert.equal(await incoming.first().textContent(), HOSTILE);
    assert.equal(await page.locator('#thread-messages img').count(), 0, 'no markup from the platform was parsed');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await page.waitForFunction((id) => document.querySelector(`#conversation-list li[data-conversation-id="${id}"]`)?.dataset.unread === '0', conv.id, { timeout: 10000 });
    assert.equal((await world.api(`/api/conversations/${conv.id}`)).conversation.unread, 0);

    // A reply from the reply box goes through the outbox to the sandbox's Send API.
    const reply = "Thanks, we'll look into it today";
    assert.equal(await page.isDisabled('#reply-send'), false);
    await page.fill('#reply-text', reply);
    await page.click('#reply-send');
    const sent = page.locator('#thread-messages li.msg.out[data-status="sent"]', { hasText: reply });
    await sent.waitFor({ timeout: 20000 });
    assert.equal(await page.inputValue('#reply-text'), '', 'the box is cleared');
    const log = await world.sandbox('requests?platform=meta');
    const sends = (log.requests ?? log).filter((r) => r.endpoint === 'me/messages');
    assert.equal(sends.length, 1, 'one send reached the platform');
    const body = JSON.parse(sends[0].body);
    assert.equal(body.message.text, reply);
    assert.equal(body.recipient.id, conv.participant_id);
    await screenshot(page, 'inbox-reply-sent');

    // A day later by the platform's clock Meta refuses: the bubble says why.
    await world.sandboxPost('clock?offset_s=90000');
    await page.fill('#reply-text', 'Are you still there?');
    await page.click('#reply-send');
    const dead = page.locator('#thread-messages li.msg.out[data-status="dead"]', { hasText: 'Are you still there?' });
    await dead.waitFor({ timeout: 20000 });
    assert.match(await dead.locator('.msg-error').textContent(), /data.*24-hour messaging window is closed/);
    await screenshot(page, 'inbox-reply-failed');

    // The store's window closes: the reply box is disabled with the reason.
    await world.sql(`UPDATE conversations SET window_closes_at = '2020-01-01T00:00:00.000Z' WHERE id = ${conv.id}`);
    await page.waitForFunction(() => document.querySelector('#reply-send')?.disabled === true, null, { timeout: 15000 });
    assert.equal(await page.isDisabled('#reply-text'), true);
    assert.match(await page.textContent('#reply-closed'), /24-hour reply window/);
    assert.match(await item.textContent(), /Window closed/);
    await screenshot(page, 'inbox-window-closed');

    // No token reached the page.
    const token = fs.readFileSync(path.join(world.sourceDir, 'config', 'sandbox-credentials', 'meta_access_token'), 'utf8').trim();
    assert.ok(!(await page.content()).includes(token));
    assert.deepEqual(errors, []);
  } catch (e) {
    t.diagnostic(world.logs());
    throw e;
  } finally {
    await context.close();
  }
});
