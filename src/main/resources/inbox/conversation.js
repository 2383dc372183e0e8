// The open conversation: bubbles by direction, where each message came from, status ticks,
// edits, deletions, replies, reactions and media. Live updates merge by wamid.

import { el, byId, show } from './dom.js';
import { time, customerName, ORIGINS, STATUSES, errorText } from './format.js';

function badges(message) {
  return el(
    'div',
    { className: 'badges' },
    (message.origins ?? []).map((origin) =>
      el('span', { className: `badge ${origin}`, dataset: { origin } }, ORIGINS[origin] ?? origin),
    ),
  );
}

function media(message) {
  const item = message.media;
  if (!item || message.revoked) return null;
  if (item.placeholder) {
    return el(
      'div',
      { className: 'media placeholder', dataset: { role: 'media', placeholder: 'true' } },
      el('span', { className: 'media-type' }, 'Media placeholder'),
      el('span', {}, 'History import: the media itself has not arrived (yet).'),
      item.id ? el('span', { className: 'media-id' }, `media id ${item.id}`) : null,
    );
  }
  return el(
    'div',
    { className: 'media', dataset: { role: 'media' } },
    el('span', { className: 'media-type' }, [message.type, item.mime_type].filter(Boolean).join(' · ')),
    item.filename ? el('span', {}, item.filename) : null,
    item.caption ? el('span', { className: 'caption', dataset: { role: 'caption' } }, item.caption) : null,
    el('span', { className: 'media-id' }, `media id ${item.id ?? 'unknown'}`),
  );
}

function body(message) {
  if (message.revoked) {
    return el('p', { className: 'text revoked', dataset: { role: 'revoked' } }, 'This message was deleted');
  }
  const parts = [];
  // the caption is already part of the media block
  const text = message.media?.caption && message.text === message.media.caption ? null : message.text;
  if (text) parts.push(el('p', { className: 'text', dataset: { role: 'text' } }, text));
  if (!text && !message.media) {
    parts.push(el('p', { className: 'text muted', dataset: { role: 'text' } }, `${message.type ?? 'unknown'} message`));
  }
  if (message.content !== null && message.content !== undefined && !message.media && message.type !== 'text') {
    parts.push(
      el(
        'details',
        { className: 'content-details' },
        el('summary', {}, 'Content'),
        el('pre', {}, JSON.stringify(message.content, null, 2)),
      ),
    );
  }
  return parts;
}

function ticks(message) {
  if (message.direction !== 'outbound' || !message.status) return null;
  const known = STATUSES[message.status] ?? { ticks: '?', label: message.status };
  return el(
    'span',
    {
      className: `ticks ${message.status}`,
      dataset: { status: message.status },
      attrs: { role: 'img', 'aria-label': known.label, title: known.label },
    },
    known.ticks,
  );
}

function errors(message, statusErrors) {
  const list = message.errors?.length ? message.errors : (statusErrors ?? []);
  if (message.status !== 'failed' && list.length === 0) return null;
  return el(
    'p',
    { className: 'message-errors', dataset: { role: 'errors' } },
    message.status === 'failed' ? 'Failed: ' : 'Errors: ',
    list.map(errorText).join('; ') || (statusErrors ? 'no reason given' : '…'),
  );
}

export class Conversation {
  constructor(api) {
    this.api = api;
    this.list = byId('messages');
    this.scroller = byId('messages-scroller');
    this.older = byId('messages-older');
    this.older.addEventListener('click', () => this.loadOlder());
    this.clear();
  }

  clear() {
    this.number = null;
    this.thread = null;
    this.messages = new Map();
    this.order = [];
    this.before = null;
    this.quotes = new Map();
    this.statusErrors = new Map();
    this.found = null;
    this.generation = (this.generation ?? 0) + 1;
    this.list.replaceChildren();
    show(this.older, false);
    show(byId('messages-empty'), true);
    byId('conversation-title').textContent = 'Conversation';
    byId('conversation-subtitle').textContent = '';
  }

