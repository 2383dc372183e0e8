// Labels and times. Every time on the page has one format, in the viewer's own time zone (the
// browser's) with that zone shown ("Feb 10, 2025, 8:42 PM GMT-3"): a support engineer compares
// times with a customer in another zone, and a time without its zone invites the wrong answer.

import { el } from './dom.js';

export const TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
});
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

/** A <time> element for an ISO-8601 instant, or null when there is none. */
export function time(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return el('time', {}, String(iso));
  return el('time', { attrs: { datetime: date.toISOString(), title: FULL.format(date) } }, TIME.format(date));
}

/** "2025-02-10": the viewer's calendar day of an instant, for day separators and jumps. */
export function dayKey(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Monday, February 10, 2025". */
export function dayLabel(date) {
  return DAY.format(date);
}

export function customerName(customer) {
  if (customer?.name && customer.name !== customer.phone) return customer.name;
  if (customer?.phone) return `+${customer.phone}`;
  return customer?.username || customer?.user_id || 'Unknown customer';
}

export function contactName(contact) {
  if (contact.full_name || contact.first_name) return contact.full_name || contact.first_name;
  if (contact.phone) return `+${contact.phone}`;
  return contact.username || contact.user_id || 'Unnamed contact';
}

export const ORIGINS = {
  history: 'History import',
  echo: 'Business app',
  live: 'Live',
  media_followup: 'Media follow-up',
  api: 'Cloud API (content not seen)',
};

export const STATUSES = {
  pending: { ticks: '🕓', label: 'Pending' },
  sent: { ticks: '✓', label: 'Sent' },
  delivered: { ticks: '✓✓', label: 'Delivered' },
  read: { ticks: '✓✓', label: 'Read' },
  played: { ticks: '✓✓', label: 'Played' },
  failed: { ticks: '⚠', label: 'Failed' },
};

export const PHASES = [
  { phase: 0, label: 'Phase 0', range: 'last day' },
  { phase: 1, label: 'Phase 1', range: 'up to 90 days' },
  { phase: 2, label: 'Phase 2', range: 'up to 180 days' },
];

/** "131050 Unable to deliver: details" from a Graph API error object, whatever it holds. */
export function errorText(error) {
  if (error === null || error === undefined) return '';
  if (typeof error !== 'object') return String(error);
  const details = error.error_data?.details ?? error.details;
  const parts = [error.code, error.title ?? error.message].filter((part) => part !== undefined && part !== null);
  let text = parts.join(' ');
  if (error.message && error.title && error.message !== error.title) text += ` — ${error.message}`;
  if (details && details !== error.title && details !== error.message) text += ` (${details})`;
  return text || JSON.stringify(error);
}

/** "0 s", "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h": a number of seconds, roughly. */
export function duration(seconds) {
  const total = Math.max(0, Math.round(Number(seconds) || 0));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return total % 60 ? `${minutes} min ${total % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
