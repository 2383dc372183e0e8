package dev.coexist.store;

/** A message a search found, with its thread, so that a client can open the conversation at it. */
public record SearchHit(MessageView message, ThreadView thread) {}
