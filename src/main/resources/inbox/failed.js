// Journal entries that failed to apply, with their error and a replay button.

import { el, byId, show } from './dom.js';
import { time } from './format.js';

export class FailedDeliveries {
  constructor(api) {
    this.api = api;
    this.body = byId('failed');
    this.next = null;
    this.more = byId('failed-more');
    this.more.addEventListener('click', () => this.load(this.next));
    byId('replay-all').addEventListener('click', () => this.replayAll());
    this.replayed = new Map();
  }

  async refresh() {
    this.body.replaceChildren();
    await this.load(null);
  }

  async load(cursor) {
    const page = await this.api.failed(cursor);
    this.body.append(...page.entries.map((entry) => this.row(entry)));
    this.next = page.next_cursor;
    show(this.more, Boolean(this.next));
    const count = this.body.children.length;
    show(byId('failed-empty'), count === 0);
    show(byId('failed-table'), count > 0);
    byId('replay-all').disabled = count === 0;
    byId('failed-count').textContent = count === 0 ? '' : `${count}${this.next ? '+' : ''}`;
  }

  row(entry) {
    const state = el('span', { className: 'replay-state', attrs: { role: 'status' } }, this.replayed.get(entry.id) ?? '');
    const replay = el(
      'button',
      {
        type: 'button',
        dataset: { replay: entry.id },
        attrs: { 'aria-label': `Replay journal entry ${entry.id}` },
        on: { click: () => this.replay(entry.id, replay, state) },
      },
      'Replay',
    );
    return el(
      'tr',
      { dataset: { journalId: entry.id } },
      el('td', {}, `#${entry.id}`, entry.event_id ? el('div', { className: 'muted' }, entry.event_id) : null),
      el('td', {}, time(entry.received_at)),
      el('td', {}, entry.route),
      el(
        'td',
        {},
        el('div', { className: 'error-text', dataset: { role: 'error' } }, entry.error ?? 'no error recorded'),
        entry.problems?.length
          ? el(
              'ul',
              { className: 'problems' },
              [
                ...entry.problems.map((problem) => el('li', {}, `${problem.location}: ${problem.kind} — ${problem.message}`)),
                entry.problem_count > entry.problems.length
                  ? el('li', { className: 'muted' }, `and ${entry.problem_count - entry.problems.length} more`)
                  : null,
              ],
            )
          : null,
      ),
      el('td', {}, String(entry.attempts)),
      el('td', {}, replay, state),
    );
  }

  async replay(id, button, state) {
    button.disabled = true;
    state.textContent = 'Replaying…';
    try {
      const result = await this.api.replay(id);
      const text = result.replayed > 0 ? 'Queued for replay' : 'Nothing to replay';
      this.replayed.set(id, text);
      state.textContent = text;
    } catch (error) {
      state.textContent = `Replay failed: ${error.message}`;
      button.disabled = false;
    }
  }

  async replayAll() {
    const button = byId('replay-all');
    button.disabled = true;
    try {
      await this.api.replayFailed();
      for (const row of this.body.querySelectorAll('.replay-state')) row.textContent = 'Queued for replay';
    } finally {
      button.disabled = false;
    }
  }
}
