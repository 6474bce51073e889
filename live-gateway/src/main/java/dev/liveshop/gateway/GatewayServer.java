package dev.liveshop.gateway;

import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.auth.ViewerRateLimits;
import dev.liveshop.gateway.config.GatewayConfig;
import dev.liveshop.gateway.console.HostApiHandler;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.netty.GatewayInitializer;
import dev.liveshop.gateway.order.OrderPlacement;
import dev.liveshop.gateway.order.ReserveBatcher;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.gateway.room.RoomRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the Netty server (epoll where available, else NIO), the gRPC channel to
 * live-core, the rooms. Threads: Netty's boss and worker event loops ({@code gateway-*}),
 * gRPC's. Start and close on any thread.
 */
public final class GatewayServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final EventLoopGroup group;
  private final Channel server;
  private final CoreShards core;
  private final RoomRegistry rooms;
  private final GatewayMetrics metrics;
  private final AtomicBoolean draining;
  private final Duration drainDelay;

  private GatewayServer(EventLoopGroup group, Channel server, CoreShards core, RoomRegistry rooms,
      GatewayMetrics metrics, AtomicBoolean draining, Duration drainDelay) {
    this.drainDelay = drainDelay;
    this.group = group;
    this.server = server;
    this.core = core;
    this.rooms = rooms;
    this.metrics = metrics;
    this.draining = draining;
  }

  /** Starts serving; live-core's shards are reached at {@code config.coreShards()}. */
  public static GatewayServer start(GatewayConfig config) {
    return start(config, CoreShards.connect(config.coreShards(), config.callDeadline()));
  }

  /** Starts serving with given live-core channels (tests pass in-process ones); takes ownership of them. */
  public static GatewayServer start(GatewayConfig config, CoreShards core) {
    log.info("starting live-gateway: {}", config.describe());
    String secret = config.authSecret();
    if (secret.isEmpty()) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      secret = HexFormat.of().formatHex(random);
      log.warn("development mode without LIVESHOP_AUTH_SECRET: tokens are signed with a random key and die with "
          + "this process");
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, new io.netty.util.concurrent.DefaultThreadFactory(
        "gateway"), io);
    AtomicReference<RoomRegistry> registry = new AtomicReference<>();
    GatewayMetrics metrics = new GatewayMetrics(() -> registry.get().openRooms());
    RoomRegistry rooms = new RoomRegistry(core, config.recentChat(), config.roomTick(), group.next(), metrics,
        config.maxViewerBacklogBytes(), config.resumeFrames(), config.perViewerFanOut(), config.roomIdleClose());
    registry.set(rooms);
    AtomicBoolean draining = new AtomicBoolean();
    Supplier<String> unready = () -> {
      if (draining.get()) {
        return "draining for shutdown";
      }
      return core.unready();
    };
    TokenService tokens = new TokenService(secret, Clock.systemUTC());
    HostApiHandler hostApi = new HostApiHandler(core, rooms, tokens, config.devMode(), config.tokenTtl(),
        config.paymentSecret(), config.paymentMaxSkew(), metrics, unready);
    Map<String, ReserveBatcher> batchers = new LinkedHashMap<>();
    for (CoreShards.Shard shard : core.all()) {
      batchers.put(shard.name(), new ReserveBatcher(shard.channel(), config.reserveBatchSize(),
          config.reserveBatchesInFlight(), config.reserveDeadline()));
    }
    GatewayInitializer initializer = new GatewayInitializer(tokens, hostApi, new FrameCodec(config.maxChatChars()),
        rooms, new OrderPlacement(core, batchers, metrics, rooms::findMovedSale), config.maxFrameBytes(),
        config.maxRequestBytes(), config.framesPerSecond(), config.frameBurst(), metrics, config.joinsPerMinute(),
        config.connectionsPerIp(), new ViewerRateLimits(config.viewerChatsPerSecond(), config.viewerChatBurst(),
            config.viewerJoinsPerMinute()));
    try {
      ServerBootstrap bootstrap = new ServerBootstrap()
          .group(group)
          .channel(channelType)
          .childHandler(initializer);
      if (config.viewerSendBufferBytes() > 0) {
        bootstrap.childOption(ChannelOption.SO_SNDBUF, config.viewerSendBufferBytes());
      }
      Channel server = bootstrap
          .bind(new InetSocketAddress(config.httpHost(), config.httpPort()))
          .sync()
          .channel();
      log.info("live-gateway listening on {} ({})", server.localAddress(), epoll ? "epoll" : "nio");
      return new GatewayServer(group, server, core, rooms, metrics, draining, config.drainDelay());
    } catch (Exception e) {
      rooms.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      core.close();
      throw new IllegalStateException("live-gateway cannot listen on " + config.httpHost() + ":" + config.httpPort()
          + " (" + e.getMessage() + "): stop whatever holds the port or set LIVESHOP_GATEWAY_PORT", e);
    }
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    draining.set(true);
    // /readyz now answers 503 while everything else is served as before: a load balancer
    // polling it takes this gateway out within its own interval. Closing the listening socket
    // at once would leave it nothing to poll but a refused connection, and the viewers told
    // to reconnect below could be sent back here meanwhile.
    if (!drainDelay.isZero()) {
      log.info("draining: /readyz answers 503 for {} before this gateway stops listening", drainDelay);
      try {
        Thread.sleep(drainDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stop draining early, close as usual
      }
    }
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    // Every viewer is told to reconnect (the load balancer sends it to another gateway).
    for (Channel viewer : metrics.connections()) {
      metrics.closed("shutdown");
      viewer.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE,
          "this gateway is shutting down: reconnect")).addListener(ChannelFutureListener.CLOSE);
    }
    metrics.connections().newCloseFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    rooms.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    core.close();
    metrics.close();
    log.info("live-gateway stopped");
  }
}
