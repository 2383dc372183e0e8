// The journal view: failed deliveries (with Replay), rejected ones, or applied ones with items
// that were not applied; one entry's body and problems; chosen entries downloaded as the JSON
// lines `coexist import` reads.

import { el, byId, show } from './dom.js';
import { time, plural } from './format.js';
import { JournalEntry } from './journal-entry.js';

const FILTERS = {
  failed: { query: { state: 'failed' }, empty: 'No failed deliveries.' },
  rejected: { query: { state: 'rejected' }, empty: 'No rejected deliveries.' },
  problems: { query: { with_problems: true }, empty: 'No applied delivery has items that were not applied.' },
};

/** What /api/v1/journal/export takes at once. */
const EXPORT_BATCH = 500;

export class JournalView {
  constructor(api, report) {
    this.api = api;
    this.report = report;
    this.body = byId('failed');
    this.filter = 'failed';
    this.next = null;
    this.generation = 0;
    this.chosen = new Set();
    this.replayed = new Map();
    this.entry = new JournalEntry(api, report);
    byId('failed-more').addEventListener('click', () => this.load(this.next, this.generation).catch(report));
    byId('replay-all').addEventListener('click', () => this.replayAll());
    byId('journal-filter').addEventListener('change', (event) => this.setFilter(event.target.value));
    byId('choose-all').addEventListener('change', (event) => this.chooseAll(event.target.checked));
    byId('download-chosen').addEventListener('click', () => this.download().catch(report));
  }

  async refresh() {
    this.generation += 1;
    this.body.replaceChildren();
    await this.load(null, this.generation);
  }

  /** Signing out: nothing shown, nothing chosen. */
  reset() {
    this.generation += 1;
    this.body.replaceChildren();
    this.chosen.clear();
    this.entry.close();
    byId('failed-count').textContent = '';
    this.settle();
  }

  async setFilter(filter) {
    this.filter = filter in FILTERS ? filter : 'failed';
    this.chosen.clear();
    byId('download-state').textContent = '';
    await this.refresh().catch(this.report);
  }

  async load(cursor, generation) {
    const page = await this.api.journal(FILTERS[this.filter].query, cursor);
    if (generation !== this.generation) return; // the list was started over meanwhile
    this.body.append(...page.entries.map((entry) => this.row(entry)));
    this.next = page.next_cursor;
    this.settle();
  }

  settle() {
    show(byId('failed-more'), Boolean(this.next));
    const count = this.body.children.length;
    byId('failed-empty').textContent = FILTERS[this.filter].empty;
    show(byId('failed-empty'), count === 0);
    show(byId('failed-table'), count > 0);
    show(byId('replay-all'), this.filter === 'failed');
    byId('replay-all').disabled = count === 0;
    if (this.filter === 'failed') {
      const badge = byId('failed-count');
      badge.textContent = count === 0 ? '' : `${count}${this.next ? '+' : ''}`;
      badge.title = count === 0 ? '' : 'failed deliveries';
    }
    this.chosenChanged();
  }

  row(entry) {
    const state = el('span', { className: 'replay-state', attrs: { role: 'status' } }, this.replayed.get(entry.id) ?? '');
    const choose = el('input', {
      type: 'checkbox',
      className: 'choose',
      checked: this.chosen.has(entry.id),
      dataset: { choose: entry.id },
      attrs: { 'aria-label': `Choose journal entry ${entry.id}` },
      on: { change: (event) => this.choose(entry.id, event.target.checked) },
    });
    const open = el(
      'button',
      {
        type: 'button',
        className: 'quiet',
        dataset: { show: entry.id },
        attrs: { 'aria-label': `Show journal entry ${entry.id}` },
        on: { click: () => this.entry.open(entry.id).catch(this.report) },
      },
      'Show',
    );
    // duplicates, rejected and pending entries are never replayed
    const replayable = entry.state === 'failed' || entry.state === 'applied';
    const replay = replayable
      ? el(
          'button',
          {
            type: 'button',
            dataset: { replay: entry.id },
            attrs: { 'aria-label': `Replay journal entry ${entry.id}` },
            on: { click: () => this.replay(entry.id, replay, state) },
          },
          'Replay',
        )
      : null;
    return el(
      'tr',
      { dataset: { journalId: entry.id, state: entry.state } },
      el(
        'td',
        {},
        el('label', { className: 'entry-id' }, choose, `#${entry.id}`),
        entry.event_id ? el('div', { className: 'muted' }, entry.event_id) : null,
      ),
      el('td', {}, time(entry.received_at)),
      el('td', {}, entry.route),
      el(
        'td',
        {},
        entry.error ? el('div', { className: 'error-text', dataset: { role: 'error' } }, entry.error) : null,
        !entry.error && entry.problem_count === 0 ? el('div', { className: 'muted' }, 'no error recorded') : null,
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
      el('td', { className: 'actions' }, open, replay, state),
    );
  }

  choose(id, chosen) {
    if (chosen) this.chosen.add(id);
    else this.chosen.delete(id);
    this.chosenChanged();
  }

  chooseAll(chosen) {
    for (const box of this.body.querySelectorAll('input[data-choose]')) {
      box.checked = chosen;
      this.choose(Number(box.dataset.choose), chosen);
    }
  }

  chosenChanged() {
    const button = byId('download-chosen');
    button.disabled = this.chosen.size === 0;
    button.textContent = this.chosen.size === 0 ? 'Download chosen' : `Download ${plural(this.chosen.size, 'entry', 'entries')}`;
    const boxes = [...this.body.querySelectorAll('input[data-choose]')];
    const all = byId('choose-all');
    all.checked = boxes.length > 0 && boxes.every((box) => box.checked);
    all.indeterminate = !all.checked && boxes.some((box) => box.checked);
  }

  /** The chosen entries as one .jsonl file: what `coexist import` reads, bodies byte for byte. */
  async download() {
    const ids = [...this.chosen].sort((a, b) => a - b);
    if (ids.length === 0) return;
    const status = byId('download-state');
    status.textContent = 'Preparing…';
    const parts = [];
    try {
      for (let start = 0; start < ids.length; start += EXPORT_BATCH) {
        parts.push(await this.api.exportJournal(ids.slice(start, start + EXPORT_BATCH)));
      }
    } catch (error) {
      status.textContent = `Download failed: ${error.message}`;
      return;
    }
    const url = URL.createObjectURL(new Blob(parts, { type: 'application/x-ndjson' }));
    const name = ids.length === 1 ? `coexist-journal-${ids[0]}.jsonl` : `coexist-journal-${ids[0]}-${ids[ids.length - 1]}.jsonl`;
    const link = el('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // the download has taken its copy by the time a person could click again
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.textContent = `${plural(ids.length, 'entry', 'entries')} saved as ${name}: coexist import reads it.`;
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
