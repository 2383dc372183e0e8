package dev.coexist.coexistence;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An item that could not be decoded. The rest of the delivery is decoded regardless.
 *
 * @param location JSON-pointer-like path of the item, e.g. {@code
 *     /entry/0/changes/0/value/messages/1}
 * @param message what is wrong, for an operator
 * @param item the offending JSON (may be a missing node)
 */
public record DecodeProblem(String location, String message, JsonNode item) {}
