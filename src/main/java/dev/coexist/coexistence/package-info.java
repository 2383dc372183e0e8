/**
 * Decoding of WhatsApp Coexistence webhooks into typed domain events.
 *
 * <p>Pure: no IO, no HTTP, no SQL. {@link dev.coexist.coexistence.Decoder} takes the raw body of
 * one delivery (360dialog partner envelope or Meta envelope) and returns every event it holds plus
 * the items it could not read, so that one bad item never hides the good ones next to it.
 */
package dev.coexist.coexistence;
