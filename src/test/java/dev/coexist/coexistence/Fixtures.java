package dev.coexist.coexistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads webhook fixtures from the test classpath ({@code src/test/resources/fixtures}). */
final class Fixtures {

  static final String PHONE_NUMBER_ID = "106540352242922";
  static final String DISPLAY_NUMBER = "15550001111";
  static final String WABA_ID = "102290129340398";
  static final String PABLO = "16505551234";
  static final String ANA = "16505555678";
  static final String OLIVER = "447700900123";
  static final String MARIA_USER_ID = "US.8810473629105523";
  static final String MARIA_PARENT_USER_ID = "US.ENT.5520193847561";

  private static final Decoder DECODER = new Decoder();

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Decoded decode(String name) {
    return DECODER.decode(bytes(name));
  }

  static Decoded decodeJson(String json) {
    return DECODER.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
