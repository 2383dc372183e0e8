package dev.coexist.apply;

/** Small hand-made webhook bodies for the cases the fixtures do not cover on their own. */
final class Payloads {
  private static final String METADATA =
      """
      "metadata":{"display_phone_number":"15550001111","phone_number_id":"106540352242922"}""";

  private Payloads() {}

  static String meta(final String field, final String valueFields) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
        {"field":"%s","value":{"messaging_product":"whatsapp",%s,%s}}]}]}"""
        .formatted(field, METADATA, valueFields);
  }

  static String chunk(final int phase, final int order, final int progress, final String wamid) {
    return """
        {"id":"chunk-%d-%d-%s","event":"history","data":{"id":"102290129340398",
        "messaging_product":"whatsapp",%s,"history":[{"metadata":{"phase":%d,"chunk_order":%d,
        "progress":%d},"threads":[{"id":"16505551234","messages":[{"from":"16505551234",
        "id":"%s","timestamp":"17390%02d%03d","type":"text","text":{"body":"chunk %d/%d"},
        "history_context":{"status":"READ"}}]}]}]}}"""
        .formatted(
            phase, order, wamid, METADATA, phase, order, progress, wamid, phase, order, phase,
            order);
  }

  static String historyMessage(final String wamid, final String from, final String status) {
    return """
        {"id":"h-%s","event":"history","data":{"id":"102290129340398",
        "messaging_product":"whatsapp",%s,"history":[{"metadata":{"phase":0,"chunk_order":9,
        "progress":50},"threads":[{"id":"16505551234","messages":[{"from":"%s","id":"%s",
        "timestamp":"1740000100","type":"text","text":{"body":"same message"},
        "history_context":{"status":"%s"}}]}]}]}}"""
        .formatted(wamid, METADATA, from, wamid, status);
  }

  static String echo(final String wamid, final long timestamp, final String body) {
    return meta(
        "smb_message_echoes",
        """
        "message_echoes":[{"from":"15550001111","to":"16505551234","id":"%s",
        "timestamp":"%d","type":"text","text":{"body":"%s"}}]"""
            .formatted(wamid, timestamp, body));
  }

  static String live(final String wamid, final long timestamp, final String body) {
    return meta(
        "messages",
        """
        "contacts":[{"profile":{"name":"Pablo"},"wa_id":"16505551234"}],
        "messages":[{"from":"16505551234","id":"%s","timestamp":"%d","type":"text",
        "text":{"body":"%s"}}]"""
            .formatted(wamid, timestamp, body));
  }

  static String status(final String wamid, final String status, final long timestamp) {
    return meta(
        "messages",
        """
        "statuses":[{"id":"%s","status":"%s","timestamp":"%d","recipient_id":"16505551234"}]"""
            .formatted(wamid, status, timestamp));
  }

  static String contact(final String action, final String name, final long timestamp) {
    final String names =
        name == null ? "" : "\"full_name\":\"%s\",\"first_name\":\"%s\",".formatted(name, name);
    return meta(
        "smb_app_state_sync",
        """
        "state_sync":[{"type":"contact","contact":{%s"phone_number":"16505551234"},
        "action":"%s","metadata":{"timestamp":"%d"}}]"""
            .formatted(names, action, timestamp));
  }
}
