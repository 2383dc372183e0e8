package dev.coexist.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A server on this machine's loopback interface, with the headers every request to it carries.
 *
 * <p>Only 127.0.0.1 is accepted: the benchmark must never send load anywhere else.
 */
record LoopbackEndpoint(String label, int port, List<HeaderSecret> headers) {

  static final String LOOPBACK = "127.0.0.1";

  LoopbackEndpoint {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    headers = List.copyOf(headers);
  }

  /** Parses {@code http://127.0.0.1:PORT} (or {@code localhost}); anything else is refused. */
  static LoopbackEndpoint fromUrl(String label, String url, List<HeaderSecret> headers) {
    final URI uri = URI.create(url);
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("only plain http:// over loopback is supported: " + url);
    }
    final String host = uri.getHost();
    if (!LOOPBACK.equals(host) && !"localhost".equalsIgnoreCase(host)) {
      throw new IllegalArgumentException("the benchmark only targets 127.0.0.1, not " + host);
    }
    final int port = uri.getPort() > 0 ? uri.getPort() : 80;
    return new LoopbackEndpoint(label, port, headers);
  }

  InetSocketAddress address() {
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(LOOPBACK, new byte[] {127, 0, 0, 1}), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a literal address cannot be unknown", e);
    }
  }

  String baseUrl() {
    return "http://" + LOOPBACK + ":" + port;
  }

  /** The request head up to and including {@code Content-Length: }, fixed for a path. */
  byte[] postHeadPrefix(String path) {
    final StringBuilder head = new StringBuilder(256);
    head.append("POST ").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(LOOPBACK).append(':').append(port).append("\r\n");
    head.append("User-Agent: coexist-bench\r\n");
    head.append("Content-Type: application/json\r\n");
    for (final HeaderSecret header : headers) {
      head.append(header.name()).append(": ").append(header.value()).append("\r\n");
    }
    head.append("Content-Length: ");
    return head.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  byte[] getHead(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: " + LOOPBACK + ":" + port + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
