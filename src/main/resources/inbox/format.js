// Labels and times. Times are shown in the viewer's own time zone (the browser's), with the full
// date, time and zone name in the tooltip.

import { el } from './dom.js';

const SHORT = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A <time> element for an ISO-8601 instant, or null when there is none. */
export function time(iso, { compact = false } = {}) {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return el('time', {}, String(iso));
  const text = compact && sameDay(date, new Date()) ? TIME.format(date) : SHORT.format(date);
  return el('time', { attrs: { datetime: date.toISOString(), title: FULL.format(date) } }, text);
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
