package dev.coexist.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coexist.journal.Journal;
import dev.coexist.journal.JournalEntry;
import dev.coexist.journal.JournalLines;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The journal's raw bytes: one entry's body exactly as received, and chosen entries as the JSON
 * lines {@code coexist import} reads ({@link JournalLines}), for the inbox's download and for
 * anyone who wants to post a delivery again elsewhere.
 */
public final class JournalBodies {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory JSON_TEXT = new JsonFactory();
  // a list of ids: 500 of them fit many times over
  private static final int MAX_EXPORT_REQUEST = 16 * 1024;

  private final Journal journal;
  private final ApiGuard guard;

  public JournalBodies(final Journal journal, final ApiGuard guard) {
    this.journal = journal;
    this.guard = guard;
  }

  public void register(final HttpRouting.Builder routing) {
    routing
        .post("/api/v1/journal/export", guard.guarded(this::export))
        .get("/api/v1/journal/{id}/body", guard.guarded(List.of(), this::body));
  }

  private void body(final ServerRequest request, final ServerResponse response)
      throws SQLException {
    final long id = ApiGuard.wholeNumber(request.path().pathParameters().get("id"), "journal id");
    final JournalEntry entry =
        journal
            .find(id)
            .orElseThrow(() -> new ApiGuard.NotFoundException("no journal entry " + id));
    final boolean json = isJson(entry.body());
    response.header(
        HeaderNames.CONTENT_TYPE, json ? "application/json" : "application/octet-stream");
    // the bytes are a sender's: a browser must not guess that they are a page, nor show one
    response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    response.header(
        HeaderNames.create("Content-Disposition"),
        "attachment; filename=\"coexist-journal-" + id + (json ? ".json" : ".bin") + "\"");
    response.status(Status.OK_200);
    response.send(entry.body());
  }

  /**
   * {@code {"ids": [...]}} → those entries as JSON lines, in journal order, each id once. Every id
   * is looked up before the first byte is sent, so an unknown one is a 404, not a cut answer; the
   * lines are then written one entry at a time, so an export costs the memory of one body.
   */
  private void export(final ServerRequest request, final ServerResponse response)
      throws SQLException, IOException {
    final TreeSet<Long> ids = requestedIds(request);
    for (final long id : ids) {
      if (!journal.exists(id)) {
        throw new ApiGuard.NotFoundException("no journal entry " + id);
      }
    }
    response.status(Status.OK_200);
    response.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
    response.header(
        HeaderNames.create("Content-Disposition"),
        "attachment; filename=\"coexist-journal.jsonl\"");
    try (OutputStream out = response.outputStream()) {
      for (final long id : ids) {
        final JournalEntry entry = journal.find(id).orElseThrow();
        out.write((JournalLines.line(entry) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static TreeSet<Long> requestedIds(final ServerRequest request) throws IOException {
    final JsonNode body;
    try (InputStream in = request.content().inputStream()) {
      final byte[] bytes = in.readNBytes(MAX_EXPORT_REQUEST + 1);
      if (bytes.length > MAX_EXPORT_REQUEST) {
        throw new BadRequestException("the body must be a small JSON object: {\"ids\": [...]}");
      }
      body = bytes.length == 0 ? null : JSON.readTree(bytes);
    } catch (JsonProcessingException invalid) {
      throw new BadRequestException("the body is not JSON: " + invalid.getOriginalMessage());
    }
    if (body == null || !body.path("ids").isArray() || body.get("ids").isEmpty()) {
      throw new BadRequestException(
          "the body must be {\"ids\": [<journal id>, ...]} with 1 to " + PageLimit.MAX + " ids");
    }
    final List<Long> ids = new ArrayList<>();
    for (final JsonNode id : body.get("ids")) {
      if (!id.isIntegralNumber() || !id.canConvertToLong()) {
        throw new BadRequestException("ids must be whole numbers, was " + id);
      }
      ids.add(id.asLong());
    }
    if (ids.size() > PageLimit.MAX) {
      throw new BadRequestException(
          "at most " + PageLimit.MAX + " ids at a time, were " + ids.size());
    }
    return new TreeSet<>(ids);
  }

  /** Whether the bytes are one JSON value in UTF-8 and nothing else. */
  static boolean isJson(final byte[] body) {
    final String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException notUtf8) {
      return false;
    }
    // parsed from the text, not the bytes: the parser would otherwise read UTF-16 or UTF-32 too
    try (JsonParser parser = JSON_TEXT.createParser(text)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException notJson) {
      return false;
    }
  }
}
