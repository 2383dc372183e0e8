// Outbound webhook subscriptions: each with its state, lag and counters; the one chosen with its
// recent attempts and dead letters, replay, pause and resume.

import { el, byId, show } from './dom.js';
import { time, duration, plural } from './format.js';

const STATES = {
  active: { text: 'Active', tone: 'ok' },
  paused: { text: 'Paused', tone: 'warn' },
  disabled: { text: 'Disabled', tone: 'bad' },
};

const EVENT_STATES = {
  pending: { text: 'Pending', tone: 'warn' },
  delivered: { text: 'Delivered', tone: 'ok' },
  dead: { text: 'Dead letter', tone: 'bad' },
};

/** Replaying everything since this instant replays every dead letter. */
const EVERY_DEAD_LETTER = '1970-01-01T00:00:00Z';

function pill(states, state, dataset) {
  const known = states[state] ?? { text: state, tone: 'neutral' };
  return el('span', { className: `pill ${known.tone}`, dataset }, known.text);
}

/** The status code the receiver answered, or why there is none. */
function statusText(event) {
  if (event.last_status !== null && event.last_status !== undefined) return String(event.last_status);
  return event.attempts > 0 ? 'no answer' : '—';
}

/** The event's webhook-id: its change's seq, or seq.n for the n-th message of a history chunk. */
function webhookId(event) {
  return event.webhook_id ?? String(event.id);
}

function eventCell(event) {
  return el('td', {}, `#${webhookId(event)}`);
}

export class Subscriptions {
  constructor(api, report) {
    this.api = api;
    this.report = report;
    this.body = byId('subscriptions');
    this.selected = null;
    this.nextDead = null;
    byId('subscription-pause').addEventListener('click', () => this.setState('paused', 'Paused'));
    byId('subscription-resume').addEventListener('click', () => this.setState('active', 'Resumed'));
    byId('replay-dead').addEventListener('click', () => this.replayAll());
    byId('dead-more').addEventListener('click', () => this.loadDead(this.nextDead).catch(report));
  }

  /** The list again, and the chosen subscription's details when one is chosen. */
  async refresh() {
    const { subscriptions } = await this.api.subscriptions();
    this.body.replaceChildren(...subscriptions.map((subscription) => this.row(subscription)));
    show(byId('subscriptions-empty'), subscriptions.length === 0);
    show(byId('subscriptions-table'), subscriptions.length > 0);
    const disabled = subscriptions.filter((subscription) => subscription.state === 'disabled').length;
    const count = byId('subscriptions-count');
    count.textContent = disabled === 0 ? '' : String(disabled);
    count.title = disabled === 0 ? '' : `${plural(disabled, 'subscription')} disabled`;
    if (this.selected === null) return;
    if (subscriptions.some((subscription) => subscription.id === this.selected)) {
      await this.showDetail(this.selected);
    } else {
      this.clear();
    }
  }

  /** Nothing chosen (or the chosen one was deleted): no details shown. */
  clear() {
    this.selected = null;
    show(byId('subscription-detail'), false);
    byId('attempts').replaceChildren();
    byId('dead').replaceChildren();
    byId('subscription-status').textContent = '';
  }

  /** Signing out: nothing shown at all. */
  reset() {
    this.clear();
    this.body.replaceChildren();
    byId('subscriptions-count').textContent = '';
  }

  row(subscription) {
    const chosen = subscription.id === this.selected;
    const open = el(
      'button',
      {
        type: 'button',
        className: 'subscription-open',
        attrs: { 'aria-current': String(chosen) },
        on: { click: () => this.select(subscription.id).catch(this.report) },
      },
      subscription.url,
    );
    return el(
      'tr',
      { dataset: { subscriptionId: subscription.id, selected: chosen } },
      el(
        'td',
        {},
        open,
        subscription.description ? el('div', { dataset: { role: 'description' } }, subscription.description) : null,
        el('div', { className: 'muted id-text' }, subscription.id),
      ),
      el('td', {}, ...this.stateBlock(subscription)),
      el('td', { dataset: { role: 'lag' } }, duration(subscription.lag_seconds)),
      el('td', { dataset: { role: 'delivered' } }, String(subscription.delivered)),
      el('td', { dataset: { role: 'failed-attempts' } }, String(subscription.failed_attempts)),
      el('td', { dataset: { role: 'dead-letters' } }, String(subscription.dead_letters)),
    );
  }

  /** The state, why it is disabled, and since when nothing could be delivered. */
  stateBlock(subscription) {
    return [
      pill(STATES, subscription.state, { state: subscription.state }),
      subscription.state === 'disabled'
        ? el('p', { className: 'notice bad', dataset: { role: 'state-reason' } }, subscription.state_reason ?? 'no reason recorded')
        : null,
      subscription.failing_since
        ? el('div', { className: 'muted', dataset: { role: 'failing-since' } }, 'Failing since ', time(subscription.failing_since))
        : null,
    ];
  }

  async select(id) {
    this.selected = id;
    for (const row of this.body.querySelectorAll('tr[data-subscription-id]')) {
      const chosen = String(row.dataset.subscriptionId === id);
      row.dataset.selected = chosen;
      row.querySelector('.subscription-open')?.setAttribute('aria-current', chosen);
    }
    byId('subscription-status').textContent = '';
    await this.showDetail(id);
  }

