// The Inbox tab: the conversations (most recent first), the selected one's messages, and a
// reply box. Polls the API every few seconds while the tab is shown. Every text is set through
// textContent, never parsed as HTML. Images come from /api/attachments/{id}, fetched with the
// API key (an <img src> would not send it) and shown from a blob: URL; the page never sees a
// token or the platform's media URL.

const POLL_MS = 4000;
const PLATFORM_NAMES = { tiktok: 'TikTok', meta: 'Meta', google: 'Google' };
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

export function createInbox({ $, api, apiKey, showError, clearError, markUpdated, setBusy }) {
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
    if (on && !state.timer) state.timer = setInterval(poll, POLL_MS);
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
