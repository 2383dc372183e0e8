// The "Failed sends" view: every failed status of an outbound message across numbers, newest
// first (GET /api/v1/failures), each with its error explained in words (error-codes.js) next to
// Meta's own title and details.

import { el, byId, show } from './dom.js';
import { time } from './format.js';
import { explain } from './error-codes.js';

/** The `since` of each choice of the period filter, from now; null: everything kept. */
const PERIODS = { day: 24 * 3600e3, week: 7 * 24 * 3600e3, month: 30 * 24 * 3600e3, all: null };

export class FailuresView {
  constructor(api, report) {
    this.api = api;
    this.report = report;
    this.body = byId('failures');
    this.next = null;
    this.generation = 0;
    this.period = 'week';
    byId('failures-more').addEventListener('click', () => this.load(this.next, this.generation).catch(report));
    byId('failures-period').addEventListener('change', (event) => {
      this.period = event.target.value in PERIODS ? event.target.value : 'week';
      this.refresh().catch(report);
    });
  }

  async refresh() {
    this.generation += 1;
    const generation = this.generation;
    const page = await this.fetch(null);
    if (generation !== this.generation) return;
    this.body.replaceChildren(...page.failures.map((failure) => row(failure)));
    this.next = page.next_cursor;
    this.settle();
  }

  async load(cursor, generation) {
    const page = await this.fetch(cursor);
    if (generation !== this.generation) return; // started over meanwhile
    this.body.append(...page.failures.map((failure) => row(failure)));
    this.next = page.next_cursor;
    this.settle();
  }

  fetch(cursor) {
    const span = PERIODS[this.period];
    const since = span === null ? null : new Date(Date.now() - span).toISOString();
    return this.api.get('/api/v1/failures', { since, limit: 50, cursor });
  }

  settle() {
    const count = this.body.children.length;
    show(byId('failures-more'), Boolean(this.next));
    show(byId('failures-empty'), count === 0);
    show(byId('failures-table'), count > 0);
    const badge = byId('failures-count');
    badge.textContent = count === 0 ? '' : `${count}${this.next ? '+' : ''}`;
    badge.title = count === 0 ? '' : 'failed sends in the period shown';
  }

  reset() {
    this.generation += 1;
    this.body.replaceChildren();
    this.next = null;
    byId('failures-count').textContent = '';
  }
}

function row(failure) {
  const explanation = explain(failure.code);
  const meta = [failure.title, failure.details && failure.details !== failure.title ? failure.details : null]
    .filter(Boolean)
    .join(' — ');
  const recipient = failure.recipient?.phone ? `+${failure.recipient.phone}` : failure.recipient?.user_id ?? 'unknown';
  return el(
    'tr',
    { dataset: { wamid: failure.wamid, code: failure.code ?? '' } },
    el('td', {}, time(failure.at) ?? '—'),
    el('td', { dataset: { role: 'number' } }, failure.phone_number_id),
    el('td', { dataset: { role: 'recipient' } }, recipient),
    el(
      'td',
      { className: 'failure-reason' },
      el('span', { className: 'pill bad', dataset: { role: 'code' } }, failure.code ?? '—'),
      ' ',
      el('span', { className: 'explanation', dataset: { role: 'explanation' } }, explanation ?? failure.title ?? 'No reason given'),
      explanation && meta ? el('p', { className: 'muted meta-title', dataset: { role: 'meta' } }, `Meta: ${meta}`) : null,
      !explanation && failure.details && failure.details !== failure.title
        ? el('p', { className: 'muted meta-title', dataset: { role: 'meta' } }, failure.details)
        : null,
    ),
    el(
      'td',
      { className: 'wamid' },
      el('code', {}, failure.wamid),
      failure.origins?.includes('api') ? el('p', { className: 'muted' }, 'sent through the Cloud API') : null,
    ),
  );
}
