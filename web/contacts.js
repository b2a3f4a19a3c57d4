// The Contacts tab: the contact list with search, one contact's identities and attributes (each
// with its source platform and fetch time), its version history, its consent record, and erasure
// behind a confirmation. The API masks personal data for a key without the pii scope; the page
// shows what it gets, marks masked values as such, and sets every text through textContent.

const PLATFORM_LABELS = { tiktok: 'TikTok', meta: 'Meta', google: 'Google' };
const platformName = (p) => PLATFORM_LABELS[p] ?? p;

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
};

export function createContacts({ $, api, showError, clearError, markUpdated, setBusy, simpleTable, badge }) {
  const state = { search: '', includeErased: false, contacts: [], selected: null, masked: false };

  function listQuery() {
    const q = new URLSearchParams({ limit: '200' });
    if (state.search) q.set('search', state.search);
    if (state.includeErased) q.set('include_erased', 'true');
    return `?${q}`;
  }

  async function loadList() {
    const r = await api(`/api/contacts${listQuery()}`);
    state.contacts = r.contacts;
    state.masked = r.pii_masked;
    renderList(r.total);
  }

  async function loadDetail() {
    const id = state.selected;
    if (!id) { $('contact-detail').hidden = true; return; }
    const [c, h, k] = await Promise.all([
      api(`/api/contacts/${encodeURIComponent(id)}`),
      api(`/api/contacts/${encodeURIComponent(id)}/history`),
      api(`/api/contacts/${encodeURIComponent(id)}/consent`),
    ]);
    if (state.selected !== id) return;
    renderDetail(c.contact, h.versions, k.consent);
  }

  async function load() {
    await loadList();
    await loadDetail();
    markUpdated();
  }

  function renderList(total) {
    $('contacts-masked').hidden = !state.masked;
    const table = $('contacts-table');
    simpleTable(table, ['Name', 'Platforms', 'Status', 'Updated'], state.contacts.map((c) => {
      const open = el('button', { type: 'button', className: 'link', textContent: c.display_name ?? `Contact ${c.id}` });
      open.addEventListener('click', () => select(c.id));
      return [open, c.platforms.map(platformName).join(', '), badge(c.status, `contact-${c.status}`), c.updated_at];
    }), state.search ? 'No contact matches.' : 'No contact yet.');
    for (const [i, c] of state.contacts.entries()) {
      const tr = table.tBodies[0].rows[i];
      tr.dataset.contactId = String(c.id);
      tr.dataset.status = c.status;
      tr.classList.toggle('selected', c.id === state.selected);
    }
    $('contacts-count').textContent = total > state.contacts.length ? `${state.contacts.length} of ${total}` : String(total);
  }

  function value(a) {
    const v = el('span', { textContent: a.value });
    if (a.masked) {
      v.className = 'masked';
      v.title = 'masked: this API key has no pii scope';
    }
    return v;
  }

  function renderIdentity(i) {
    const head = el('h5', {}, `${platformName(i.platform)} · ${i.platform_user_id} `, badge(i.status, `contact-${i.status}`));
    const facts = [
      i.connection ? `connection ${i.connection}` : null,
      i.grant_id ? `grant ${i.grant_id}` : null,
      i.fetched_at ? `fetched ${i.fetched_at}` : 'never fetched',
      i.sync ? `sync ${i.sync.status}${i.sync.next_due_at ? `, next due ${i.sync.next_due_at}` : ''}${i.sync.error ? `: ${i.sync.error}` : ''}` : null,
    ].filter(Boolean).join(' · ');
    const table = el('table', { className: 'data attributes' });
    simpleTable(table, ['Attribute', 'Value', 'Source', 'Fetched'],
      i.attributes.map((a) => [a.name, value(a), platformName(a.source_platform), a.fetched_at]), 'No attribute kept.');
    for (const [n, a] of i.attributes.entries()) table.tBodies[0].rows[n].dataset.attribute = a.name;
    const box = el('section', { className: 'identity' }, head, el('p', { className: 'hint', textContent: facts }), el('div', { className: 'scroll' }, table));
    box.dataset.platform = i.platform;
    box.dataset.identityId = String(i.id);
    return box;
  }

  // What changed in a version: each changed attribute with its new value, or "removed".
  function changes(v) {
    const ul = el('ul', { className: 'changes' });
    for (const name of v.changed) {
      const has = Object.hasOwn(v.attributes, name);
      ul.append(el('li', {}, el('span', { className: 'attr', textContent: name }), has ? `: ${v.attributes[name]}` : ' removed'));
    }
    return ul;
  }

  function renderDetail(c, versions, consent) {
    $('contact-detail').hidden = false;
    $('contact-detail').dataset.contactId = String(c.id);
    $('contact-detail').dataset.status = c.status;
    $('contact-title').textContent = c.display_name ?? `Contact ${c.id}`;
    const status = $('contact-status');
    status.replaceChildren(badge(c.status, `contact-${c.status}`),
      ` contact ${c.id} · created ${c.created_at} · updated ${c.updated_at}`,
      c.erased_at ? ` · erased ${c.erased_at}` : '',
      c.user_id !== null ? ` · local user ${c.user_id}` : '');
    $('contact-erase').hidden = c.status === 'erased';
    $('contact-identities').replaceChildren(...(c.identities.length ? c.identities.map(renderIdentity) : [el('p', { className: 'hint', textContent: 'No identity.' })]));

    const history = $('contact-history');
    simpleTable(history, ['Fetched', 'Platform', 'Version', 'Changed'],
      versions.map((v) => [v.fetched_at, `${platformName(v.platform)} (${v.connection})`, v.version, changes(v)]), 'No version.');
    for (const [i, v] of versions.entries()) history.tBodies[0].rows[i].dataset.versionId = String(v.id);

    const table = $('contact-consent');
    simpleTable(table, ['At', 'Event', 'Connection', 'Grant', 'Scopes', 'Previous scopes', 'Source', 'Detail'],
      consent.map((e) => [e.at, badge(e.event, `consent-${e.event}`), e.connection, e.grant_id,
        e.scopes.split(',').filter(Boolean).join(', '), e.previous_scopes?.split(',').filter(Boolean).join(', '), e.source, e.detail]),
      'No consent recorded.');
    for (const [i, e] of consent.entries()) {
      const tr = table.tBodies[0].rows[i];
      tr.dataset.event = e.event;
      tr.cells[4].classList.add('scopes');
    }
  }

  async function select(id) {
    state.selected = id;
    for (const tr of $('contacts-table').tBodies[0]?.rows ?? []) tr.classList.toggle('selected', tr.dataset.contactId === String(id));
    setBusy(1);
    clearError();
    try {
      await loadDetail();
      $('contact-detail').scrollIntoView?.({ block: 'nearest' });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(-1);
    }
  }

  async function reload() {
    setBusy(1);
    clearError();
    try {
      await load();
    } catch (e) {
      showError(e);
    } finally {
      setBusy(-1);
    }
  }

  function askErase() {
    if (!state.selected) return;
    $('erase-reason').value = '';
    $('erase-dialog-text').textContent = `Erase the personal data of contact ${state.selected}? Its names, attributes, versions and message sender names are removed; an audit record without personal data remains. This cannot be undone.`;
    $('erase-dialog').showModal();
  }

  async function erase() {
    const id = state.selected;
    const reason = $('erase-reason').value.trim();
    const q = reason ? `?reason=${encodeURIComponent(reason)}` : '';
    setBusy(1);
    clearError();
    let failure = null;
    try {
      await api(`/api/contacts/${encodeURIComponent(id)}${q}`, { method: 'DELETE' });
    } catch (e) {
      failure = e;
    }
    try {
      // An erased contact leaves the list unless erased ones are shown; its page stays open.
      await load();
    } catch (e) {
      failure ??= e;
    } finally {
      if (failure) showError(failure);
      setBusy(-1);
    }
  }

  let searchTimer = null;
  $('contacts-search').addEventListener('input', (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.search = e.target.value.trim(); reload(); }, 250);
  });
  $('contacts-erased').addEventListener('change', (e) => { state.includeErased = e.target.checked; reload(); });
  $('contact-erase').addEventListener('click', askErase);
  $('erase-dialog').addEventListener('close', () => { if ($('erase-dialog').returnValue === 'erase') erase(); });

  return { load };
}
