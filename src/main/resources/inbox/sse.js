// The live change feed read with fetch(): EventSource cannot send an Authorization header. A small
// parser for text/event-stream, and a follower that reconnects with Last-Event-ID.

/** Incremental text/event-stream parser (the WHATWG rules for lines and fields). */
export class SseParser {
  constructor() {
    this.buffer = '';
    this.data = [];
    this.event = '';
    this.id = null;
    this.retry = null;
  }

  /** Feeds decoded text; returns the events it completed as {id, event, data}. */
  push(text) {
    this.buffer += text;
    const events = [];
    let start = 0;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer.slice(start));
      if (!match) break;
      // a lone \r at the very end may be the first half of \r\n: wait for more
      if (match[0] === '\r' && start + match.index + 1 === this.buffer.length) break;
      const line = this.buffer.slice(start, start + match.index);
      start += match.index + match[0].length;
      const completed = this.line(line);
      if (completed) events.push(completed);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  line(line) {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return null;
      }
      const completed = { id: this.id, event: this.event || 'message', data: this.data.join('\n') };
      this.data = [];
      this.event = '';
      return completed;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }
}

/**
 * Follows url until stop() is called: onEvent({id, event, data}) per event, onState('live' |
 * 'down' | 'refused', reason) on changes. Reconnects after the server's retry delay (growing while it keeps
 * failing), sending the last seen id so the server can send what was missed.
 */
export function follow(url, { key, onEvent, onState }) {
  let lastEventId = null;
  let retry = 2000;
  let failures = 0;
  let stopped = false;
  let controller = null;
  let timer = null;

  async function connect() {
    controller = new AbortController();
    const headers = { Authorization: `Bearer ${key()}`, Accept: 'text/event-stream' };
    if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
    try {
      const response = await fetch(url, { headers, signal: controller.signal, cache: 'no-store' });
      if (response.status === 401) {
        const refusal = await response.json().catch(() => null);
        if (!stopped) onState('refused', refusal?.reason ?? 'the API key was refused');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const parser = new SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let announced = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!announced) {
          announced = true;
          failures = 0;
          onState('live');
        }
        for (const event of parser.push(value)) {
          if (event.id !== null) lastEventId = event.id;
          let data = null;
          try {
            data = JSON.parse(event.data);
          } catch {
            data = { raw: event.data };
          }
          onEvent({ id: event.id, event: event.event, data });
        }
        if (parser.retry !== null) retry = parser.retry;
      }
    } catch (error) {
      if (stopped) return;
      console.debug('change feed interrupted', error);
    }
    if (stopped) return;
    failures += 1;
    onState('down');
    timer = setTimeout(connect, Math.min(retry * failures, 30000));
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
