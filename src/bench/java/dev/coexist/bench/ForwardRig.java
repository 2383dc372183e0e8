package dev.coexist.bench;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A fresh Coexist, a receiver, and the subscriptions that deliver to it. */
final class ForwardRig implements AutoCloseable {
  final CoexistChildServer server;
  final WebhookReceiver receiver;
  final SubscriptionClient api;
  final List<String> ids;

  private ForwardRig(
      final CoexistChildServer server,
      final WebhookReceiver receiver,
      final SubscriptionClient api,
      final List<String> ids) {
    this.server = server;
    this.receiver = receiver;
    this.api = api;
    this.ids = ids;
  }

  static ForwardRig start(final ForwardSteps.Setup setup, final int subscriptions)
      throws IOException, InterruptedException, SQLException {
    final WebhookReceiver receiver = WebhookReceiver.start(subscriptions);
    CoexistChildServer server = null;
    SubscriptionClient api = null;
    try {
      server =
          CoexistChildServer.start(
              setup.jvmOptions(), setup.keepData(), setup.serveOptions(), setup.storage());
      api = new SubscriptionClient(server.endpoint().baseUrl(), ForwardSteps.API_KEY);
      final List<String> ids = new ArrayList<>();
      for (int index = 0; index < subscriptions; index++) {
        ids.add(api.create(receiver.url(index), receiver.secret(index), ForwardSteps.TYPES));
      }
      return new ForwardRig(server, receiver, api, List.copyOf(ids));
    } catch (IOException | InterruptedException | SQLException | RuntimeException failed) {
      if (api != null) {
        api.close();
      }
      if (server != null) {
        server.close();
      }
      receiver.close();
      throw failed;
    }
  }

  List<SubscriptionClient.Figures> figures() throws IOException, InterruptedException {
    final List<SubscriptionClient.Figures> all = new ArrayList<>();
    for (final String id : ids) {
      all.add(api.figures(id));
    }
    return all;
  }

  @Override
  public void close() {
    api.close();
    server.close();
    receiver.close();
  }
}
