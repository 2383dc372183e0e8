package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One {@code smb_app_state_sync} item: a contact of the business app's address book was added or
 * edited ({@link ContactAction#ADD}) or removed. The newer {@code timestamp} wins when changes
 * arrive out of order.
 *
 * @param actionValue {@code action} verbatim
 * @param timestamp {@code metadata.timestamp}; null if missing or unreadable
 * @param contact {@code phone_number}, {@code user_id}, {@code parent_user_id}, {@code username}
 * @param fullName null on remove
 * @param firstName null on remove
 */
public record ContactChange(
    Origin origin,
    ContactAction action,
    String actionValue,
    Instant timestamp,
    Party contact,
    String fullName,
    String firstName,
    JsonNode raw)
    implements CoexistenceEvent {}
