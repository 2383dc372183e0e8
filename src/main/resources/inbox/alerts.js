// Alerts (GET /api/v1/alerts): how many in the header, and each one on its number's card: removed
// from the partner (with its reason), an account violation, a declined or stalled history import,
// failed sends. The numbers pane re-renders its cards; the alerts are put back on each render.

import { el, byId } from './dom.js';
import { time } from './format.js';
import { explain } from './error-codes.js';

export class Alerts {
  constructor(api, report) {
    this.api = api;
    this.report = report;
    this.alerts = [];
    this.numbers = byId('numbers');
    // a new set of cards (the pane replaced them): decorate them again
    new MutationObserver(() => this.decorate()).observe(this.numbers, { childList: true });
  }

  async refresh() {
    const answer = await this.api.get('/api/v1/alerts');
    this.alerts = answer.alerts ?? [];
    const badge = byId('alerts-count');
    badge.textContent = this.alerts.length === 0 ? '' : String(this.alerts.length);
    badge.title = this.alerts.length === 0 ? '' : `${this.alerts.length} alert${this.alerts.length === 1 ? '' : 's'}`;
    byId('alerts-state').dataset.alerts = String(this.alerts.length);
    this.decorate();
  }

  reset() {
    this.alerts = [];
    byId('alerts-count').textContent = '';
  }

  decorate() {
    for (const card of this.numbers.querySelectorAll('li.number')) {
      card.querySelector(':scope > .alerts')?.remove();
      const mine = this.alerts.filter((alert) => alert.phone_number_id === card.dataset.phoneNumberId);
      if (mine.length === 0) continue;
      card.dataset.alerts = String(mine.length);
      card.querySelector('h3')?.after(
        el(
          'ul',
          { className: 'alerts', attrs: { 'aria-label': 'Alerts' } },
          ...mine.map((alert) => item(alert)),
        ),
      );
    }
  }
}

function item(alert) {
  const detail = [];
  if (alert.kind === 'account') {
    detail.push([alert.event, alert.reason, alert.reason ? reasonText(alert.reason) : null].filter(Boolean).join(' — '));
  } else if (alert.kind === 'account_violation' || alert.kind === 'account_restriction') {
    if (alert.reason) detail.push(alert.reason);
  } else if (alert.kind === 'history_declined') {
    detail.push([alert.reason, alert.code !== null ? `error ${alert.code}` : null].filter(Boolean).join(', '));
  } else if (alert.kind === 'failed_sends' && alert.code !== null) {
    detail.push(`latest: ${alert.code} — ${explain(alert.code) ?? 'see Failed sends'}`);
  }
  return el(
    'li',
    { className: `notice ${alert.severity}`, dataset: { alert: alert.kind } },
    el('strong', {}, alert.title),
    detail.filter(Boolean).length ? ` · ${detail.filter(Boolean).join(' · ')}` : '',
    alert.at ? ' · ' : '',
    time(alert.at),
  );
}

/** Meta's disconnection reasons in words (also the timeline's, timeline.js). */
export function reasonText(reason) {
  return (
    {
      PRIMARY_INACTIVITY: 'the Business app was not opened for about 14 days',
      COMPANION_INACTIVITY: 'the companion device was inactive for about 30 days',
      ACCOUNT_DISCONNECTED: 'the business disconnected the account',
      BUSINESS_DOWNGRADE: 'the business moved off the Business app',
      CHANGE_NUMBER: 'the business changed its number',
      USER_RE_REGISTERED: 'the number was registered again on a phone',
    }[reason] ?? null
  );
}