  isOpen(number, thread) {
    return this.number === number && this.thread !== null && String(this.thread) === String(thread);
  }

  has(wamid) {
    return this.messages.has(wamid);
  }

  async open(number, thread) {
    this.clear();
    this.number = number;
    this.thread = thread.id;
    byId('conversation-title').textContent = customerName(thread.customer);
    byId('conversation-subtitle').textContent = [
      thread.customer?.phone ? `+${thread.customer.phone}` : null,
      thread.customer?.username ? `@${thread.customer.username}` : null,
      thread.customer?.user_id,
    ]
      .filter(Boolean)
      .join(' · ');
    show(byId('messages-empty'), false);
    const generation = this.generation;
    const page = await this.api.messages(number, thread.id);
    if (generation !== this.generation) return;
    this.merge(page.messages, { older: false, fresh: false });
    this.before = page.before_cursor;
    this.render();
    this.scrollToEnd();
  }

  /**
   * A search hit's conversation, scrolled to its message: the page that ends with it and the
   * messages after it (the hit's cursors), the message marked until another is opened.
   */
  async openAt(number, hit) {
    const thread = hit.thread ?? { id: hit.message.thread_id, customer: null };
    this.clear();
    this.number = number;
    this.thread = thread.id;
    byId('conversation-title').textContent = customerName(thread.customer);
    show(byId('messages-empty'), false);
    const generation = this.generation;
    const [before, after] = await Promise.all([
      this.api.messages(number, thread.id, { before: hit.messages_before, limit: 25 }),
      this.api.messages(number, thread.id, { after: hit.messages_after, limit: 25 }),
    ]);
    if (generation !== this.generation) return;
    this.merge([...before.messages, ...after.messages], { older: false, fresh: false });
    this.before = before.before_cursor;
    this.found = hit.message.wamid;
    this.render();
    this.list.querySelector(`li[data-wamid="${CSS.escape(this.found)}"]`)?.scrollIntoView({ block: 'center' });
  }

  async loadOlder() {
    if (!this.before) return;
    const generation = this.generation;
    const page = await this.api.messages(this.number, this.thread, { before: this.before });
    if (generation !== this.generation) return;
    const height = this.scroller.scrollHeight;
    this.merge(page.messages, { older: true, fresh: false });
    this.before = page.before_cursor;
    this.render();
    this.scroller.scrollTop += this.scroller.scrollHeight - height;
  }

  /** The feed said this thread changed: fetch the newest page and merge it. */
  async refresh() {
    if (this.thread === null) return;
    const generation = this.generation;
    const page = await this.api.messages(this.number, this.thread);
    if (generation !== this.generation) return;
    const atEnd = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 40;
    const knewAny = page.messages.some((message) => this.messages.has(message.wamid));
    if (!knewAny && page.before_cursor) {
      // more arrived than one page holds: start again from the newest page
      this.messages.clear();
      this.order = [];
      this.before = page.before_cursor;
    }
    this.merge(page.messages, { older: false, fresh: true });
    this.render();
    if (atEnd) this.scrollToEnd();
  }

  /** A status or edit of one message that may be older than the newest page. */
  async refreshMessage(wamid) {
    if (!this.messages.has(wamid)) return;
    const generation = this.generation;
    const message = await this.api.message(wamid);
    if (generation !== this.generation) return;
    this.merge([message], { older: false, fresh: false });
    this.render();
  }

  merge(messages, { older, fresh }) {
    const added = [];
    for (const message of messages) {
      if (!this.messages.has(message.wamid)) added.push(message.wamid);
      this.messages.set(message.wamid, { ...message, fresh: fresh && !this.messages.has(message.wamid) });
    }
    if (older) {
      this.order = [...added, ...this.order];
    } else {
      this.order = [...this.order, ...added];
    }
    // pages are oldest first, and a merged page may interleave with what is shown
    const position = new Map(this.order.map((wamid, index) => [wamid, index]));
    const when = (wamid) => Date.parse(this.messages.get(wamid).sent_at ?? '') || 0;
    this.order.sort((a, b) => when(a) - when(b) || position.get(a) - position.get(b));
  }

