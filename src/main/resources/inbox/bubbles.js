// What a message says, in words and as a readable block: previews ("Photo", "Location: Obelisco",
// the same words as the API's thread previews, store/MessagePreview.java), media and history
// placeholders, locations, contact cards, interactive and button replies, orders. Never raw JSON
// for a type the inbox knows.

import { el } from './dom.js';

const MEDIA = { image: 'Photo', video: 'Video', audio: 'Audio', document: 'Document', sticker: 'Sticker' };

/** WhatsApp sends the media of a history message only when it was sent within 14 days of onboarding. */
export const MEDIA_FOLLOWUP_DAYS = 14;

function humane(type) {
  const spaced = String(type ?? '').replaceAll('_', ' ').trim();
  return spaced ? spaced[0].toUpperCase() + spaced.slice(1) : 'Message';
}

function contactNames(content) {
  return (Array.isArray(content) ? content : [])
    .map((card) => {
      const name = card?.name ?? {};
      return (
        name.formatted_name ||
        [name.first_name, name.last_name].filter(Boolean).join(' ') ||
        card?.phones?.[0]?.phone ||
        ''
      ).trim();
    })
    .filter(Boolean);
}

/** A message in a few words (store/MessagePreview.java words it the same way). */
export function preview(message) {
  if (!message) return 'Message';
  if (message.revoked) return 'This message was deleted';
  const text = message.text?.trim() ? message.text : null;
  const content = message.content ?? {};
  switch (message.type) {
    case 'text':
    case 'system':
      return text ?? 'Message';
    case 'audio':
      if (content.voice) return 'Voice message';
    // falls through
    case 'image':
    case 'video':
    case 'document':
    case 'sticker': {
      const label = MEDIA[message.type];
      const extra = text ?? content.filename ?? message.media?.filename;
      return extra ? `${label}: ${extra}` : label;
    }
    case 'media_placeholder':
      return 'Media from the history import';
    case 'location': {
      const name = content.name || content.address;
      return name ? `Location: ${name}` : 'Location';
    }
    case 'contacts': {
      const names = contactNames(content);
      if (names.length === 0) return 'Contact';
      return names.length === 1 ? `Contact: ${names[0]}` : `Contacts: ${names[0]} and ${names.length - 1} more`;
    }
    case 'interactive':
    case 'button':
      return text ?? 'Interactive reply';
    case 'order': {
      const items = content.product_items?.length ?? 0;
      const count = items === 1 ? '1 item' : `${items} items`;
      return text ? `Order: ${count} · ${text}` : `Order: ${count}`;
    }
    case 'template':
      return text ?? 'Template message';
    case 'unsupported':
      return 'Unsupported message';
    default:
      return text ?? humane(message.type);
  }
}

const text = (value, role) => el('p', { className: 'text', dataset: { role }, attrs: { dir: 'auto' } }, value);

function line(label, value) {
  return value === null || value === undefined || value === '' ? null : el('div', { className: 'card-line' }, el('span', { className: 'muted' }, `${label} `), el('span', { attrs: { dir: 'auto' } }, String(value)));
}

