// The inbox page: asks for the API key (kept in this tab's sessionStorage only), then shows the
// numbers, threads, conversation, contacts, the journal (failed, rejected and applied-with-problems
// deliveries, each one's body) and outbound webhook subscriptions, and follows the change feed.

import { byId, show } from './dom.js';
import { Api } from './api.js';
import { follow } from './sse.js';
import { NumbersPane } from './numbers.js';
import { ThreadsPane, ContactsPane, showList } from './lists.js';
import { Conversation } from './conversation.js';
import { JournalView } from './journal.js';
import { Subscriptions } from './subscriptions.js';
import { installLayout, showPane } from './layout.js';
import { installKeys } from './keys.js';
import { SearchBox } from './search.js';
import { FailuresView } from './failures.js';
import { Alerts } from './alerts.js';

const KEY = 'coexist.apiKey';

const state = {
  number: null,
  list: 'threads',
  view: 'conversations',
  feed: null,
};

const api = new Api(() => sessionStorage.getItem(KEY) ?? '', (reason) => signOut(reason));
const numbers = new NumbersPane(api, (number) => {
  showPane('threads');
  return selectNumber(number);
});
const threads = new ThreadsPane(api, (thread) => {
  showPane('conversation');
  return openThread(thread);
});
const contacts = new ContactsPane(api);
const conversation = new Conversation(api, {
  historyOf: (id) => numbers.numbers.find((number) => number.phone_number_id === id)?.history,
});
const failed = new JournalView(api, report);
const subscriptions = new Subscriptions(api, report);
const search = new SearchBox(api, {
  number: () => state.number,
  onQuery: (q) => threads.filter(q).catch(report),
  onOpenHit: (hit) => openHit(hit).catch(report),
  report,
});
const failures = new FailuresView(api, report);
const alerts = new Alerts(api, report);

/** How often the subscriptions page asks again while shown: deliveries are not on the feed. */
const SUBSCRIPTIONS_POLL = 5000;
let subscriptionsPoll = null;

function report(error) {
  if (error?.status === 401) return;
  console.error(error);
  byId('feed-state').textContent = `Error: ${error.message}`;
  byId('feed-state').dataset.state = 'down';
}

/** Runs task at most every `wait` ms however often it is asked for, and once more at the end. */
function coalesce(task, wait = 150) {
  let timer = null;
  let again = false;
  let running = false;
  const run = async () => {
    timer = null;
    running = true;
    try {
      await task();
    } catch (error) {
      report(error);
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      timer = setTimeout(run, wait);
    }
  };
  return () => {
    if (running) again = true;
    else if (!timer) timer = setTimeout(run, wait);
  };
}

const refreshNumbers = coalesce(() => numbers.refresh());
const refreshThreads = coalesce(() => threads.refresh());
const refreshContacts = coalesce(() => (state.list === 'contacts' ? contacts.refresh() : undefined));
const refreshConversation = coalesce(() => conversation.refresh(), 50);
const refreshFailed = coalesce(() => failed.refresh());
const refreshSubscriptions = coalesce(() => subscriptions.refresh());
const refreshFailures = coalesce(() => (state.view === 'failures' ? failures.refresh() : undefined), 500);
const refreshAlerts = coalesce(() => alerts.refresh(), 500);

function forNumber(data) {
  return !data.phone_number_id || data.phone_number_id === state.number;
}

/** What each change feed event makes the page fetch again (types: README, "The change log"). */
function onChange({ event, data: envelope }) {
  const data = envelope?.data ?? {};
  switch (event) {
    case 'message.created':
    case 'message.updated':
    case 'status.created':
      if (conversation.isOpen(state.number, data.thread_id) || (data.wamid && conversation.has(data.wamid))) {
        if (data.wamid && conversation.has(data.wamid) && event !== 'message.created') {
          conversation.refreshMessage(data.wamid).catch(report);
        }
        refreshConversation();
      } else if (data.thread_id === undefined && forNumber(data)) {
        refreshConversation();
      }
      if (forNumber(data)) refreshThreads();
      // a number's card shows when it was last heard from (and a new number appears)
      refreshNumbers();
      if (event === 'status.created' && data.status === 'failed') {
        refreshFailures();
        refreshAlerts();
      }
      break;
    case 'thread.updated':
      if (forNumber(data)) refreshThreads();
      if (conversation.isOpen(state.number, data.thread_id)) refreshConversation();
      break;
    case 'contact.updated':
      refreshNumbers();
      if (forNumber(data)) refreshContacts();
      break;
    case 'history.updated':
    case 'number.updated':
      refreshNumbers();
      refreshAlerts();
      if (event === 'number.updated' && data.phone_number_id) numbers.timelines.changed(data.phone_number_id);
      break;
    case 'delivery.failed':
      refreshFailed();
      break;
    case 'reset':
      refreshAll();
      break;
    default:
      break;
  }
}

