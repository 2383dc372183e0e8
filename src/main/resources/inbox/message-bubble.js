// One message as a bubble of the conversation: where it came from, its quote, media, text or
// readable content (bubbles.js), reactions, errors, edit and delete markers, time, status ticks and
// its details panel. Built from what it is given; what has to be looked up (a quoted message, the
// reason of a failure) is the conversation's job (conversation.js).

import { el } from './dom.js';
import { time, ORIGINS, STATUSES, errorText } from './format.js';
import { preview, contentBlock, mediaBlock, TEXT_IN_BLOCK, KNOWN } from './bubbles.js';
import { statusPanel } from './message-details.js';

function badges(message) {
  return el(
    'div',
    { className: 'badges' },
    (message.origins ?? []).map((origin) =>
      el('span', { className: `badge ${origin}`, dataset: { origin } }, ORIGINS[origin] ?? origin),
    ),
  );
}

function body(message) {
  if (message.revoked) {
    return el('p', { className: 'text revoked', dataset: { role: 'revoked' } }, 'This message was deleted');
  }
  const parts = [contentBlock(message)];
  // the caption is already part of the media block, a reply title part of its card
  const shown = (message.media?.caption && message.text === message.media.caption) || TEXT_IN_BLOCK.has(message.type);
  const text = shown ? null : message.text;
  if (text) parts.push(el('p', { className: 'text', dataset: { role: 'text' }, attrs: { dir: 'auto' } }, text));
  if (!text && !message.media && !parts[0]) {
    parts.push(el('p', { className: 'text muted', dataset: { role: 'text' } }, preview(message)));
  }
  if (message.content !== null && message.content !== undefined && !KNOWN.has(message.type)) {
    parts.push(
      el(
        'details',
        { className: 'content-details' },
        el('summary', {}, 'Content'),
        el('pre', {}, JSON.stringify(message.content, null, 2)),
      ),
    );
  }
  return parts;
}

function ticks(message) {
  if (message.direction !== 'outbound' || !message.status) return null;
  const known = STATUSES[message.status] ?? { ticks: '?', label: message.status };
  return el(
    'span',
    {
      className: `ticks ${message.status}`,
      dataset: { status: message.status },
      attrs: { role: 'img', 'aria-label': known.label, title: known.label },
    },
    known.ticks,
  );
}

function reactions(message) {
  if (!message.reactions?.length) return null;
  return el(
    'ul',
    { className: 'reactions', attrs: { 'aria-label': 'Reactions' } },
    message.reactions
      .filter((reaction) => reaction.emoji)
      .map((reaction) => el('li', { dataset: { role: 'reaction', direction: reaction.direction } }, reaction.emoji)),
  );
}

function meta(message) {
  return el(
    'div',
    { className: 'message-meta' },
    message.edited
      ? el(
          'span',
          {
            className: 'marker',
            dataset: { role: 'edited' },
            attrs: {
              title: message.edited.original_text ? `Originally: ${message.edited.original_text}` : 'Edited',
            },
          },
          'edited',
        )
      : null,
    message.revoked ? el('span', { className: 'marker', dataset: { role: 'revoked-marker' } }, 'deleted') : null,
    time(message.sent_at),
    ticks(message),
  );
}

/**
 * "Failed: 131050 …" under a failed message, or the errors of one that has any; statusErrors: the
 * errors of its failed status when the message itself carries none (undefined: still looked up).
 */
export function errorLine(message, statusErrors) {
  const list = message.errors?.length ? message.errors : (statusErrors ?? []);
  if (message.status !== 'failed' && list.length === 0) return null;
  return el(
    'p',
    { className: 'message-errors', dataset: { role: 'errors' } },
    message.status === 'failed' ? 'Failed: ' : 'Errors: ',
    list.map(errorText).join('; ') || (statusErrors ? 'no reason given' : '…'),
  );
}

/**
 * The <li> of a message. quote and errors: its quote and error line, already built; found: it is
 * the message a search opened the conversation at; historyStartedAt: when its number's history
 * import began (media older than 14 days before it will not come).
 */
export function messageBubble(api, message, { quote, errors, found, historyStartedAt }) {
  return el(
    'li',
    {
      className: `message ${message.direction}${message.fresh ? ' fresh' : ''}${found ? ' found' : ''}`,
      dataset: { wamid: message.wamid, direction: message.direction, type: message.type },
      attrs: { 'aria-label': `${message.direction === 'outbound' ? 'Sent' : 'Received'} message` },
    },
    badges(message),
    quote,
    mediaBlock(message, historyStartedAt),
    body(message),
    reactions(message),
    errors,
    meta(message),
    statusPanel(api, message),
  );
}
