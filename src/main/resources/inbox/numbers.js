// The numbers pane: each number with its account state, history sync (history.js), contacts and
// timeline of account and partner events (timeline.js); choosing one opens its threads.

import { el, byId, show } from './dom.js';
import { time, plural } from './format.js';
import { historyNotes, phaseRows } from './history.js';
import { Timelines } from './timeline.js';

const SYNC_STATES = {
  not_started: { text: 'History not started', tone: 'neutral' },
  in_progress: { text: 'History importing', tone: 'ok' },
  completed: { text: 'History complete', tone: 'ok' },
  declined: { text: 'History declined', tone: 'bad' },
  stalled: { text: 'History stalled', tone: 'warn' },
};

function accountText(account) {
  // no account update says nothing about the connection: it is not known to be connected
  if (!account) return 'Unknown (no account update received)';
  const parts = [account.event ?? 'Account update'];
  if (account.reason) parts.push(account.reason);
  if (account.initiated_by) parts.push(`by ${account.initiated_by}`);
  return parts.join(' · ');
}

function historyBlock(number) {
  const history = number.history;
  const state = SYNC_STATES[history.state] ?? { text: history.state, tone: 'neutral' };
  const head = el(
    'div',
    { className: 'sync-head' },
    el('span', { className: `pill ${state.tone}`, dataset: { syncState: history.state } }, state.text),
    history.progress !== null && history.progress !== undefined ? el('span', {}, `${history.progress}%`) : null,
    el('span', { className: 'muted' }, `${plural(history.chunks, 'chunk')}, ${plural(history.messages, 'message')}`),
  );
  const block = el('div', { className: 'sync', dataset: { history: history.state } }, head);
  block.append(...historyNotes(history).filter(Boolean));
  // a declined import with nothing imported has no phases worth a bar
  if (history.state !== 'declined' || (history.chunks ?? 0) > 0) block.append(...phaseRows(number.phone_number_id, history));
  return block;
}

function card(number, selected, onSelect, timeline) {
  const open = el(
    'button',
    {
      type: 'button',
      className: 'number-open',
      on: { click: () => onSelect(number.phone_number_id) },
      attrs: { 'aria-label': `Open number ${number.display_phone_number ?? number.phone_number_id}` },
    },
    number.display_phone_number ? `+${number.display_phone_number.replace(/^\+/, '')}` : number.phone_number_id,
  );
  return el(
    'li',
    {
      className: 'number',
      dataset: { phoneNumberId: number.phone_number_id },
      attrs: { 'aria-current': selected ? 'true' : 'false' },
    },
    el('h3', {}, open),
    el(
      'dl',
      { className: 'facts' },
      el('dt', {}, 'Number id'),
      el('dd', {}, number.phone_number_id),
      el('dt', {}, 'WABA'),
      el('dd', { dataset: { role: 'waba' } }, number.waba_id ?? 'unknown'),
      el('dt', {}, 'Account'),
      el('dd', { dataset: { role: 'account' } }, accountText(number.account)),
      el('dt', {}, 'Contacts'),
      el(
        'dd',
        { dataset: { role: 'contacts' } },
        `${number.contacts.count}`,
        number.contacts.removed ? ` (${number.contacts.removed} removed)` : '',
      ),
      Number.isInteger(number.thread_count) ? el('dt', {}, 'Threads') : null,
      Number.isInteger(number.thread_count) ? el('dd', {}, String(number.thread_count)) : null,
      el('dt', {}, 'Last seen'),
      el('dd', {}, time(number.last_seen_at) ?? '—'),
    ),
    historyBlock(number),
    timeline,
  );
}

export class NumbersPane {
  constructor(api, onSelect) {
    this.api = api;
    this.onSelect = onSelect;
    this.list = byId('numbers');
    this.selected = null;
    this.numbers = [];
    this.timelines = new Timelines(api);
  }

  async refresh() {
    const page = await this.api.numbers();
    this.numbers = page.numbers;
    this.render();
    return this.numbers;
  }

  select(phoneNumberId) {
    this.selected = phoneNumberId;
    this.render();
  }

  render() {
    // re-rendering replaces the buttons, so keep the keyboard focus where it was
    const active = document.activeElement;
    const focused = active?.closest?.('.number')?.dataset.phoneNumberId;
    this.list.replaceChildren(
      ...this.numbers.map((number) =>
        card(number, number.phone_number_id === this.selected, this.onSelect, this.timelines.node(number.phone_number_id)),
      ),
    );
    show(byId('numbers-empty'), this.numbers.length === 0);
    if (active && this.list.contains(active)) {
      // a control of a timeline: the same node, moved into the new card, lost the focus on the way
      active.focus({ preventScroll: true });
    } else if (focused) {
      this.list.querySelector(`[data-phone-number-id="${CSS.escape(focused)}"] .number-open`)?.focus();
    }
  }
}
