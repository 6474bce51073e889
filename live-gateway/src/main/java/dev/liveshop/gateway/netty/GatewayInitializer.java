package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.auth.ViewerRateLimits;
import dev.liveshop.gateway.console.HostApiHandler;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.order.OrderPlacement;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.gateway.protocol.WireOut;
import dev.liveshop.gateway.room.RoomRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The pipeline of every connection, and nothing else. Typed on {@link Channel}, not a socket,
 * so that tests run the very same pipeline on an EmbeddedChannel.
 */
public final class GatewayInitializer extends ChannelInitializer<Channel> {

  public static final String WEBSOCKET_PATH = "/ws";
  /** Handlers that serve HTTP only: a connection drops them once it is a WebSocket. */
  static final String AUTH = "ws-auth";
  static final String HOST_API = "host-api";

  private final TokenService tokens;
  private final HostApiHandler hostApi;
  private final FrameCodec codec;
  private final RoomRegistry rooms;
  private final OrderPlacement orders;
  private final int maxFrameBytes;
  private final int maxRequestBytes;
  private final int framesPerSecond;
  private final int frameBurst;

  private final GatewayMetrics metrics;
  private final FrameMeter frameMeter;
  private final ConnectionsPerIp connectionsPerIp;
  private final int joinsPerMinute;
  private final ViewerRateLimits viewerLimits;

  public GatewayInitializer(TokenService tokens, HostApiHandler hostApi, FrameCodec codec, RoomRegistry rooms,
      OrderPlacement orders, int maxFrameBytes, int maxRequestBytes, int framesPerSecond, int frameBurst,
      GatewayMetrics metrics, int joinsPerMinute, int connectionsPerIp, ViewerRateLimits viewerLimits) {
    this.metrics = metrics;
    this.viewerLimits = viewerLimits;
    this.joinsPerMinute = joinsPerMinute;
    this.connectionsPerIp = connectionsPerIp > 0 ? new ConnectionsPerIp(connectionsPerIp, metrics) : null;
    this.frameMeter = new FrameMeter(metrics);
    this.tokens = tokens;
    this.hostApi = hostApi;
    this.codec = codec;
    this.rooms = rooms;
    this.orders = orders;
    this.maxFrameBytes = maxFrameBytes;
    this.maxRequestBytes = maxRequestBytes;
    this.framesPerSecond = framesPerSecond;
    this.frameBurst = frameBurst;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (connectionsPerIp != null) {
      ch.pipeline().addLast(connectionsPerIp);
    }
    // Every frame of the connection, pings and pongs included, counts against one limiter.
    FrameRateLimiter frames = new FrameRateLimiter(framesPerSecond, frameBurst, System.nanoTime());
    ch.pipeline()
        .addLast(metrics.trafficHandler())
        .addLast(new HttpServerCodec())
        .addLast(new HttpObjectAggregator(maxRequestBytes))
        .addLast(AUTH, new WsAuthHandler(tokens, metrics))
        // In front of the protocol handler, which answers pings before the session sees them.
        .addLast(new RawFrameLimiter(frames, metrics))
        .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(WEBSOCKET_PATH)
            .subprotocols(Wire.JSON.subprotocol() + "," + Wire.PROTO.subprotocol())
            // The token is in the query string, so the URI only starts with the path. Every
            // URI this upgrades is one upgrades(uri) names, and WsAuthHandler checks those.
            .checkStartsWith(true)
            // Frames above the limit close the socket with 1009 (message too big).
            .maxFramePayloadLength(maxFrameBytes)
            .build()))
        // A fragmented message reaches the session whole, held to the same limit (1009 above it).
        .addLast(new FragmentAggregator(maxFrameBytes, metrics))
        .addLast(frameMeter)
        .addLast(HOST_API, hostApi)
        .addLast(new ViewerFrameHandler(codec, rooms, orders, frames,
            FrameRateLimiter.refusingOnly(joinsPerMinute / 60.0, Math.max(1, joinsPerMinute / 6), System.nanoTime()),
            viewerLimits, metrics));
  }

  /**
   * Whether the WebSocket protocol handler would upgrade a request for {@code uri}: what
   * {@code checkStartsWith(true)} matches, on the raw URI. {@link WsAuthHandler} refuses
   * every such request that is not {@code /ws} with a valid token, before it gets there.
   */
  static boolean upgrades(String uri) {
    return uri.startsWith(WEBSOCKET_PATH);
  }

  /**
   * Drops the HTTP-only handlers once the connection is a WebSocket: they have nothing left
   * to do there, yet every frame read and every broadcast written would walk past them, and
   * each costs memory on every one of tens of thousands of connections.
   */
  static void upgraded(ChannelPipeline pipeline) {
    for (String name : new String[] {AUTH, HOST_API}) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
    // The frame meter sits above the protocol handler with only inbound handlers (the
    // fragment aggregator) between: writing from its context enters the protocol handler.
    // Broadcasts count their frames themselves.
    ChannelHandlerContext aboveProtocol = pipeline.context(FrameMeter.class);
    ChannelHandlerContext encoder = pipeline.context(WebSocketFrameEncoder.class);
    if (aboveProtocol != null && encoder != null) {
      pipeline.channel().attr(WireOut.OF_CHANNEL).set(new WireOut(aboveProtocol, encoder));
    }
  }
}
