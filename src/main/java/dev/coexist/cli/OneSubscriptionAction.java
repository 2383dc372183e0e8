package dev.coexist.cli;

import dev.coexist.changes.Subscriptions;
import dev.coexist.changes.WebhookSubscription;
import picocli.CommandLine.Parameters;

/** A {@code coexist subscriptions} subcommand on one subscription, named by its id. */
abstract class OneSubscriptionAction extends SubscriptionAction {
  @Parameters(index = "0", paramLabel = "ID", description = "The subscription (sub_...).")
  String id;

  WebhookSubscription found(final Subscriptions subscriptions) throws Exception {
    return subscriptions.find(id).orElseThrow(this::unknown);
  }

  Refused unknown() {
    return new Refused(EXIT_NOT_FOUND, "no subscription " + id);
  }
}
