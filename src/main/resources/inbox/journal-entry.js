// One journal entry: what became of it, its problems page by page, its body exactly as received
// (indented when it is JSON, always inserted as text) and a curl command that posts it again.

import { el, byId, show } from './dom.js';
import { time, plural } from './format.js';
import { utf8, lenientUtf8 } from './bytes.js';
import { prettyJson } from './pretty-json.js';
import { curlCommand } from './curl.js';

/** A body longer than this is shown cut: the page stays usable; the download has it whole. */
const SHOWN_CHARS = 1_000_000;

export class JournalEntry {
  constructor(api, report) {
    this.api = api;
    this.report = report;
    this.id = null;
    this.nextProblems = null;
    this.curl = '';
    byId('journal-entry-close').addEventListener('click', () => this.close());
    byId('journal-problems-more').addEventListener('click', () => this.moreProblems().catch(report));
    byId('copy-curl').addEventListener('click', () => this.copyCurl());
  }

  async open(id) {
    this.id = id;
    const [entry, body] = await Promise.all([this.api.journalEntry(id), this.api.journalBody(id)]);
    if (this.id !== id) return; // another entry was opened meanwhile
    const view = byId('journal-entry');
    view.dataset.journalId = String(id);
    byId('journal-entry-title').textContent = `Journal entry #${entry.id}`;
    byId('journal-facts').replaceChildren(...this.facts(entry));
    byId('journal-problems').replaceChildren();
    this.showProblems(entry.problems, entry.problems_next_cursor);
    byId('journal-problems-title').textContent =
      entry.problem_count === 0 ? 'No problems' : `Problems: ${plural(entry.problem_count, 'item')} not applied`;
    this.showBody(body);
    this.curl = curlCommand(entry, body.bytes, window.location.origin);
    byId('journal-curl').textContent = this.curl;
    byId('copy-state').textContent = '';
    show(view, true);
    view.scrollIntoView({ block: 'start' });
  }

  close() {
    this.id = null;
    show(byId('journal-entry'), false);
    byId('journal-body').textContent = '';
    byId('journal-curl').textContent = '';
  }

  facts(entry) {
    const fact = (term, role, ...value) => [el('dt', {}, term), el('dd', { dataset: { role } }, ...value)];
    return [
      ...fact('State', 'state', entry.state),
      ...(entry.error ? fact('Error', 'error', el('span', { className: 'error-text' }, entry.error)) : []),
      ...fact('Received', 'received', time(entry.received_at), ` on ${entry.route}`),
      ...fact('Size', 'size', plural(entry.size, 'byte')),
      ...fact('SHA-256', 'sha256', el('span', { className: 'id-text' }, entry.body_sha256)),
      ...(entry.event_id ? fact('Event id', 'event-id', entry.event_id) : []),
      ...(entry.duplicate_of ? fact('Duplicate of', 'duplicate-of', `#${entry.duplicate_of}`) : []),
      ...fact('Attempts', 'attempts', String(entry.attempts)),
      ...fact(
        'Headers',
        'headers',
        Object.keys(entry.headers ?? {}).length === 0
          ? 'none kept'
          : el('ul', { className: 'headers' }, Object.entries(entry.headers).map(([name, value]) => el('li', {}, `${name}: ${value}`))),
      ),
    ];
  }

  showProblems(problems, next) {
    byId('journal-problems').append(
      ...problems.map((problem) =>
        el(
          'li',
          { dataset: { location: problem.location } },
          el('div', {}, el('code', {}, problem.location), ` ${problem.kind} — `, problem.message),
          problem.item ? el('pre', { className: 'problem-item' }, problem.item) : null,
        ),
      ),
    );
    this.nextProblems = next;
    show(byId('journal-problems-more'), Boolean(next));
  }

  async moreProblems() {
    const id = this.id;
    const page = await this.api.journalProblems(id, this.nextProblems);
    if (this.id === id) this.showProblems(page.problems, page.next_cursor);
  }

  showBody({ bytes, contentType }) {
    const text = utf8(bytes);
    let shown;
    let note;
    if (text !== null && contentType.startsWith('application/json')) {
      shown = prettyJson(text);
      note = 'JSON, one member a line; the values as received.';
    } else if (text !== null) {
      shown = text;
      note = 'Not JSON: the text as received.';
    } else {
      shown = lenientUtf8(bytes);
      note = 'Not UTF-8 text: bytes that are not are shown as �.';
    }
    if (shown.length > SHOWN_CHARS) {
      note += ` The first ${SHOWN_CHARS.toLocaleString('en-US')} characters are shown; download the entry for all of it.`;
      shown = shown.slice(0, SHOWN_CHARS);
    }
    // textContent: a body is data, whatever markup it holds
    byId('journal-body').textContent = shown;
    byId('journal-body-note').textContent = note;
  }

  async copyCurl() {
    const status = byId('copy-state');
    try {
      await navigator.clipboard.writeText(this.curl);
      status.textContent = 'Copied. Fill in the authentication header before running it.';
    } catch {
      // no clipboard (an insecure origin, or permission refused): the text is there to select
      const range = document.createRange();
      range.selectNodeContents(byId('journal-curl'));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      status.textContent = 'The browser did not allow copying: the command is selected, copy it with Ctrl+C.';
    }
  }
}
