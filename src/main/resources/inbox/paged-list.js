// A list that loads the next page (cursor pagination) when its "load more" button scrolls into
// view, and can merge a fresh first page in place when the feed says something changed.

import { show } from './dom.js';

export class PagedList {
  /**
   * fetchPage(cursor) → {items, next}; key(item) → identity; render(item) → <li>;
   * list: the <ul>; more: the "load more" button; empty: the "nothing here" note.
   */
  constructor({ fetchPage, key, render, list, more, empty }) {
    Object.assign(this, { fetchPage, key, render, list, more, empty });
    this.items = new Map();
    this.next = null;
    this.generation = 0;
    this.loading = null;
    this.more.addEventListener('click', () => this.loadMore());
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) this.loadMore();
    });
    this.observer.observe(this.more);
  }

  /** Forgets everything and loads the first page. */
  async reset() {
    this.generation += 1;
    this.items.clear();
    this.list.replaceChildren();
    this.next = null;
    this.loading = null;
    show(this.more, false);
    show(this.empty, false);
    await this.load(null, this.generation);
  }

  clear() {
    this.generation += 1;
    this.items.clear();
    this.list.replaceChildren();
    this.next = null;
    show(this.more, false);
    show(this.empty, false);
  }

  async loadMore() {
    if (!this.next || this.loading) return;
    await this.load(this.next, this.generation);
  }

  async load(cursor, generation) {
    this.loading = this.fetchPage(cursor);
    try {
      const page = await this.loading;
      if (generation !== this.generation) return;
      for (const item of page.items) this.upsert(item, 'append');
      this.next = page.next;
      this.settle();
    } finally {
      this.loading = null;
    }
    // a short first page may leave the button in view: IntersectionObserver fires only on change
    if (this.next && this.visible(this.more)) await this.loadMore();
  }

  /** Fetches the first page again: changed items move to the top in the server's order. */
  async refreshHead() {
    const generation = this.generation;
    const page = await this.fetchPage(null);
    if (generation !== this.generation) return;
    let anchor = null;
    for (const item of page.items) {
      const node = this.upsert(item, 'detach');
      if (anchor) anchor.after(node);
      else this.list.prepend(node);
      anchor = node;
    }
    if (this.items.size === page.items.length) this.next = page.next;
    this.settle();
  }

  upsert(item, mode) {
    const key = this.key(item);
    const node = this.render(item);
    const old = this.items.get(key);
    this.items.set(key, node);
    if (old && mode === 'append') old.replaceWith(node);
    else if (old) old.remove();
    else if (mode === 'append') this.list.append(node);
    return node;
  }

  settle() {
    show(this.more, Boolean(this.next));
    show(this.empty, this.items.size === 0);
  }

  visible(node) {
    if (node.hidden) return false;
    const box = node.getBoundingClientRect();
    return box.top < window.innerHeight && box.bottom > 0 && box.height > 0;
  }
}
