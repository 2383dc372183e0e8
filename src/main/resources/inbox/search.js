// The search box of the conversations view: `/` focuses it; what is typed filters the thread list
// (customer phone in any formatting, name, username, BSUID) and lists the messages that have the
// words (GET /api/v1/search), newest first. Clicking a message opens its conversation at it.

import { el, byId, show } from './dom.js';
import { time, customerName } from './format.js';

/** How long typing pauses before the search runs: one request per word, not per key. */
const PAUSE = 250;

export class SearchBox {
  /**
   * api: the read API; number(): the chosen number; onQuery(q): filter the threads by q ('' for
   * none); onOpenHit(hit): open the hit's conversation at its message; report(error).
   */
  constructor(api, { number, onQuery, onOpenHit, report }) {
    Object.assign(this, { api, number, onQuery, onOpenHit, report });
    this.input = byId('search');
    this.hits = byId('message-hits');
    this.more = byId('message-hits-more');
    this.section = byId('search-results');
    this.query = '';
    this.next = null;
    this.generation = 0;
    this.timer = null;
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(this.input.value.trim()), PAUSE);
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        this.clear();
        this.input.blur();
      }
    });
    byId('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      this.run(this.input.value.trim());
    });
    this.more.addEventListener('click', () => this.load(this.generation).catch(report));
    document.addEventListener('keydown', (event) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (byId('inbox').hidden) return;
      event.preventDefault();
      this.input.focus();
      this.input.select();
    });
  }

  /** Forgets the search (the number changed, or the key was forgotten). */
  clear() {
    clearTimeout(this.timer);
    const had = this.query !== '';
    this.input.value = '';
    this.query = '';
    this.reset();
    if (had) this.onQuery('');
  }

  /** Lists the messages again for the chosen number (the number changed; its threads follow q). */
  rerun() {
    if (!this.query) return;
    this.reset();
    this.findMessages();
  }

  reset() {
    this.generation += 1;
    this.next = null;
    this.hits.replaceChildren();
    show(this.section, false);
    show(this.more, false);
  }

  run(query) {
    if (query === this.query) return;
    this.query = query;
    this.reset();
    this.onQuery(query);
    if (query) this.findMessages();
  }

  findMessages() {
    show(this.section, true);
    byId('message-hits-state').textContent = 'Searching…';
    this.load(this.generation).catch((error) => {
      byId('message-hits-state').textContent = error.reason ?? error.message;
    });
  }

  async load(generation) {
    const page = await this.api.search(this.query, this.number(), this.next);
    if (generation !== this.generation) return;
    for (const hit of page.hits) this.hits.append(this.row(hit));
    this.next = page.next_cursor;
    show(this.more, Boolean(this.next));
    const count = this.hits.children.length;
    byId('message-hits-state').textContent = count === 0 ? 'No messages.' : '';
  }

  row(hit) {
    const { message, thread } = hit;
    const text = message.text ?? message.media?.caption ?? message.media?.filename ?? `${message.type ?? 'unknown'} message`;
    return el(
      'li',
      { dataset: { wamid: message.wamid, threadId: message.thread_id } },
      el(
        'button',
        { type: 'button', className: 'hit-open', on: { click: () => this.onOpenHit(hit) } },
        // a name and words in Arabic or Hebrew read right to left, whatever the page's direction
        el('span', { className: 'thread-name', attrs: { dir: 'auto' } }, thread ? customerName(thread.customer) : `Thread ${message.thread_id}`),
        el('span', { className: 'thread-time' }, time(message.sent_at)),
        el(
          'span',
          { className: 'hit-text' },
          message.direction === 'outbound' ? 'You: ' : '',
          // isolated, so that "You: " does not decide the direction of the customer's words
          el('bdi', { dataset: { role: 'hit-text' }, attrs: { dir: 'auto' } }, text),
        ),
      ),
    );
  }
}
