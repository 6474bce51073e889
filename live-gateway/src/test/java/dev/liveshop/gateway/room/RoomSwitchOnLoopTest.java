package dev.liveshop.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.Join;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.ServerFrame;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StreamSnapshot;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A viewer switching rooms on its event loop while the ticker's thread broadcasts to the
 * room it leaves, in both fan-out modes: the broadcast takes the members while the viewer
 * still is one, and its writes reach the viewer's loop behind the switch. Unlike {@link
 * RoomSwitchTest} (an EmbeddedChannel, whose loop is the test's thread) the viewer is a real
 * channel on a real loop, so a write made from another thread is queued as it is in the
 * gateway; the loop is held on a latch, so the interleaving is still the test's to choose.
 */
class RoomSwitchOnLoopTest {

  private final GatewayMetrics metrics = new GatewayMetrics(() -> 1);
  private final DefaultEventLoopGroup loop = new DefaultEventLoopGroup(1);
  /** What the viewer's socket carried, in order: what its client read. */
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private Channel server;
  private Channel client;
  private Channel viewer;

  @BeforeEach
  void connect() throws Exception {
    LocalAddress address = new LocalAddress(RoomSwitchOnLoopTest.class);
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel channel) {
            channel.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
            accepted.complete(channel);
          }
        }).bind(address).sync().channel();
    client = new Bootstrap().group(loop).channel(LocalChannel.class)
        .handler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object message) {
            received.add(message);
          }
        }).connect(address).sync().channel();
    viewer = accepted.get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close().sync();
    server.close().sync();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    received.forEach(ReferenceCountUtil::release);
    metrics.close();
  }

  @ParameterizedTest(name = "per-viewer fan-out: {0}")
  @ValueSource(booleans = {false, true})
  void broadcastFromTheTickerDuringASwitch_doesNotReachTheViewerInItsNewRoom(boolean perViewerFanOut)
      throws Exception {
    Room a = room("a", perViewerFanOut);
    Room b = room("b", perViewerFanOut);
    assertThat(loop.submit(() -> a.join(viewer, "alice", join("a"))).get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(next().getWelcome().getStream().getStreamId()).isEqualTo("a");

    CountDownLatch switching = new CountDownLatch(1);
    CountDownLatch broadcastSent = new CountDownLatch(1);
    Future<Boolean> switched = viewer.eventLoop().submit(() -> {
      switching.countDown();
      broadcastSent.await();
      a.leave(viewer);
      return b.join(viewer, "alice", join("b"));
    });
    switching.await();
    a.onChat(message("in-a")); // the ticker sends A's chat while the loop is busy switching:
    a.tick(false); // its writes wait on the loop behind the switch
    broadcastSent.countDown();
    assertThat(switched.get(5, TimeUnit.SECONDS)).isTrue();
    b.onChat(message("in-b"));
    b.tick(false);

    assertThat(next().getWelcome().getStream().getStreamId()).isEqualTo("b");
    ServerFrame afterWelcome = next();
    assertThat(afterWelcome.getChat().getMessagesList()).extracting(ChatMessage::getMessageId)
        .containsExactly("in-b");
  }

  private Room room(String streamId, boolean perViewerFanOut) {
    return new Room(StreamSnapshot.newBuilder().setStream(Stream.newBuilder().setStreamId(streamId)).build(),
        RoomBusState.getDefaultInstance(), 10, metrics, 1 << 20, 16, perViewerFanOut);
  }

  private static Join join(String streamId) {
    return Join.newBuilder().setStreamId(streamId).build();
  }

  private static ChatMessage message(String id) {
    return ChatMessage.newBuilder().setMessageId(id).setViewerId("bob").setText(id).build();
  }

  /** The next frame the viewer's client read, waiting for it. */
  private ServerFrame next() throws Exception {
    Object message = received.poll(5, TimeUnit.SECONDS);
    assertThat(message).as("a frame within 5 s").isNotNull();
    return WrittenFrames.parse(message);
  }
}
