// The read API (openapi.yaml): JSON over fetch, with the tab's API key as a bearer token.

export class ApiError extends Error {
  constructor(status, error, reason) {
    super(reason ? `${error}: ${reason}` : error);
    this.status = status;
    this.error = error;
    this.reason = reason;
  }
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const seg = (value) => encodeURIComponent(String(value));

export class Api {
  /** key(): the current API key; onUnauthorized(reason): the key was refused. */
  constructor(key, onUnauthorized) {
    this.key = key;
    this.onUnauthorized = onUnauthorized;
  }

  get(path, params) {
    return this.request('GET', path + query(params));
  }

  post(path, body) {
    return this.request('POST', path, body);
  }

  patch(path, body) {
    return this.request('PATCH', path, body);
  }

  async request(method, path, body) {
    const response = await this.raw(method, path, body, 'application/json');
    return response.json().catch(() => null);
  }

  /** The answer itself, when it is a 2xx: for bodies that are not the API's JSON. */
  async raw(method, path, body, accept = '*/*') {
    const headers = { Authorization: `Bearer ${this.key()}`, Accept: accept };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    if (!response.ok) {
      const payload = await response.json().catch(() => null);
      const error = new ApiError(response.status, payload?.error ?? `HTTP ${response.status}`, payload?.reason);
      if (response.status === 401) this.onUnauthorized(error.reason ?? 'the API key was refused');
      throw error;
    }
    return response;
  }

  numbers() { return this.get('/api/v1/numbers', { limit: 500 }); }
  threads(number, cursor, q) { return this.get(`/api/v1/numbers/${seg(number)}/threads`, { limit: 30, cursor, q }); }
  /** Messages by words or wamid, newest first; number: only that number's (optional). */
  search(q, number, cursor) { return this.get('/api/v1/search', { q, number, limit: 30, cursor }); }
  contacts(number, cursor) { return this.get(`/api/v1/numbers/${seg(number)}/contacts`, { limit: 50, cursor }); }
  messages(number, thread, page = {}) {
    return this.get(`/api/v1/numbers/${seg(number)}/threads/${seg(thread)}/messages`, { limit: 50, ...page });
  }
  message(wamid) { return this.get(`/api/v1/messages/${seg(wamid)}`); }
  /** A number's account updates and partner events, newest first. */
  numberEvents(number, cursor, limit) { return this.get(`/api/v1/numbers/${seg(number)}/events`, { limit, cursor }); }
  /** query: {state} or {with_problems: true}. */
  journal(query, cursor) { return this.get('/api/v1/journal', { ...query, limit: 50, cursor }); }
  journalEntry(id) { return this.get(`/api/v1/journal/${seg(id)}`, { limit: 20 }); }
  journalProblems(id, cursor) { return this.get(`/api/v1/journal/${seg(id)}/problems`, { limit: 50, cursor }); }
  /** The body exactly as received: {bytes: Uint8Array, contentType}. */
  async journalBody(id) {
    const response = await this.raw('GET', `/api/v1/journal/${seg(id)}/body`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get('Content-Type') ?? '' };
  }
  /** Entries as the JSON lines coexist import reads (at most 500 ids), as a Blob. */
  async exportJournal(ids) {
    const response = await this.raw('POST', '/api/v1/journal/export', { ids }, 'application/x-ndjson');
    return response.blob();
  }
  replay(id) { return this.post(`/api/v1/journal/${seg(id)}/replay`); }
  replayFailed() { return this.post('/api/v1/journal/replay', { state: 'failed' }); }
  subscriptions() { return this.get('/api/v1/subscriptions'); }
  subscription(id) { return this.get(`/api/v1/subscriptions/${seg(id)}`); }
  deadLetters(id, after) { return this.get(`/api/v1/subscriptions/${seg(id)}/dead-letters`, { after }); }
  /** what: {id: <event id>} or {since: '<ISO instant>'}. */
  replayDead(id, what) { return this.post(`/api/v1/subscriptions/${seg(id)}/replay`, what); }
  setSubscriptionState(id, state) { return this.patch(`/api/v1/subscriptions/${seg(id)}`, { state }); }
}
