package dev.liveshop.gateway.config;

import static dev.liveshop.config.EnvVariables.badValue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.liveshop.config.CheckedConfig;
import dev.liveshop.config.EnvVariables;
import dev.liveshop.shard.ShardMap;
import java.time.Duration;

/**
 * live-gateway's settings, bound from the {@code liveshop.gateway} section (see
 * reference.conf). {@code source} is the configuration they were read from: a copy with one
 * setting changed ({@link #with}) is read again from it, so it is checked the same way.
 */
public record GatewayConfig(
    String httpHost,
    int httpPort,
    int maxRequestBytes,
    ShardMap coreShards,
    Duration reserveDeadline,
    Duration callDeadline,
    int reserveBatchSize,
    int reserveBatchesInFlight,
    String authSecret,
    boolean devMode,
    Duration tokenTtl,
    String paymentSecret,
    Duration paymentMaxSkew,
    int maxFrameBytes,
    int maxChatChars,
    int framesPerSecond,
    int frameBurst,
    Duration roomTick,
    int recentChat,
    int maxViewerBacklogBytes,
    int viewerSendBufferBytes,
    int resumeFrames,
    int joinsPerMinute,
    int connectionsPerIp,
    double viewerChatsPerSecond,
    int viewerChatBurst,
    int viewerJoinsPerMinute,
    boolean perViewerFanOut,
    Duration roomIdleClose,
    Duration drainDelay,
    Config source) {

  /** Name of the only shard when the gateway is given one live-core's address. */
  private static final String SINGLE_SHARD = "core-1";

  /** Shortest accepted HMAC secret (token signing key and payment key) outside development mode. */
  public static final int MIN_SECRET_CHARS = 32;

  public GatewayConfig {
    if (!devMode && authSecret.length() < MIN_SECRET_CHARS) {
      throw new IllegalArgumentException("live-gateway refuses to start in production mode without a signing key: "
          + "set LIVESHOP_AUTH_SECRET to a random string of at least " + MIN_SECRET_CHARS
          + " characters (or LIVESHOP_AUTH_DEV_MODE=true on a development machine)");
    }
    if (!devMode && !paymentSecret.isEmpty() && paymentSecret.length() < MIN_SECRET_CHARS) {
      throw new IllegalArgumentException(EnvVariables.describe("liveshop.gateway.payments.secret")
          + " is " + paymentSecret.length() + " characters: in production mode the key shared with the payment "
          + "provider must be a random string of at least " + MIN_SECRET_CHARS + " characters, or empty to turn "
          + "payment notifications off (LIVESHOP_AUTH_DEV_MODE=true accepts a short one on a development machine)");
    }
    require(joinsPerMinute >= 1, "limits.joins-per-minute", "must be >= 1", joinsPerMinute);
    require(connectionsPerIp >= 0, "limits.connections-per-ip", "must be >= 0 (0 is off)", connectionsPerIp);
    require(viewerChatsPerSecond > 0, "limits.viewer-chats-per-second", "must be > 0", viewerChatsPerSecond);
    require(viewerChatBurst >= 1, "limits.viewer-chat-burst", "must be >= 1", viewerChatBurst);
    require(viewerJoinsPerMinute >= 1, "limits.viewer-joins-per-minute", "must be >= 1", viewerJoinsPerMinute);
    require(roomIdleClose.toSeconds() >= 1, "room.idle-close", "must be at least 1s", roomIdleClose);
    require(!drainDelay.isNegative(), "http.drain-delay", "must be 0s or more", drainDelay);
    require(resumeFrames >= 0, "room.resume-frames", "must be >= 0", resumeFrames);
    require(viewerSendBufferBytes >= 0, "limits.viewer-send-buffer-bytes", "must be >= 0 (0 is the kernel's)",
        viewerSendBufferBytes);
    require(maxViewerBacklogBytes >= 65536, "limits.max-viewer-backlog-bytes", "must be at least 65536",
        maxViewerBacklogBytes);
    require(reserveBatchSize >= 1 && reserveBatchSize <= 1000, "core.reserve-batch-size", "must be 1..1000",
        reserveBatchSize);
    require(reserveBatchesInFlight >= 1, "core.reserve-batches-in-flight", "must be >= 1", reserveBatchesInFlight);
    require(httpPort >= 0 && httpPort <= 65535, "http.port", "must be 0..65535", httpPort);
    require(maxFrameBytes >= 256, "limits.max-frame-bytes", "must be >= 256", maxFrameBytes);
    require(maxChatChars >= 1, "limits.max-chat-chars", "must be >= 1", maxChatChars);
    require(framesPerSecond >= 1, "limits.frames-per-second", "must be >= 1", framesPerSecond);
    require(frameBurst >= 1, "limits.frame-burst", "must be >= 1", frameBurst);
    require(recentChat >= 0, "room.recent-chat", "must be >= 0", recentChat);
    require(roomTick.toMillis() >= 1, "room.tick", "must be at least 1ms", roomTick);
  }

  /** Fails naming the key (under {@code liveshop.gateway}) and its variable unless {@code ok}. */
  private static void require(boolean ok, String key, String rule, Object given) {
    if (!ok) {
      throw badValue("liveshop.gateway." + key, rule, given);
    }
  }

  public static GatewayConfig load() {
    return from(EnvVariables.load(System.getenv()));
  }

  /** Binds the {@code liveshop.gateway} section of {@code root}; fails fast naming a bad key and its variable. */
  public static GatewayConfig from(Config root) {
    Config c = CheckedConfig.section(root, "liveshop.gateway");
    return new GatewayConfig(
        c.getString("http.host"),
        c.getInt("http.port"),
        c.getInt("http.max-request-bytes"),
        coreShards(c.getString("core.shards"), c.getString("core.target")),
        c.getDuration("core.reserve-deadline"),
        c.getDuration("core.call-deadline"),
        c.getInt("core.reserve-batch-size"),
        c.getInt("core.reserve-batches-in-flight"),
        c.getString("auth.secret"),
        c.getBoolean("auth.dev-mode"),
        c.getDuration("auth.token-ttl"),
        c.getString("payments.secret"),
        c.getDuration("payments.max-skew"),
        c.getInt("limits.max-frame-bytes"),
        c.getInt("limits.max-chat-chars"),
        c.getInt("limits.frames-per-second"),
        c.getInt("limits.frame-burst"),
        c.getDuration("room.tick"),
        c.getInt("room.recent-chat"),
        c.getInt("limits.max-viewer-backlog-bytes"),
        c.getInt("limits.viewer-send-buffer-bytes"),
        c.getInt("room.resume-frames"),
        c.getInt("limits.joins-per-minute"),
        c.getInt("limits.connections-per-ip"),
        c.getDouble("limits.viewer-chats-per-second"),
        c.getInt("limits.viewer-chat-burst"),
        c.getInt("limits.viewer-joins-per-minute"),
        fanOut(c.getString("room.fan-out")),
        c.getDuration("room.idle-close"),
        c.getDuration("http.drain-delay"),
        root);
  }

  /**
   * A copy with one setting changed, named by its key under {@code liveshop.gateway} (as in
   * reference.conf, e.g. {@code "http.port"}), and checked like every other.
   */
  public GatewayConfig with(String key, Object value) {
    return from(source.withValue("liveshop.gateway." + key, ConfigValueFactory.fromAnyRef(value)));
  }

  public GatewayConfig withHttpPort(int port) {
    return with("http.port", port);
  }

  public GatewayConfig withPaymentSecret(String secret) {
    return with("payments.secret", secret);
  }

  /** A stricter slow-viewer policy (tests): the backlog allowance and the kernel send buffer. */
  public GatewayConfig withViewerBuffers(int maxBacklogBytes, int sendBufferBytes) {
    return with("limits.max-viewer-backlog-bytes", maxBacklogBytes).with("limits.viewer-send-buffer-bytes",
        sendBufferBytes);
  }

  public GatewayConfig withConnectionsPerIp(int limit) {
    return with("limits.connections-per-ip", limit);
  }

  /** A single live-core at {@code target}. */
  public GatewayConfig withCoreTarget(String target) {
    return with("core.target", target).with("core.shards", "");
  }

  /** The shard map, or a single live-core at {@code target} when none is given. */
  private static ShardMap coreShards(String shards, String rawTarget) {
    String target = rawTarget.strip(); // a value from a YAML block scalar ends with a newline
    if (shards.isBlank()) {
      if (!target.matches("[^\\s:=,]+:\\d{1,5}")) {
        throw badValue("liveshop.gateway.core.target", "must be host:port of live-core's gRPC server, e.g. "
            + "10.0.0.5:7070", "'" + target + "'");
      }
      return ShardMap.single(SINGLE_SHARD, target);
    }
    try {
      return ShardMap.parse(shards);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(EnvVariables.describe("liveshop.gateway.core.shards") + ": "
          + e.getMessage(), e);
    }
  }

  private static boolean fanOut(String mode) {
    return switch (mode) {
      case "shared" -> false;
      case "per-viewer" -> true;
      default -> throw badValue("liveshop.gateway.room.fan-out", "must be shared or per-viewer", "'" + mode + "'");
    };
  }

  /** The settings for the start-up log, secret redacted. */
  public String describe() {
    return "http=" + httpHost + ":" + httpPort + " core=" + coreShards + " devMode=" + devMode
        + " secret=" + (authSecret.isEmpty() ? "(random per process)" : "(set)")
        + " paymentNotifications=" + (paymentSecret.isEmpty() ? "off" : "on") + " maxFrameBytes=" + maxFrameBytes
        + " maxChatChars=" + maxChatChars + " roomTick=" + roomTick + " recentChat=" + recentChat;
  }
}
