package dev.liveshop.gateway.console;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web pages, served from the classpath folder {@code web/}. Names are checked against
 * a strict pattern, so no path (and no {@code ..}) can escape the folder.
 */
final class StaticFiles {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*\\.(html|js|css|svg)");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml");

  private StaticFiles() {}

  record File(ByteBuf content, String contentType) {}

  static Optional<File> load(String name) {
    if (!NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream("web/" + name)) {
      if (in == null) {
        return Optional.empty();
      }
      String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
      return Optional.of(new File(Unpooled.wrappedBuffer(in.readAllBytes()), type));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read web/" + name, e);
    }
  }
}
