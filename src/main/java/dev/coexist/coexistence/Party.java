package dev.coexist.coexistence;

/**
 * A WhatsApp user (or the business) as far as a payload identifies it. Since business-scoped user
 * ids (BSUID, {@code CC.xxx}) the phone number may be missing and only {@code userId} known, so
 * every field is optional; a party with no field set is {@link #UNKNOWN}.
 *
 * @param phone wa_id / phone number, digits as sent
 * @param userId business-scoped user id ({@code user_id}, {@code from_user_id}, ...)
 * @param parentUserId parent business-scoped user id ({@code CC.ENT.xxx})
 * @param username WhatsApp username where the payload carries one
 */
public record Party(String phone, String userId, String parentUserId, String username) {

  public static final Party UNKNOWN = new Party(null, null, null, null);

  public boolean isUnknown() {
    return phone == null && userId == null && parentUserId == null && username == null;
  }

  /** True when both identify the same user by phone or by business-scoped user id. */
  public boolean sameUserAs(Party other) {
    return (phone != null && Digits.same(phone, other.phone))
        || (userId != null && userId.equals(other.userId));
  }
}
