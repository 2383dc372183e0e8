// The open conversation: its messages as bubbles (message-bubble.js) with a separator per day and
// a jump to a date (days.js), the page that holds a search hit, and what a bubble has to look up
// (the message a reply quotes, the reason a send failed).
//
// Rendering is keyed: each message and each day separator has one node, kept while its message
// does not change. A live event or a merged page replaces the bubbles whose message changed and
// inserts the new ones; nothing else of a 2,000-message thread is touched. Older pages load as the
// reader scrolls towards the top, and the scroll position stays on what was being read.

import { el, byId, show } from './dom.js';
import { customerName } from './format.js';
import { preview } from './bubbles.js';
import { messageBubble, errorLine } from './message-bubble.js';
import { keysWithDays, isDayKey, daySeparator, jumpToDay } from './days.js';

/** Load the next older page when the reader is this close (px) to the top. */
const NEAR_TOP = 600;

function when(message) {
  return Date.parse(message.sent_at ?? '') || 0;
}

export class Conversation {
  /** historyOf(number): the number's history sync, for when its media follow-ups end. */
  constructor(api, { historyOf = () => null } = {}) {
    this.api = api;
    this.historyOf = historyOf;
    this.list = byId('messages');
    this.scroller = byId('messages-scroller');
    this.older = byId('messages-older');
    this.older.addEventListener('click', () => this.loadOlder());
    byId('jump-date').addEventListener('change', (event) => this.jumpTo(event.target.value).catch(() => {}));
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < NEAR_TOP) this.loadOlder();
    });
    this.clear();
  }

  clear() {
    this.number = null;
    this.thread = null;
    this.messages = new Map();
    this.order = [];
    this.nodes = new Map(); // key → {node, signature}
    this.before = null;
    this.loadingOlder = null;
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
    this.merge(page.messages, { fresh: false });
    this.before = page.before_cursor;
    this.render();
    this.scrollToEnd();
    // a first page shorter than the pane leaves nothing to scroll: fill it
    this.fill();
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
    this.found = hit.message.wamid;
    this.merge([...before.messages, ...after.messages], { fresh: false });
    this.before = before.before_cursor;
    this.render();
    this.list.querySelector(`li[data-wamid="${CSS.escape(this.found)}"]`)?.scrollIntoView({ block: 'center' });
  }

  /** Loads the page before the oldest shown; one at a time, whoever asks. */
  loadOlder({ limit } = {}) {
    if (!this.before) return Promise.resolve();
    if (!this.loadingOlder) {
      this.loadingOlder = this.fetchOlder(limit).finally(() => {
        this.loadingOlder = null;
      });
    }
    return this.loadingOlder;
  }

  async fetchOlder(limit) {
    const generation = this.generation;
    const page = await this.api.messages(this.number, this.thread, { before: this.before, ...(limit ? { limit } : {}) });
    if (generation !== this.generation) return;
    // what was read stays where it was: the page grows above it
    const height = this.scroller.scrollHeight;
    const top = this.scroller.scrollTop;
    this.merge(page.messages, { fresh: false });
    this.before = page.before_cursor;
    this.render();
    this.scroller.scrollTop = top + (this.scroller.scrollHeight - height);
  }

  fill() {
    if (this.before && this.scroller.scrollHeight <= this.scroller.clientHeight + NEAR_TOP) {
      this.loadOlder().then(() => this.fill()).catch(() => {});
    }
  }

  /** The feed said this thread changed: fetch the newest page and merge it. */
  async refresh() {
    if (this.thread === null) return;
    const generation = this.generation;
    const page = await this.api.messages(this.number, this.thread);
    if (generation !== this.generation) return;
    const atEnd = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 40;
    const knewAny = page.messages.some((message) => this.messages.has(message.wamid));
    if (!knewAny && page.before_cursor && this.messages.size > 0) {
      // more arrived than one page holds: start again from the newest page
      this.messages.clear();
      this.order = [];
      this.before = page.before_cursor;
    }
    this.merge(page.messages, { fresh: true });
    this.render();
    if (atEnd) this.scrollToEnd();
  }

  /** A status or edit of one message that may be older than the newest page. */
  async refreshMessage(wamid) {
    if (!this.messages.has(wamid)) return;
    const generation = this.generation;
    const message = await this.api.message(wamid);
    if (generation !== this.generation) return;
    this.merge([message], { fresh: false });
    this.render();
  }

  merge(messages, { fresh }) {
    let added = false;
    for (const message of messages) {
      const known = this.messages.get(message.wamid);
      // the detail of one message carries its number and statuses; a page does not
      const { statuses, phone_number_id: _number, ...shown } = message;
      this.messages.set(message.wamid, { ...shown, at: when(message), fresh: fresh && !known });
      if (!known) {
        added = true;
        this.order.push(message.wamid);
      }
    }
    if (added) {
      // pages are oldest first and may interleave with what is shown; ties keep arrival order
      const position = new Map(this.order.map((wamid, index) => [wamid, index]));
      this.order.sort((a, b) => this.messages.get(a).at - this.messages.get(b).at || position.get(a) - position.get(b));
    }
  }

  /** The keys in page order: a day separator before the first message of each day. */
  keys() {
    return keysWithDays(this.order, (wamid) => this.messages.get(wamid).at);
  }

  /** The time (epoch ms) of the oldest message shown, 0 when unknown or none. */
  oldestAt() {
    return this.messages.get(this.order[0])?.at ?? 0;
  }

  render() {
    const keys = this.keys();
    const wanted = new Set(keys);
    for (const [key, entry] of this.nodes) {
      if (!wanted.has(key)) {
        entry.node.remove();
        this.nodes.delete(key);
      }
    }
    for (const key of keys) this.node(key);
    // put every node in place; nodes already in place are not touched
    let cursor = this.list.firstChild;
    for (const key of keys) {
      const node = this.nodes.get(key).node;
      if (node === cursor) cursor = cursor.nextSibling;
      else this.list.insertBefore(node, cursor);
    }
    show(this.older, Boolean(this.before));
    show(byId('messages-empty'), this.order.length === 0);
    if (this.order.length === 0) byId('messages-empty').textContent = 'No messages.';
    for (const message of this.messages.values()) message.fresh = false;
  }

  /** The node of a key, built again only when what it shows changed. */
  node(key) {
    const entry = this.nodes.get(key);
    if (isDayKey(key)) {
      if (entry) return entry.node;
      const node = daySeparator(key);
      this.nodes.set(key, { node, signature: key });
      return node;
    }
    const wamid = key.slice(4);
    const message = this.messages.get(wamid);
    const errors = this.statusErrors.get(wamid);
    const quote = message.reply_to ? this.quoteText(message.reply_to) : null;
    // the same message object with the same surroundings: nothing to compare
    if (entry && entry.message === message && entry.errors === errors && entry.quote === quote) return entry.node;
    const signature = JSON.stringify([{ ...message, fresh: undefined }, errors, quote]);
    if (entry && entry.signature === signature) {
      Object.assign(entry, { message, errors, quote });
      return entry.node;
    }
    const node = this.bubble(message);
    if (entry) {
      // keep an open details panel open across an update of its bubble
      if (entry.node.querySelector('details.message-details')?.open) node.querySelector('details.message-details').open = true;
      entry.node.replaceWith(node);
    }
    this.nodes.set(key, { node, signature, message, errors, quote });
    return node;
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Loads older pages until the day `day` (YYYY-MM-DD) is shown, then scrolls to it (days.js). */
  jumpTo(day) {
    return jumpToDay(this, day);
  }

  bubble(message) {
    // the quote first, then the errors: each may start a look-up that renders again when done
    const quote = this.quote(message);
    const errors = this.errors(message);
    return messageBubble(this.api, message, {
      quote,
      errors,
      found: message.wamid === this.found,
      historyStartedAt: this.historyOf(this.number)?.started_at,
    });
  }

  /** A failed message's reason; from its status history when the message itself has none. */
  errors(message) {
    if (message.status !== 'failed' || message.errors?.length) return errorLine(message);
    if (!this.statusErrors.has(message.wamid)) this.lookUpStatusErrors(message.wamid);
    return errorLine(message, this.statusErrors.get(message.wamid));
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

  quoteText(wamid) {
    const target = this.messages.get(wamid);
    if (target) return preview(target);
    return this.quotes.get(wamid) ?? null;
  }

  quote(message) {
    if (!message.reply_to) return null;
    const quoted = el('blockquote', { className: 'quote', dataset: { role: 'quote', replyTo: message.reply_to }, attrs: { dir: 'auto' } });
    const text = this.quoteText(message.reply_to);
    if (text !== null) {
      quoted.append(`↩ ${text}`);
    } else {
      quoted.append('↩ Reply to an earlier message');
      this.lookUpQuote(message.reply_to);
    }
    return quoted;
  }

  async lookUpQuote(wamid) {
    this.quotes.set(wamid, 'Reply to an earlier message');
    try {
      this.quotes.set(wamid, preview(await this.api.message(wamid)));
    } catch {
      this.quotes.set(wamid, 'Reply to a message Coexist has not seen');
    }
    if ([...this.messages.values()].some((message) => message.reply_to === wamid)) this.render();
  }
}
