// "Copy as curl": a command that posts a journal entry's body again, byte for byte, to the route
// it came in on. The webhook's authentication is a placeholder to fill in: the inbox does not know
// the secret, and a copied command should not carry one.

import { utf8, base64 } from './bytes.js';

export const AUTH_PLACEHOLDER = 'AUTH-HEADER: AUTH-VALUE';

/** A shell word that is `value` exactly, whatever it holds (but NUL, which no word can). */
export function shellQuote(value) {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * entry: {id, route, headers} as /api/v1/journal/{id} shows it; bytes: its body as received;
 * origin: where this Coexist is reached (location.origin).
 */
export function curlCommand(entry, bytes, origin) {
  const path = entry.route === '360dialog' ? '/webhooks/360dialog' : '/webhooks/whatsapp';
  const contentType = entry.headers?.['content-type'] || 'application/json';
  const options = [
    `curl -sS -X POST ${shellQuote(origin + path)}`,
    `-H ${shellQuote(`Content-Type: ${contentType}`)}`,
    `-H ${shellQuote(AUTH_PLACEHOLDER)}`,
  ];
  const text = utf8(bytes);
  let command;
  if (text !== null && !text.includes('\0') && !text.startsWith('@')) {
    command = [...options, `--data-binary ${shellQuote(text)}`].join(' \\\n  ');
  } else {
    // bytes a shell word cannot carry (not UTF-8, a NUL), or that curl would read as a file
    // name (@...): decoded from base64 on the way in
    command = `printf '%s' ${shellQuote(base64(bytes))} | base64 -d | \\\n  ${[...options, '--data-binary @-'].join(' \\\n  ')}`;
  }
  return [
    `# Posts journal entry ${entry.id} again, byte for byte. Replace ${AUTH_PLACEHOLDER} with the`,
    '# webhook authentication Coexist checks: the --header-secret NAME: VALUE, or a signature of',
    '# the body (x-360dialog-signature, X-Hub-Signature-256).',
    command,
  ].join('\n');
}