function location(content) {
  const lat = Number(content.latitude);
  const lon = Number(content.longitude);
  const where = Number.isFinite(lat) && Number.isFinite(lon) ? `${lat.toFixed(5)}, ${lon.toFixed(5)}` : null;
  return el(
    'div',
    { className: 'card location', dataset: { role: 'location' } },
    el('span', { className: 'card-title' }, '📍 ', el('span', { attrs: { dir: 'auto' } }, content.name || 'Location')),
    content.address ? el('span', { attrs: { dir: 'auto' } }, content.address) : null,
    where
      ? el(
          'a',
          {
            href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`,
            attrs: { target: '_blank', rel: 'noopener noreferrer' },
          },
          where,
        )
      : null,
    content.url ? line('Link', content.url) : null,
  );
}

function contactCard(card) {
  const name = contactNames([card])[0] ?? 'Contact';
  return el(
    'li',
    { className: 'card contact-card', dataset: { role: 'contact-card' } },
    el('span', { className: 'card-title' }, '👤 ', el('span', { attrs: { dir: 'auto' } }, name)),
    (card.phones ?? []).map((phone) => line(phone.type ? `Phone (${phone.type.toLowerCase()})` : 'Phone', phone.phone ?? phone.wa_id)),
    (card.emails ?? []).map((email) => line('Email', email.email)),
    card.org?.company ? line('Company', [card.org.company, card.org.title].filter(Boolean).join(', ')) : null,
    (card.urls ?? []).map((url) => line('Web', url.url)),
  );
}

function interactive(message) {
  const content = message.content ?? {};
  const reply = content.button_reply ?? content.list_reply;
  if (reply) {
    return el(
      'div',
      { className: 'card reply', dataset: { role: 'interactive' } },
      el('span', { className: 'muted' }, content.list_reply ? 'Chose from a list' : 'Tapped a button'),
      el('span', { className: 'card-title', attrs: { dir: 'auto' } }, reply.title ?? message.text ?? ''),
      reply.description ? el('span', { attrs: { dir: 'auto' } }, reply.description) : null,
      line('Reply id', reply.id),
    );
  }
  if (content.nfm_reply) {
    let fields = [];
    try {
      fields = Object.entries(JSON.parse(content.nfm_reply.response_json ?? '{}'));
    } catch {
      fields = [];
    }
    return el(
      'div',
      { className: 'card reply', dataset: { role: 'interactive' } },
      el('span', { className: 'muted' }, 'Sent a form'),
      el('span', { className: 'card-title', attrs: { dir: 'auto' } }, content.nfm_reply.name ?? content.nfm_reply.body ?? 'Form'),
      fields.filter(([key]) => key !== 'flow_token').map(([key, value]) => line(key, typeof value === 'object' ? JSON.stringify(value) : value)),
    );
  }
  return el('div', { className: 'card reply', dataset: { role: 'interactive' } }, el('span', { className: 'card-title' }, message.text ?? 'Interactive reply'));
}

function button(message) {
  const content = message.content ?? {};
  return el(
    'div',
    { className: 'card reply', dataset: { role: 'interactive' } },
    el('span', { className: 'muted' }, 'Tapped a template button'),
    el('span', { className: 'card-title', attrs: { dir: 'auto' } }, content.text ?? message.text ?? ''),
    line('Payload', content.payload),
  );
}

function order(message) {
  const content = message.content ?? {};
  return el(
    'div',
    { className: 'card order', dataset: { role: 'order' } },
    el('span', { className: 'card-title' }, '🛒 ', preview({ ...message, text: null })),
    el(
      'ul',
      {},
      (content.product_items ?? []).map((item) =>
        el('li', {}, `${item.quantity ?? '?'} × ${item.product_retailer_id ?? 'item'}`, item.item_price ? ` · ${item.item_price} ${item.currency ?? ''}` : ''),
      ),
    ),
    content.text ? text(content.text, 'text') : null,
  );
}

/** The readable block of a non-media message of a known kind, or null. */
export function contentBlock(message) {
  if (message.revoked || message.content === null || message.content === undefined) return null;
  switch (message.type) {
    case 'location':
      return location(message.content);
    case 'contacts':
      return el('ul', { className: 'cards', dataset: { role: 'contacts' } }, (Array.isArray(message.content) ? message.content : []).map(contactCard));
    case 'interactive':
      return interactive(message);
    case 'button':
      return button(message);
    case 'order':
      return order(message);
    default:
      return null;
  }
}

/** Types whose text is already part of their block. */
export const TEXT_IN_BLOCK = new Set(['interactive', 'button', 'order', 'location', 'contacts']);

/** Types shown without a raw "Content" fallback. */
export const KNOWN = new Set(['text', 'system', 'image', 'video', 'audio', 'document', 'sticker', 'media_placeholder', 'location', 'contacts', 'interactive', 'button', 'order', 'unsupported', 'reaction']);

/**
 * Whether a history placeholder's media will never come: WhatsApp follows up only media sent within
 * 14 days of onboarding (the first history chunk is when it began; else now).
 */
export function mediaWillNotCome(message, onboardedAt) {
  const sent = Date.parse(message.sent_at ?? '');
  if (Number.isNaN(sent)) return false;
  const reference = Date.parse(onboardedAt ?? '') || Date.now();
  return reference - sent > MEDIA_FOLLOWUP_DAYS * 24 * 3600 * 1000;
}

export function mediaBlock(message, onboardedAt) {
  const item = message.media;
  if (!item || message.revoked) return null;
  if (item.placeholder) {
    const never = mediaWillNotCome(message, onboardedAt);
    return el(
      'div',
      { className: `media placeholder${never ? ' never' : ''}`, dataset: { role: 'media', placeholder: 'true', mediaExpected: String(!never) } },
      el('span', { className: 'media-type' }, 'Media from the history import'),
      el(
        'span',
        {},
        never
          ? `This media will not come: WhatsApp sends the media of imported messages only when they are at most ${MEDIA_FOLLOWUP_DAYS} days older than the onboarding.`
          : 'The media has not arrived yet: WhatsApp sends it in a follow-up, for imported messages of the last 14 days.',
      ),
      item.id ? el('span', { className: 'media-id' }, `media id ${item.id}`) : null,
    );
  }
  const label = message.type === 'audio' && message.content?.voice ? 'Voice message' : MEDIA[message.type] ?? humane(message.type);
  return el(
    'div',
    { className: 'media', dataset: { role: 'media' } },
    el('span', { className: 'media-type' }, [label, message.type, item.mime_type].filter(Boolean).join(' · ')),
    item.filename ? el('span', { attrs: { dir: 'auto' } }, item.filename) : null,
    item.caption ? el('span', { className: 'caption', dataset: { role: 'caption' }, attrs: { dir: 'auto' } }, item.caption) : null,
    el('span', { className: 'media-id' }, `media id ${item.id ?? 'unknown'}`),
  );
}
