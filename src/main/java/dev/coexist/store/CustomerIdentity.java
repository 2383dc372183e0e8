package dev.coexist.store;

/** Who a customer is, as far as the payloads told: phone and/or business-scoped user id. */
public record CustomerIdentity(String phone, String userId, String parentUserId, String username) {}
