// A bubble's details: its wamid, to copy into a support ticket or a curl, and every status
// WhatsApp reported for it, fetched when the panel is opened.

import { el } from './dom.js';
import { time, errorText, STATUSES } from './format.js';

async function copy(text, button, code) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    // no clipboard (an http page on another host): select it for Ctrl+C instead
    const range = document.createRange();
    range.selectNodeContents(code);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => {
    button.textContent = 'Copy';
  }, 2000);
}

async function loadStatuses(api, wamid, list) {
  list.replaceChildren(el('li', { className: 'muted' }, 'Loading statuses…'));
  try {
    const detail = await api.message(wamid);
    const statuses = detail.statuses ?? [];
    list.replaceChildren(
      ...(statuses.length === 0
        ? [el('li', { className: 'muted' }, 'No status reported.')]
        : statuses.map((status) =>
            el(
              'li',
              { dataset: { role: 'status', status: status.status } },
              el('span', { className: 'status-name' }, STATUSES[status.status]?.label ?? status.status),
              ' ',
              time(status.at),
              status.errors?.length ? el('span', { className: 'error' }, ` ${status.errors.map(errorText).join('; ')}`) : null,
            ),
          )),
    );
  } catch (error) {
    list.replaceChildren(el('li', { className: 'error' }, `Could not load the statuses: ${error.message}`));
  }
}

/** The collapsed "Details" of one message. */
export function statusPanel(api, message) {
  const code = el('code', { className: 'wamid', dataset: { role: 'wamid' } }, message.wamid);
  const button = el('button', { type: 'button', className: 'quiet copy', attrs: { 'aria-label': `Copy the wamid ${message.wamid}` } }, 'Copy');
  button.addEventListener('click', () => copy(message.wamid, button, code));
  const list = el('ol', { className: 'status-history', dataset: { role: 'status-history' } });
  const details = el(
    'details',
    { className: 'message-details' },
    el('summary', {}, 'Details'),
    el('div', { className: 'wamid-line' }, el('span', { className: 'muted' }, 'wamid '), code, button),
    list,
  );
  details.addEventListener('toggle', () => {
    if (details.open) loadStatuses(api, message.wamid, list);
  });
  return details;
}
