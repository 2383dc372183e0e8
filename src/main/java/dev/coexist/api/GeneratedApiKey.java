package dev.coexist.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The read API key Coexist makes when none is configured, kept in the data dir ({@code api-key},
 * readable by its owner only) and taken again at the next start: a key that changed at every
 * restart locked out every open inbox tab and every script that had been given it.
 */
public final class GeneratedApiKey {
  /** The file's name in the data dir. */
  public static final String FILE_NAME = "api-key";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /**
   * The key and where it is kept.
   *
   * @param made whether it was made now (else it was kept from an earlier start)
   * @param exposed whether others than the owner may read the file (a file made elsewhere)
   */
  public record Kept(String key, Path file, boolean made, boolean exposed) {}

  private GeneratedApiKey() {}

  /** The key kept in {@code dataDir}, made (and the folder with it) when there is none yet. */
  public static Kept in(final Path dataDir) throws IOException {
    final Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
    final Kept kept = read(file);
    if (kept != null) {
      return kept;
    }
    Files.createDirectories(file.getParent());
    final String key = newKey();
    final Path written =
        Files.createTempFile(file.getParent(), "." + FILE_NAME + "-", ".tmp", ownerOnly());
    try {
      Files.writeString(written, key + "\n", StandardCharsets.UTF_8);
      // without REPLACE_EXISTING: of two processes starting together, the second one takes the
      // key the first one kept
      Files.move(written, file);
      return new Kept(key, file, true, false);
    } catch (FileAlreadyExistsException madeMeanwhile) {
      final Kept theirs = read(file);
      if (theirs == null) {
        throw madeMeanwhile;
      }
      return theirs;
    } finally {
      Files.deleteIfExists(written);
    }
  }

  private static Kept read(final Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    final String key = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (key.isEmpty()) {
      throw new IOException(file + " is empty: delete it, and a new key is made at the next start");
    }
    return new Kept(key, file, false, exposed(file));
  }

  private static boolean exposed(final Path file) throws IOException {
    if (!posix()) {
      return false;
    }
    final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    return !OWNER_ONLY.containsAll(permissions);
  }

  private static FileAttribute<?>[] ownerOnly() {
    return posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** 24 random bytes, base64url: what a person copies into the inbox or a script. */
  public static String newKey() {
    final byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
