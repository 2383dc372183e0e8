// Day separators and jumping to a date in the open conversation. A separator goes before the first
// message of each calendar day in the viewer's time zone (format.js's dayKey) and is keyed like the
// bubbles, so it is built once and stays while its day is shown. A jump loads older pages until
// the day is shown, then scrolls its separator to the top of the pane.

import { el } from './dom.js';
import { dayKey, dayLabel } from './format.js';

/** Messages per page while jumping: a day months back should take a few requests, not dozens. */
const JUMP_PAGE = 200;

/** How long the separator jumped to stays outlined (ms). */
const TARGET_SHOWN = 1500;

export function isDayKey(key) {
  return key.startsWith('day:');
}

/**
 * The render keys in page order: `day:YYYY-MM-DD` (or `day:unknown`) before the first message of
 * each day, `msg:<wamid>` for each message. order: wamids oldest first; atOf(wamid): its time in
 * epoch ms, 0 when unknown.
 */
export function keysWithDays(order, atOf) {
  const keys = [];
  let day = null;
  for (const wamid of order) {
    const at = atOf(wamid);
    const key = at ? dayKey(new Date(at)) : 'unknown';
    if (key !== day) {
      keys.push(`day:${key}`);
      day = key;
    }
    keys.push(`msg:${wamid}`);
  }
  return keys;
}

/** The separator of a day key: "Monday, February 10, 2025". */
export function daySeparator(key) {
  const day = key.slice(4);
  return el(
    'li',
    { className: 'day', dataset: { day }, attrs: { role: 'separator' } },
    // noon, not midnight: where clocks change at midnight, some days have no midnight
    el('span', {}, day === 'unknown' ? 'Unknown date' : dayLabel(new Date(`${day}T12:00:00`))),
  );
}

/**
 * Loads older pages of the conversation until the day `day` (YYYY-MM-DD) is shown, then scrolls to
 * its separator (or the next day's, when it has no messages). True when that day's separator was
 * found; false when there is none or another thread was opened meanwhile.
 */
export async function jumpToDay(conversation, day) {
  if (!day || conversation.thread === null) return false;
  const generation = conversation.generation;
  const oldestDay = () => {
    const at = conversation.oldestAt();
    return at ? dayKey(new Date(at)) : '';
  };
  while (conversation.before && oldestDay() >= day && generation === conversation.generation) {
    await conversation.loadOlder({ limit: JUMP_PAGE });
  }
  if (generation !== conversation.generation) return false;
  const { list, scroller } = conversation;
  const days = [...list.querySelectorAll('li.day')];
  const target = days.find((node) => node.dataset.day >= day) ?? days.at(-1);
  if (!target) return false;
  scroller.scrollTop = target.offsetTop - scroller.offsetTop;
  target.classList.add('target');
  setTimeout(() => target.classList.remove('target'), TARGET_SHOWN);
  return target.dataset.day === day;
}
