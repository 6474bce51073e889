package dev.liveshop.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Opens the viewers' WebSockets (subprotocol liveshop.v1.json) with Netty's client, a
 * bounded number of handshakes at a time, and joins each to the stream once connected.
 *
 * <p>Threading: a small event-loop group carries every connection; each viewer stays on
 * one loop. On Linux the loops use Netty's native epoll transport, as the gateway does:
 * the load generator shares the CPUs with what it measures, so its own cost per frame
 * counts against the system under test.
 */
final class ViewerSockets implements AutoCloseable {

  private static final int MAX_FRAME_BYTES = 1 << 20;
  private static final boolean EPOLL = Epoll.isAvailable();
  private final EventLoopGroup loops;
  private final LoadStats stats;
  private volatile boolean closing;

  ViewerSockets(int threads, LoadStats stats) {
    this.loops = new MultiThreadIoEventLoopGroup(threads,
        EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.stats = stats;
  }

  /**
   * Connects every viewer, spread over the gateways {@code wsBases} in turn, {@code parallel}
   * handshakes at a time; reports progress as viewers connect.
   */
  void connect(List<String> wsBases, List<Viewer> viewers, List<String> tokens, String streamId, int parallel,
      IntConsumer progress) throws InterruptedException {
    Semaphore handshakes = new Semaphore(parallel);
    for (int i = 0; i < viewers.size(); i++) {
      handshakes.acquire();
      Viewer viewer = viewers.get(i);
      URI uri = URI.create(wsBases.get(i % wsBases.size()) + "/ws?token=" + URLEncoder.encode(tokens.get(i), StandardCharsets.UTF_8));
      var config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri).subprotocol("liveshop.v1.json")
          .version(WebSocketVersion.V13).customHeaders(new DefaultHttpHeaders()).maxFramePayloadLength(MAX_FRAME_BYTES)
          .handshakeTimeoutMillis(30_000)
          // Checking every received byte for valid UTF-8 took a third of the generator's
          // CPU (JFR), which the server under test on the same box then lacked; frames are
          // decoded as UTF-8 when read anyway.
          .withUTF8Validator(false).build();
      new Bootstrap().group(loops).channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                  new WebSocketClientProtocolHandler(config), new Handler(viewer, streamId, handshakes, progress));
            }
          })
          .connect(uri.getHost(), uri.getPort()).addListener(f -> {
            if (!f.isSuccess()) {
              stats.connectFailures.increment();
              stats.error("CONNECT_FAILED");
              handshakes.release();
            }
          });
    }
    handshakes.acquire(parallel);
    handshakes.release(parallel);
  }

  @Override
  public void close() {
    closing = true;
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final Viewer viewer;
    private final String streamId;
    private final Semaphore handshakes;
    private final IntConsumer progress;
    private boolean released;

    Handler(Viewer viewer, String streamId, Semaphore handshakes, IntConsumer progress) {
      this.viewer = viewer;
      this.streamId = streamId;
      this.handshakes = handshakes;
      this.progress = progress;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        viewer.attach(ctx.channel());
        stats.connected.increment();
        viewer.join(streamId);
        release();
        progress.accept((int) stats.connected.sum());
      } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        stats.error("HANDSHAKE_TIMEOUT");
        release();
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame text) {
        viewer.onText(text.text());
      } else if (frame instanceof CloseWebSocketFrame close) {
        stats.error("CLOSED_" + close.statusCode());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (viewer.channel() != null && !closing) {
        stats.closedByServer.increment();
      }
      release();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      stats.error(cause.getClass().getSimpleName());
      release();
      ctx.close();
    }

    private void release() {
      if (!released) {
        released = true;
        handshakes.release();
      }
    }
  }
}
