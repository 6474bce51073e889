package dev.liveshop.gateway.console;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenException;
import dev.liveshop.gateway.auth.TokenService;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reading a host API request: who sends it (the bearer token), whether they host the
 * stream, its JSON body as a request message, its query parameters. Each refusal is an
 * {@link ApiError}. Stateless apart from the token service (thread-safe).
 */
final class ApiRequests {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private final TokenService tokens;

  ApiRequests(TokenService tokens) {
    this.tokens = tokens;
  }

  /** Whom the request's {@code Authorization: Bearer} token names; 401 without a valid one. */
  Principal principal(FullHttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
    try {
      return tokens.verify(header.startsWith("Bearer ") ? header.substring(7).strip() : null);
    } catch (TokenException e) {
      throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "UNAUTHENTICATED", e.getMessage());
    }
  }

  /** The caller, if its token lets it run {@code streamId}; 403 otherwise. */
  Principal requireHost(FullHttpRequest request, String streamId) {
    Principal principal = principal(request);
    if (!principal.hosts(streamId)) {
      throw new ApiError(HttpResponseStatus.FORBIDDEN, "FORBIDDEN",
          "this token does not let " + principal.viewerId() + " run stream '" + streamId + "': use a host token for it");
    }
    return principal;
  }

  /** The body, in the proto3 JSON mapping, merged into {@code builder}; 400 if it is not that. */
  static <B extends Message.Builder> B parse(FullHttpRequest request, B builder) {
    try {
      PARSER.merge(request.content().toString(StandardCharsets.UTF_8), builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw ApiError.invalid("the body is not a valid " + builder.getDescriptorForType().getName() + " in JSON: "
          + e.getMessage());
    }
  }

  /** A number from the query string, 0 when absent; 400 when not a number (an empty value included). */
  static int intParam(FullHttpRequest request, String name) {
    String value = firstValue(request, name);
    try {
      return value == null ? 0 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw ApiError.invalid(name + " must be a number");
    }
  }

  /** A query parameter's first value, or "" when absent. */
  static String param(FullHttpRequest request, String name) {
    String value = firstValue(request, name);
    return value == null ? "" : value;
  }

  private static String firstValue(FullHttpRequest request, String name) {
    List<String> values = new QueryStringDecoder(request.uri()).parameters().get(name);
    return values == null ? null : values.get(0);
  }
}
