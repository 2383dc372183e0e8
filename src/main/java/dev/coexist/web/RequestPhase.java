package dev.coexist.web;

/** Where a client connection is in its current request (see {@link GuardedConnection}). */
enum RequestPhase {
  /** No byte of a request yet: a new connection, or a kept-alive one between requests. */
  IDLE,
  /** The first bytes of a request arrived, its request line is not complete. */
  REQUEST_LINE,
  /** The request line is read, the headers are not complete. */
  HEADERS,
  /** The headers are read: the body, the handler and the response. */
  BODY,
  /**
   * A write of the response is blocked because the client does not take its bytes (its receive
   * window is full): it froze, vanished without a FIN, or stopped reading a live feed.
   */
  WRITE
}
