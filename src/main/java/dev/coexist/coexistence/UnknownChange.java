package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A change this decoder does not interpret (an unknown field, an unknown {@code state_sync} type, a
 * value with nothing known in it). Kept raw so it can be handled later by replaying the journal.
 *
 * @param reason why it was not interpreted, e.g. {@code unknown field 'calls'}
 */
public record UnknownChange(Origin origin, String reason, JsonNode raw)
    implements CoexistenceEvent {}
