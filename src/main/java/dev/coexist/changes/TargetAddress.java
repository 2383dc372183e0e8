package dev.coexist.changes;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where a subscription may deliver: an absolute {@code http} or {@code https} URL whose host, as
 * resolved, is not loopback, link-local, site-local (private) or unspecified, unless private
 * targets are allowed ({@code --allow-private-targets}): a subscription must not become a way into
 * the network Coexist runs in.
 */
final class TargetAddress {
  private TargetAddress() {}

  /** The URL checked; throws {@link IllegalArgumentException} saying what is wrong. */
  static URI check(final String url, final boolean allowPrivate) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("url is required");
    }
    final URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException invalid) {
      throw new IllegalArgumentException("url is not a valid URL: " + invalid.getReason());
    }
    final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("url must be http or https");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("url has no host");
    }
    if (uri.getUserInfo() != null) {
      throw new IllegalArgumentException("url must not carry a user or password");
    }
    if (!allowPrivate) {
      refusePrivate(uri.getHost());
    }
    return uri;
  }

  /** Throws when {@code host} resolves to an address that is not public. */
  static void refusePrivate(final String host) {
    publicAddresses(host);
  }

  /**
   * The addresses {@code host} resolves to, all public, else throws: a delivery connects to one of
   * these, so a name that resolves elsewhere the next time cannot lead it inside.
   */
  static InetAddress[] publicAddresses(final String host) {
    final InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException unknown) {
      throw new IllegalArgumentException("url's host " + host + " does not resolve");
    }
    for (final InetAddress address : addresses) {
      if (address.isLoopbackAddress()
          || address.isLinkLocalAddress()
          || address.isSiteLocalAddress()
          || address.isAnyLocalAddress()
          || address.isMulticastAddress()
          || isUniqueLocal(address)) {
        throw new IllegalArgumentException(
            "url's host "
                + host
                + " is a private address ("
                + address.getHostAddress()
                + "); set --allow-private-targets to deliver there");
      }
    }
    return addresses;
  }

  // IPv6 unique local addresses (fc00::/7), which isSiteLocalAddress does not cover
  private static boolean isUniqueLocal(final InetAddress address) {
    final byte[] bytes = address.getAddress();
    return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
  }
}