function refreshAll() {
  refreshNumbers();
  refreshThreads();
  refreshContacts();
  refreshConversation();
  refreshFailed();
  refreshFailures();
  refreshAlerts();
}

function feedState(value, reason) {
  const node = byId('feed-state');
  node.dataset.state = value;
  document.body.dataset.feed = value;
  node.textContent = { live: 'Live', down: 'Reconnecting…', refused: 'Feed refused' }[value] ?? value;
  // a refusal that arrives after signing out must not replace the first reason given
  if (value === 'refused' && state.feed) signOut(reason);
}

async function selectNumber(number, { keepSearch = false } = {}) {
  state.number = number;
  numbers.select(number);
  conversation.clear();
  show(byId('pick-number'), false);
  if (!keepSearch) search.rerun();
  await Promise.all([threads.showNumber(number), state.list === 'contacts' ? contacts.showNumber(number) : null]);
}

async function openThread(thread) {
  threads.markOpen(thread.id);
  await conversation.open(state.number, thread);
}

/** A message the search found: its conversation, scrolled to it. */
async function openHit(hit) {
  const number = hit.thread?.phone_number_id ?? state.number;
  if (number !== state.number) await selectNumber(number, { keepSearch: true });
  threads.markOpen(hit.message.thread_id);
  await conversation.openAt(number, hit);
}

function setList(which) {
  state.list = which;
  showList(which);
  if (which === 'contacts' && state.number && contacts.number !== state.number) {
    contacts.showNumber(state.number).catch(report);
  }
}

function setView(which) {
  state.view = which;
  show(byId('inbox'), which === 'conversations');
  show(byId('failed-view'), which === 'failed');
  show(byId('subscriptions-view'), which === 'subscriptions');
  show(byId('failures-view'), which === 'failures');
  byId('show-failures').setAttribute('aria-pressed', String(which === 'failures'));
  if (which === 'failures') failures.refresh().catch(report);
  byId('show-conversations').setAttribute('aria-pressed', String(which === 'conversations'));
  byId('show-failed').setAttribute('aria-pressed', String(which === 'failed'));
  byId('show-subscriptions').setAttribute('aria-pressed', String(which === 'subscriptions'));
  if (which === 'failed') failed.refresh().catch(report);
  pollSubscriptions(which === 'subscriptions');
  if (which === 'subscriptions') subscriptions.refresh().catch(report);
}

function pollSubscriptions(on) {
  clearInterval(subscriptionsPoll);
  subscriptionsPoll = on ? setInterval(refreshSubscriptions, SUBSCRIPTIONS_POLL) : null;
}

async function start() {
  show(byId('key-view'), false);
  show(byId('inbox'), true);
  show(byId('views'), true);
  show(byId('feed-state'), true);
  show(byId('forget-key'), true);
  show(byId('alerts-state'), true);
  setView('conversations');
  state.feed = follow('/api/v1/events', { key: () => sessionStorage.getItem(KEY) ?? '', onEvent: onChange, onState: feedState });
  const list = await numbers.refresh();
  failed.refresh().catch(report);
  subscriptions.refresh().catch(report);
  alerts.refresh().catch(report);
  if (list.length > 0 && state.number === null) await selectNumber(list[0].phone_number_id);
}

/** Without a key the page shows nothing but the key form. */
function signOut(reason) {
  sessionStorage.removeItem(KEY);
  state.feed?.stop();
  state.feed = null;
  state.number = null;
  conversation.clear();
  search.clear();
  threads.list.clear();
  contacts.list.clear();
  byId('numbers').replaceChildren();
  numbers.timelines.clear();
  failed.reset();
  pollSubscriptions(false);
  subscriptions.reset();
  failures.reset();
  alerts.reset();
  for (const id of ['inbox', 'failed-view', 'subscriptions-view', 'failures-view', 'alerts-state', 'views', 'feed-state', 'forget-key']) show(byId(id), false);
  show(byId('key-view'), true);
  byId('key-error').textContent = reason ?? '';
  byId('api-key').value = '';
  byId('api-key').focus();
}

byId('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = byId('api-key').value.trim();
  if (!key) return;
  sessionStorage.setItem(KEY, key);
  byId('key-error').textContent = '';
  start().catch(report);
});
byId('forget-key').addEventListener('click', () => signOut(''));
byId('show-threads').addEventListener('click', () => setList('threads'));
byId('show-contacts').addEventListener('click', () => setList('contacts'));
byId('show-conversations').addEventListener('click', () => setView('conversations'));
byId('show-failed').addEventListener('click', () => setView('failed'));
byId('show-subscriptions').addEventListener('click', () => setView('subscriptions'));
byId('show-failures').addEventListener('click', () => setView('failures'));

installLayout();
installKeys();
if (sessionStorage.getItem(KEY)) start().catch(report);
else signOut('');
