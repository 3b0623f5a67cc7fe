package org.introdl.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.introdl.core.UserError;

/**
 * Downloads pinned files and checks their SHA-256 before they are moved into place, so a cache never holds a
 * partial or altered file. A file already present with the right checksum is not downloaded again.
 */
public final class Downloads {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();

  private Downloads() {}

  /** Outcome of one fetch. */
  public enum Outcome { ALREADY_PRESENT, DOWNLOADED }

  /** Fetches {@code url} into {@code target} unless it is already there with {@code sha256}. */
  public static Outcome fetch(String url, String sha256, Path target) {
    if (Files.isRegularFile(target) && sha256.equalsIgnoreCase(sha256Of(target))) {
      return Outcome.ALREADY_PRESENT;
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET().build();
    try {
      HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new UserError(url + ": HTTP " + response.statusCode());
      }
      MessageDigest digest = sha256Digest();
      try (InputStream body = new DigestInputStream(response.body(), digest)) {
        AtomicFiles.write(target, out -> {
          body.transferTo(out);
          String actual = HexFormat.of().formatHex(digest.digest());
          if (!actual.equalsIgnoreCase(sha256)) {
            throw new IOException("SHA-256 mismatch: expected " + sha256 + ", got " + actual);
          }
        });
      }
      return Outcome.DOWNLOADED;
    } catch (IOException e) {
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      throw new UserError(url + ": download failed (" + why + "; is the network reachable?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError(url + ": download interrupted", e);
    }
  }

  /** The SHA-256 of a file, as lower-case hex. */
  public static String sha256Of(Path file) {
    MessageDigest digest = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStreamSink.INSTANCE);
    } catch (IOException e) {
      throw UserError.inFile(file, "cannot read (" + e.getMessage() + ")");
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
