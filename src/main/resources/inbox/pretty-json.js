// JSON text indented for reading, every value left exactly as it was written: JSON.parse and
// JSON.stringify would round numbers beyond 2^53, fold duplicate keys and rewrite escapes, and an
// operator reading a delivery must see what was sent.

/** `text` (JSON: the caller has checked) with one member or element a line. */
export function prettyJson(text, indent = 2) {
  const out = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  const newline = () => `\n${' '.repeat(depth * indent)}`;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      out.push(char);
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    switch (char) {
      case '"':
        inString = true;
        out.push(char);
        break;
      case '{':
      case '[': {
        const close = char === '{' ? '}' : ']';
        const next = significant(text, index + 1);
        if (text[next] === close) {
          // an empty object or array stays {} or []
          out.push(char, close);
          index = next;
        } else {
          depth += 1;
          out.push(char, newline());
        }
        break;
      }
      case '}':
      case ']':
        depth -= 1;
        out.push(newline(), char);
        break;
      case ',':
        out.push(',', newline());
        break;
      case ':':
        out.push(': ');
        break;
      case ' ':
      case '\t':
      case '\n':
      case '\r':
        break;
      default:
        out.push(char);
    }
  }
  return out.join('');
}

function significant(text, from) {
  let index = from;
  while (index < text.length && ' \t\n\r'.includes(text[index])) index += 1;
  return index;
}
