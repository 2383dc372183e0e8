// Raw bytes as text: a body is shown and copied as the bytes it was, never as something decoded
// more kindly than they allow.

const STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LENIENT = new TextDecoder('utf-8', { ignoreBOM: true });

/** The bytes as text when they are UTF-8 (a byte order mark kept), else null. */
export function utf8(bytes) {
  try {
    return STRICT.decode(bytes);
  } catch {
    return null;
  }
}

/** The bytes as text, with U+FFFD where they are not UTF-8: for showing, not for copying. */
export function lenientUtf8(bytes) {
  return LENIENT.decode(bytes);
}

/** Standard base64 of the bytes. */
export function base64(bytes) {
  let binary = '';
  // String.fromCharCode takes its arguments on the stack: a few thousand at a time
  for (let start = 0; start < bytes.length; start += 0x2000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x2000));
  }
  return btoa(binary);
}
