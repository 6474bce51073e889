package dev.liveshop.gateway.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
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

  /** Shortest accepted HMAC secret. */
  public static final int MIN_SECRET_CHARS = 32;

  public GatewayConfig {
    if (!devMode && authSecret.length() < MIN_SECRET_CHARS) {
      throw new IllegalArgumentException("live-gateway refuses to start in production mode without a signing key: "
          + "set LIVESHOP_AUTH_SECRET to a random string of at least " + MIN_SECRET_CHARS
          + " characters (or LIVESHOP_AUTH_DEV_MODE=true on a development machine)");
    }
    if (joinsPerMinute < 1 || connectionsPerIp < 0) {
      throw new IllegalArgumentException("liveshop.gateway.limits.joins-per-minute must be >= 1 and "
          + "connections-per-ip >= 0 (0 is off)");
    }
    if (!(viewerChatsPerSecond > 0) || viewerChatBurst < 1 || viewerJoinsPerMinute < 1) {
      throw new IllegalArgumentException("liveshop.gateway.limits.viewer-chats-per-second must be > 0, "
          + "viewer-chat-burst >= 1 and viewer-joins-per-minute >= 1, got " + viewerChatsPerSecond + ", "
          + viewerChatBurst + " and " + viewerJoinsPerMinute);
    }
    if (roomIdleClose.toSeconds() < 1) {
      throw new IllegalArgumentException("liveshop.gateway.room.idle-close must be at least 1s, got " + roomIdleClose);
    }
    if (drainDelay.isNegative()) {
      throw new IllegalArgumentException("liveshop.gateway.http.drain-delay (LIVESHOP_GATEWAY_DRAIN_DELAY) must be "
          + "0s or more, got " + drainDelay);
    }
    if (resumeFrames < 0) {
      throw new IllegalArgumentException("liveshop.gateway.room.resume-frames must be >= 0");
    }
    if (viewerSendBufferBytes < 0) {
      throw new IllegalArgumentException("liveshop.gateway.limits.viewer-send-buffer-bytes must be >= 0");
    }
    if (maxViewerBacklogBytes < 65536) {
      throw new IllegalArgumentException("liveshop.gateway.limits.max-viewer-backlog-bytes must be at least 65536, "
          + "got " + maxViewerBacklogBytes);
    }
    if (reserveBatchSize < 1 || reserveBatchSize > 1000 || reserveBatchesInFlight < 1) {
      throw new IllegalArgumentException("liveshop.gateway.core.reserve-batch-size must be 1..1000 and "
          + "reserve-batches-in-flight >= 1, got " + reserveBatchSize + " and " + reserveBatchesInFlight);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("liveshop.gateway.http.port must be 0..65535, got " + httpPort);
    }
    if (maxFrameBytes < 256 || maxChatChars < 1 || recentChat < 0 || roomTick.toMillis() < 1
        || framesPerSecond < 1 || frameBurst < 1) {
      throw new IllegalArgumentException("liveshop.gateway.limits/room values out of range: max-frame-bytes >= 256, "
          + "max-chat-chars >= 1, frames-per-second >= 1, frame-burst >= 1, recent-chat >= 0, tick >= 1ms");
    }
  }

  public static GatewayConfig load() {
    return from(ConfigFactory.load());
  }

  public static GatewayConfig from(Config root) {
    Config c = root.getConfig("liveshop.gateway");
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
  private static ShardMap coreShards(String shards, String target) {
    try {
      return shards.isBlank() ? ShardMap.single(SINGLE_SHARD, target) : ShardMap.parse(shards);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("liveshop.gateway.core.shards (LIVESHOP_GATEWAY_CORE_SHARDS): "
          + e.getMessage(), e);
    }
  }

  private static boolean fanOut(String mode) {
    return switch (mode) {
      case "shared" -> false;
      case "per-viewer" -> true;
      default -> throw new IllegalArgumentException("liveshop.gateway.room.fan-out must be shared or per-viewer, got "
          + mode);
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
