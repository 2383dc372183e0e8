package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A value's {@code contacts[]} and the lookup of the entry that belongs to a message. */
final class ContactProfiles {

  private final List<ContactProfile> profiles;

  private ContactProfiles(List<ContactProfile> profiles) {
    this.profiles = profiles;
  }

  /** Entries that are not objects are ignored: contacts only enrich messages. */
  static ContactProfiles read(JsonNode value) {
    List<ContactProfile> profiles = new ArrayList<>();
    JsonNode contacts = value.get("contacts");
    if (contacts != null && contacts.isArray()) {
      for (JsonNode contact : contacts) {
        if (contact.isObject()) {
          JsonNode profile = contact.path("profile");
          String username = Json.text(profile, "username");
          profiles.add(
              new ContactProfile(
                  new Party(
                      Json.text(contact, "wa_id"),
                      Json.text(contact, "user_id"),
                      Json.text(contact, "parent_user_id"),
                      username != null ? username : Json.text(contact, "username")),
                  Json.text(profile, "name")));
        }
      }
    }
    return new ContactProfiles(profiles);
  }

  /**
   * The entry of this customer, matched by phone or user id. Only when the message identifies
   * nobody is a single entry taken as its own: attaching another user's profile name would be worse
   * than none.
   */
  ContactProfile matching(Party customer) {
    for (ContactProfile profile : profiles) {
      if (profile.party().sameUserAs(customer)) {
        return profile;
      }
    }
    return customer.isUnknown() && profiles.size() == 1 ? profiles.get(0) : null;
  }
}