  render() {
    this.list.replaceChildren(...this.order.map((wamid) => this.bubble(this.messages.get(wamid))));
    show(this.older, Boolean(this.before));
    show(byId('messages-empty'), this.order.length === 0);
    if (this.order.length === 0) byId('messages-empty').textContent = 'No messages.';
    for (const message of this.messages.values()) message.fresh = false;
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  bubble(message) {
    return el(
      'li',
      {
        className: `message ${message.direction}${message.fresh ? ' fresh' : ''}${message.wamid === this.found ? ' found' : ''}`,
        dataset: { wamid: message.wamid, direction: message.direction, type: message.type },
        attrs: { 'aria-label': `${message.direction === 'outbound' ? 'Sent' : 'Received'} message` },
      },
      badges(message),
      this.quote(message),
      media(message),
      body(message),
      message.reactions?.length
        ? el(
            'ul',
            { className: 'reactions', attrs: { 'aria-label': 'Reactions' } },
            message.reactions
              .filter((reaction) => reaction.emoji)
              .map((reaction) =>
                el('li', { dataset: { role: 'reaction', direction: reaction.direction } }, reaction.emoji),
              ),
          )
        : null,
      this.errors(message),
      el(
        'div',
        { className: 'message-meta' },
        message.edited
          ? el(
              'span',
              {
                className: 'marker',
                dataset: { role: 'edited' },
                attrs: {
                  title: message.edited.original_text ? `Originally: ${message.edited.original_text}` : 'Edited',
                },
              },
              'edited',
            )
          : null,
        message.revoked ? el('span', { className: 'marker', dataset: { role: 'revoked-marker' } }, 'deleted') : null,
        time(message.sent_at),
        ticks(message),
      ),
    );
  }

  /** A failed message's reason; from its status history when the message itself has none. */
  errors(message) {
    if (message.status !== 'failed' || message.errors?.length) return errors(message);
    if (!this.statusErrors.has(message.wamid)) this.lookUpStatusErrors(message.wamid);
    return errors(message, this.statusErrors.get(message.wamid));
  }

  async lookUpStatusErrors(wamid) {
    this.statusErrors.set(wamid, undefined);
    let found = [];
    try {
      const detail = await this.api.message(wamid);
      found = (detail.statuses ?? []).filter((status) => status.status === 'failed').flatMap((status) => status.errors ?? []);
    } catch {
      found = [];
    }
    this.statusErrors.set(wamid, found);
    if (this.messages.has(wamid)) this.render();
  }

  quote(message) {
    if (!message.reply_to) return null;
    const quoted = el('blockquote', { className: 'quote', dataset: { role: 'quote', replyTo: message.reply_to } });
    const target = this.messages.get(message.reply_to);
    if (target) {
      quoted.append(`↩ ${target.text ?? `${target.type} message`}`);
    } else if (this.quotes.has(message.reply_to)) {
      quoted.append(`↩ ${this.quotes.get(message.reply_to)}`);
    } else {
      quoted.append('↩ Reply to an earlier message');
      this.lookUpQuote(message.reply_to);
    }
    return quoted;
  }

  async lookUpQuote(wamid) {
    this.quotes.set(wamid, 'Reply to an earlier message');
    try {
      const target = await this.api.message(wamid);
      this.quotes.set(wamid, target.text ?? `${target.type} message`);
    } catch {
      this.quotes.set(wamid, 'Reply to a message Coexist has not seen');
    }
    for (const node of this.list.querySelectorAll('[data-role="quote"]')) {
      if (node.dataset.replyTo === wamid) node.textContent = `↩ ${this.quotes.get(wamid)}`;
    }
  }
}