  async showDetail(id) {
    const [subscription, dead] = await Promise.all([this.api.subscription(id), this.api.deadLetters(id)]);
    if (this.selected !== id) return; // another one was chosen meanwhile
    byId('subscription-title').textContent = subscription.url;
    byId('subscription-detail').dataset.subscriptionId = subscription.id;
    show(byId('subscription-pause'), subscription.state === 'active');
    show(byId('subscription-resume'), subscription.state !== 'active');
    byId('subscription-facts').replaceChildren(...this.facts(subscription));
    const attempts = subscription.recent_attempts ?? [];
    const active = subscription.state === 'active';
    byId('attempts').replaceChildren(...attempts.map((event) => this.attemptRow(event, active)));
    show(byId('attempts-empty'), attempts.length === 0);
    show(byId('attempts-table'), attempts.length > 0);
    byId('dead').replaceChildren();
    this.showDead(dead);
    show(byId('subscription-detail'), true);
  }

  facts(subscription) {
    const fact = (term, role, ...value) => [el('dt', {}, term), el('dd', { dataset: { role } }, ...value)];
    return [
      ...fact('Id', 'id', el('span', { className: 'id-text' }, subscription.id)),
      ...(subscription.description ? fact('Description', 'description', subscription.description) : []),
      ...fact('State', 'state', ...this.stateBlock(subscription)),
      ...fact('Types', 'types', (subscription.types ?? []).join(', ') || 'every type'),
      ...fact('Numbers', 'numbers', (subscription.numbers ?? []).join(', ') || 'every number'),
      ...fact('Lag', 'lag', duration(subscription.lag_seconds)),
      ...fact(
        'Counters',
        'counters',
        `${subscription.delivered} delivered, ${plural(subscription.failed_attempts, 'failed attempt')}, `
          + `${plural(subscription.dead_letters, 'dead letter')}`,
      ),
      ...fact('Created', 'created', time(subscription.created_at)),
      ...fact('Changed', 'updated', time(subscription.updated_at)),
    ];
  }

  /** An event sent or to send; a pending one of a paused or disabled subscription waits for a resume. */
  attemptRow(event, active) {
    return el(
      'tr',
      { dataset: { eventId: webhookId(event) } },
      eventCell(event),
      el('td', {}, event.type),
      el('td', {}, pill(EVENT_STATES, event.state, { eventState: event.state })),
      el('td', { dataset: { role: 'attempts' } }, String(event.attempts)),
      el('td', { dataset: { role: 'status' } }, statusText(event)),
      el('td', {}, el('div', { className: 'error-text', dataset: { role: 'error' } }, event.last_error ?? '')),
      el('td', {}, time(event.last_attempt_at)),
      el(
        'td',
        { dataset: { role: 'next-attempt' } },
        event.state === 'pending' && !active
          ? el('span', { className: 'muted' }, 'when resumed')
          : time(event.next_attempt_at),
      ),
    );
  }

  async loadDead(after) {
    const id = this.selected;
    const page = await this.api.deadLetters(id, after);
    // a refresh in the meantime started the list over
    if (this.selected === id && this.nextDead === after) this.showDead(page);
  }

  showDead(page) {
    const body = byId('dead');
    body.append(...page.dead_letters.map((event) => this.deadRow(event)));
    this.nextDead = page.next_after;
    show(byId('dead-more'), this.nextDead !== null && this.nextDead !== undefined);
    const count = body.children.length;
    show(byId('dead-empty'), count === 0);
    show(byId('dead-table'), count > 0);
    byId('replay-dead').disabled = count === 0;
  }

  deadRow(event) {
    const state = el('span', { className: 'replay-state', attrs: { role: 'status' } });
    const replay = el(
      'button',
      {
        type: 'button',
        dataset: { replay: webhookId(event) },
        attrs: { 'aria-label': `Replay event ${webhookId(event)}` },
        on: { click: () => this.replay(webhookId(event), replay, state) },
      },
      'Replay',
    );
    return el(
      'tr',
      { dataset: { eventId: webhookId(event) } },
      eventCell(event),
      el('td', {}, event.type),
      el('td', { dataset: { role: 'attempts' } }, String(event.attempts)),
      el('td', { dataset: { role: 'status' } }, statusText(event)),
      el('td', {}, el('div', { className: 'error-text', dataset: { role: 'error' } }, event.last_error ?? '')),
      el('td', {}, time(event.last_attempt_at)),
      el('td', {}, replay, state),
    );
  }

  async replay(eventId, button, state) {
    button.disabled = true;
    state.textContent = 'Replaying…';
    try {
      await this.api.replayDead(this.selected, { id: eventId });
    } catch (error) {
      state.textContent = `Replay failed: ${error.message}`;
      button.disabled = false;
      return;
    }
    state.textContent = 'Queued for replay';
    byId('subscription-status').textContent = `Event #${eventId} queued for replay.`;
    await this.refresh().catch(this.report);
  }

  async replayAll() {
    const button = byId('replay-dead');
    const status = byId('subscription-status');
    button.disabled = true;
    let result;
    try {
      result = await this.api.replayDead(this.selected, { since: EVERY_DEAD_LETTER });
    } catch (error) {
      status.textContent = `Replay failed: ${error.message}`;
      button.disabled = false;
      return;
    }
    status.textContent =
      result.replayed > 0 ? `${plural(result.replayed, 'dead letter')} queued for replay.` : 'Nothing to replay.';
    await this.refresh().catch(this.report);
  }

  async setState(state, done) {
    const buttons = [byId('subscription-pause'), byId('subscription-resume')];
    const status = byId('subscription-status');
    for (const button of buttons) button.disabled = true;
    try {
      await this.api.setSubscriptionState(this.selected, state);
      status.textContent = `${done}.`;
    } catch (error) {
      status.textContent = `${state === 'paused' ? 'Pausing' : 'Resuming'} failed: ${error.message}`;
      return;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
    await this.refresh().catch(this.report);
  }
}
