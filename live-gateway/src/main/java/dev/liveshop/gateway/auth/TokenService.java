package dev.liveshop.gateway.auth;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Issues and verifies signed, expiring tokens: {@code base64url(payload).base64url(hmac)}
 * where the payload is JSON {@code {"sub","role","streams","exp"}} and the HMAC is
 * SHA-256 over the encoded payload. Thread-safe (a new Mac per call).
 */
public final class TokenService {

  private static final Pattern VIEWER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final Hmac hmac;
  private final Clock clock;

  public TokenService(String secret, Clock clock) {
    this.hmac = new Hmac(secret);
    this.clock = clock;
  }

  /** A token for {@code viewerId} valid for {@code ttl}; fails on an id outside [A-Za-z0-9_.-]{1,64}. */
  public String issue(String viewerId, Principal.Role role, Set<String> streams, Duration ttl) {
    if (!VIEWER_ID.matcher(viewerId).matches()) {
      throw new IllegalArgumentException("viewerId must be 1..64 characters of letters, digits, '_', '.', '-'");
    }
    JsonObject payload = new JsonObject();
    payload.addProperty("sub", viewerId);
    payload.addProperty("role", role.name().toLowerCase(Locale.ROOT));
    JsonArray list = new JsonArray();
    streams.forEach(list::add);
    payload.add("streams", list);
    payload.addProperty("exp", clock.instant().plus(ttl).getEpochSecond());
    String body = ENCODER.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
    return body + "." + ENCODER.encodeToString(sign(body));
  }

  /** The principal of a valid token. */
  public Principal verify(String token) throws TokenException {
    if (token == null || token.isEmpty()) {
      throw new TokenException("no token: connect with ?token=... or send Authorization: Bearer ...");
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      throw new TokenException("malformed token");
    }
    String body = token.substring(0, dot);
    byte[] signature;
    try {
      signature = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw new TokenException("malformed token signature");
    }
    if (!MessageDigest.isEqual(sign(body), signature)) {
      throw new TokenException("token signature does not match: forged, or signed with another key");
    }
    try {
      JsonObject payload = JsonParser.parseString(new String(DECODER.decode(body), StandardCharsets.UTF_8))
          .getAsJsonObject();
      long exp = payload.get("exp").getAsLong();
      if (clock.instant().getEpochSecond() >= exp) {
        throw new TokenException("token expired: get a new one");
      }
      Set<String> streams = new HashSet<>();
      if (payload.has("streams")) {
        for (JsonElement s : payload.getAsJsonArray("streams")) {
          streams.add(s.getAsString());
        }
      }
      Principal.Role role = Principal.Role.valueOf(payload.get("role").getAsString().toUpperCase(Locale.ROOT));
      return new Principal(payload.get("sub").getAsString(), role, streams, exp);
    } catch (JsonParseException | IllegalStateException | IllegalArgumentException | NullPointerException
        | UnsupportedOperationException e) {
      throw new TokenException("malformed token payload");
    }
  }

  private byte[] sign(String body) {
    return hmac.sign(body);
  }
}
