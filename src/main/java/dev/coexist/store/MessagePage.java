package dev.coexist.store;

import java.util.List;

/**
 * Messages of a thread, oldest first within the page.
 *
 * @param before pass as {@code before} to get the older page; null when there is none
 * @param after pass as {@code after} to get the newer page; null when there is none
 */
public record MessagePage(List<MessageView> messages, MessageCursor before, MessageCursor after) {
  public MessagePage {
    messages = List.copyOf(messages);
  }
}
