// A number's timeline on its card: its account updates (PARTNER_REMOVED with its reason,
// ACCOUNT_RECONNECTED, ...) and the 360dialog partner events that name it (account_violation,
// channel_*, ...), newest first, a page at a time (GET /api/v1/numbers/{id}/events).
//
// Nothing is asked until someone opens it: a pane of many numbers costs one request per number
// looked at. The numbers pane draws its cards again on every change, so each number's disclosure is
// one node kept here and moved into the new card: it stays open, with the pages it loaded.

import { el } from './dom.js';
import { time } from './format.js';
import { reasonText } from './alerts.js';

/** Events per page. */
const PAGE = 20;

const SOURCES = { account_update: 'Account update', '360dialog': '360dialog partner event' };

/** What a partner event says beyond its name, from the places 360dialog's events put it. */
function partnerDetails(payload) {
  const data = payload?.data ?? {};
  return [
    ['violation', data.violation_info?.violation_type],
    ['restriction', data.restriction_info?.restriction_type ?? data.restriction_info?.type],
    ['ban', data.ban_info?.ban_state],
    ['channel', data.channel?.status],
  ]
    .filter(([, value]) => typeof value === 'string' && value !== '')
    .map(([label, value]) => `${label}: ${value}`);
}

/** "PRIMARY_INACTIVITY — the Business app was not opened for about 14 days", "by SYSTEM". */
function details(event) {
  if (event.source !== 'account_update') return partnerDetails(event.payload);
  return [
    event.reason ? [event.reason, reasonText(event.reason)].filter(Boolean).join(' — ') : null,
    event.initiated_by ? `by ${event.initiated_by}` : null,
  ].filter(Boolean);
}

function row(event) {
  const said = details(event);
  return el(
    'li',
    { className: 'timeline-event', dataset: { journalId: event.journal_id, event: event.event ?? '', source: event.source } },
    el(
      'div',
      { className: 'timeline-head' },
      el('strong', { dataset: { role: 'event' } }, event.event ?? 'Unnamed event'),
      el('span', { className: 'muted' }, SOURCES[event.source] ?? event.source),
      time(event.at) ?? el('span', { className: 'muted' }, 'time unknown'),
    ),
    said.length > 0 ? el('p', { className: 'timeline-details', dataset: { role: 'details' } }, said.join(' · ')) : null,
    // the rest of an event whose shape the inbox does not know is still there to read, as text
    el(
      'details',
      { className: 'content-details' },
      el('summary', {}, 'Payload'),
      el('pre', {}, JSON.stringify(event.payload, null, 2)),
    ),
  );
}

/** One number's disclosure and the pages it loaded. */
class Timeline {
  constructor(api, phoneNumberId) {
    this.api = api;
    this.phoneNumberId = phoneNumberId;
    this.next = null;
    this.generation = 0;
    this.loading = false;
    this.list = el('ol', { className: 'timeline-events', attrs: { 'aria-label': 'Account and partner events, newest first' } });
    this.state = el('p', { className: 'muted', dataset: { role: 'timeline-state' }, attrs: { role: 'status' } });
    this.more = el('button', { type: 'button', className: 'quiet more', hidden: true, on: { click: () => this.loadMore() } }, 'More events');
    this.node = el(
      'details',
      { className: 'timeline', dataset: { role: 'timeline' } },
      el('summary', {}, 'Timeline'),
      this.state,
      this.list,
      this.more,
    );
    this.node.addEventListener('toggle', () => {
      if (this.node.open) this.reload();
    });
  }

  /** The first page, when the disclosure opens. */
  async reload() {
    this.generation += 1;
    const generation = this.generation;
    if (this.list.children.length === 0) this.state.textContent = 'Loading…';
    const page = await this.fetch(null, generation);
    if (!page) return;
    this.list.replaceChildren(...page.events.map(row));
    this.settle(page.next_cursor);
  }

  async loadMore() {
    if (!this.next || this.loading) return;
    const page = await this.fetch(this.next, this.generation);
    if (!page) return;
    this.list.append(...page.events.map(row));
    this.settle(page.next_cursor);
  }

  /**
   * The feed reported an event of the number: what is new goes on top and the pages read stay. A
   * delivery's events are applied together, so the events of a journal entry newer than the
   * newest shown are the new ones; a first page of nothing but new ones may hide more: start over.
   */
  async refreshHead() {
    const newest = Number(this.list.firstElementChild?.dataset.journalId ?? 0);
    if (!newest) return this.reload();
    const page = await this.fetch(null, this.generation);
    if (!page) return undefined;
    const fresh = page.events.filter((event) => event.journal_id > newest);
    if (fresh.length === page.events.length && page.next_cursor) return this.reload();
    this.list.prepend(...fresh.map(row));
    // the end of the list did not change, nor what follows it
    this.settle(this.next);
    return undefined;
  }

  /** A page; null when it failed (said on the state line) or the timeline was opened again. */
  async fetch(cursor, generation) {
    this.loading = true;
    try {
      const page = await this.api.numberEvents(this.phoneNumberId, cursor, PAGE);
      return generation === this.generation ? page : null;
    } catch (error) {
      if (generation === this.generation) this.state.textContent = `Could not load the timeline: ${error.message}`;
      return null;
    } finally {
      this.loading = false;
    }
  }

  settle(next) {
    this.next = next;
    this.more.hidden = !next;
    this.state.textContent = this.list.children.length === 0 ? 'No account update or partner event received.' : '';
  }
}

export class Timelines {
  constructor(api) {
    this.api = api;
    this.byNumber = new Map();
  }

  /** The timeline disclosure of a number, the same node on every render of its card. */
  node(phoneNumberId) {
    let timeline = this.byNumber.get(phoneNumberId);
    if (!timeline) {
      timeline = new Timeline(this.api, phoneNumberId);
      this.byNumber.set(phoneNumberId, timeline);
    }
    return timeline.node;
  }

  /** The feed reported an account or partner event of the number: an open timeline shows it. */
  changed(phoneNumberId) {
    const timeline = this.byNumber.get(phoneNumberId);
    if (timeline?.node.open) timeline.refreshHead();
  }

  /** Signed out: nothing of what was loaded stays. */
  clear() {
    this.byNumber.clear();
  }
}
