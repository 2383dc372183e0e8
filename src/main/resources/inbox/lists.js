// The threads and contacts of the chosen number.

import { el, byId, show } from './dom.js';
import { time, customerName, contactName } from './format.js';
import { PagedList } from './paged-list.js';

export class ThreadsPane {
  constructor(api, onOpen) {
    this.api = api;
    this.onOpen = onOpen;
    this.number = null;
    this.openThread = null;
    this.list = new PagedList({
      fetchPage: async (cursor) => {
        const page = await this.api.threads(this.number, cursor, this.query);
        return { items: page.threads, next: page.next_cursor };
      },
      key: (thread) => thread.id,
      render: (thread) => this.row(thread),
      list: byId('threads'),
      more: byId('threads-more'),
      empty: byId('threads-empty'),
    });
    this.threads = new Map();
    this.query = '';
  }

  /** Only the threads whose customer matches query ('' for every thread). */
  async filter(query) {
    this.query = query;
    if (this.number) await this.list.reset();
  }

  async showNumber(number) {
    this.number = number;
    this.openThread = null;
    this.threads.clear();
    await this.list.reset();
  }

  refresh() {
    return this.number ? this.list.refreshHead() : Promise.resolve();
  }

  thread(id) {
    return this.threads.get(String(id));
  }

  markOpen(id) {
    this.openThread = String(id);
    for (const button of byId('threads').querySelectorAll('.thread-open')) {
      button.setAttribute('aria-current', button.dataset.threadId === this.openThread ? 'true' : 'false');
    }
  }

  row(thread) {
    this.threads.set(String(thread.id), thread);
    const preview = thread.last_preview ?? '';
    return el(
      'li',
      { dataset: { threadId: thread.id } },
      el(
        'button',
        {
          type: 'button',
          className: 'thread-open',
          dataset: { threadId: thread.id },
          attrs: { 'aria-current': String(thread.id) === this.openThread ? 'true' : 'false' },
          on: { click: () => this.onOpen(thread) },
        },
        el('span', { className: 'thread-name', attrs: { dir: 'auto' } }, customerName(thread.customer)),
        el('span', { className: 'thread-time' }, time(thread.last_message_at)),
        el(
          'span',
          { className: 'thread-preview' },
          thread.last_direction === 'outbound' && preview ? 'You: ' : '',
          // the customer's words keep their own direction (Arabic, Hebrew) whatever precedes them
          el('bdi', { dataset: { role: 'preview' }, attrs: { dir: 'auto' } }, preview || `${thread.message_count} messages`),
        ),
        thread.unread_count > 0
          ? el('span', { className: 'unread', attrs: { 'aria-label': `${thread.unread_count} unread` } }, String(thread.unread_count))
          : null,
      ),
    );
  }
}

export class ContactsPane {
  constructor(api) {
    this.api = api;
    this.number = null;
    this.list = new PagedList({
      fetchPage: async (cursor) => {
        const page = await this.api.contacts(this.number, cursor);
        return { items: page.contacts, next: page.next_cursor };
      },
      key: (contact) => `${contact.phone ?? ''}|${contact.user_id ?? ''}`,
      render: (contact) => ContactsPane.row(contact),
      list: byId('contacts'),
      more: byId('contacts-more'),
      empty: byId('contacts-empty'),
    });
  }

  async showNumber(number) {
    this.number = number;
    await this.list.reset();
  }

  refresh() {
    return this.number ? this.list.reset() : Promise.resolve();
  }

  static row(contact) {
    const identity = [
      contact.phone ? `+${contact.phone}` : null,
      contact.username ? `@${contact.username}` : null,
      contact.user_id,
    ].filter(Boolean);
    return el(
      'li',
      {
        className: contact.removed ? 'contact removed' : 'contact',
        dataset: { phone: contact.phone, userId: contact.user_id, removed: contact.removed },
      },
      el(
        'span',
        { className: 'contact-name', attrs: { dir: 'auto' } },
        contactName(contact),
      ),
      contact.removed ? el('span', { className: 'pill bad' }, 'Removed') : null,
      el('span', { className: 'muted' }, identity.join(' · ')),
      contact.changed_at ? el('span', { className: 'muted' }, 'Changed ', time(contact.changed_at)) : null,
    );
  }
}

export function showList(which) {
  const threads = which === 'threads';
  show(byId('threads-view'), threads);
  show(byId('contacts-view'), !threads);
  byId('show-threads').setAttribute('aria-pressed', String(threads));
  byId('show-contacts').setAttribute('aria-pressed', String(!threads));
}
