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
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A viewer that leaves a room while one of the room's broadcasts waits on its event loop.
 * The broadcast took its copy of the members while the viewer was still one; the loop runs
 * it after the viewer's leave and join. The viewer is an EmbeddedChannel, whose loop runs
 * the broadcast only when the test says so, so the interleaving is the test's to choose;
 * {@link OnARealLoop} does the same with the broadcast made from another thread.
 */
class RoomSwitchTest {

  private final GatewayMetrics metrics = new GatewayMetrics(() -> 2);
  private final EmbeddedChannel viewer = new EmbeddedChannel();

  @AfterEach
  void tearDown() {
    viewer.finishAndReleaseAll();
    metrics.close();
  }

  @Test
  void broadcastQueuedBeforeASwitch_doesNotReachTheViewerInItsNewRoom() throws Exception {
    Room a = room("a");
    Room b = room("b");
    viewer.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
    assertThat(a.join(viewer, "alice", join("a"))).isTrue();
    assertThat(written()).singleElement().matches(ServerFrame::hasWelcome);

    a.onChat(message("in-a"));
    a.tick(false); // A's chat waits on the viewer's loop...
    a.leave(viewer); // ...while the viewer moves to B (leave, then join: one task on the loop)
    assertThat(b.join(viewer, "alice", join("b"))).isTrue();
    viewer.runPendingTasks();

    List<ServerFrame> frames = written();
    assertThat(frames).singleElement().matches(f -> f.getWelcome().getStream().getStreamId().equals("b"));
  }

  @Test
  void broadcastQueuedBeforeARejoinOfTheSameRoom_isNotDeliveredAfterTheNewWelcome() throws Exception {
    Room a = room("a");
    viewer.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
    assertThat(a.join(viewer, "alice", join("a"))).isTrue();
    written();

    a.onChat(message("m1"));
    a.tick(false);
    a.leave(viewer);
    assertThat(a.join(viewer, "alice", join("a"))).isTrue(); // its welcome already holds m1
    viewer.runPendingTasks();

    List<ServerFrame> frames = written();
    assertThat(frames).singleElement().matches(ServerFrame::hasWelcome);
    assertThat(frames.get(0).getWelcome().getRecentChatList()).extracting(ChatMessage::getMessageId)
        .containsExactly("m1");

    a.onChat(message("m2")); // and later broadcasts reach it again
    a.tick(false);
    viewer.runPendingTasks();
    assertThat(written()).singleElement().matches(f -> f.getChat().getMessages(0).getMessageId().equals("m2")
        && f.getRoomSeq() > frames.get(0).getWelcome().getRoomSeq());
  }

  /**
   * The same switch with the ticker's thread broadcasting, in both fan-out modes: the
   * broadcast takes the members while the viewer still is one, and its writes reach the
   * viewer's loop behind the switch. Here the viewer is a real channel ({@code socket}, one
   * end of a local pair) on a real loop, so a write made from another thread is queued as
   * in the gateway (an EmbeddedChannel's loop is the test's own thread); the loop is held on
   * a latch, so the interleaving is still the test's to choose.
   */
  @Nested
  class OnARealLoop {

    private final DefaultEventLoopGroup loop = new DefaultEventLoopGroup(1);
    /** What the socket carried, in order: what its client read. */
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private Channel server;
    private Channel client;
    private Channel socket;

    @BeforeEach
    void connect() throws Exception {
      LocalAddress address = new LocalAddress(RoomSwitchTest.class);
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
      socket = accepted.get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() throws Exception {
      client.close().sync();
      server.close().sync();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      received.forEach(ReferenceCountUtil::release);
    }

    @ParameterizedTest(name = "per-viewer fan-out: {0}")
    @ValueSource(booleans = {false, true})
    void broadcastFromTheTickerDuringASwitch_doesNotReachTheViewerInItsNewRoom(boolean perViewerFanOut)
        throws Exception {
      Room a = room("a", perViewerFanOut);
      Room b = room("b", perViewerFanOut);
      assertThat(loop.submit(() -> a.join(socket, "alice", join("a"))).get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(next().getWelcome().getStream().getStreamId()).isEqualTo("a");

      CountDownLatch switching = new CountDownLatch(1);
      CountDownLatch broadcastSent = new CountDownLatch(1);
      Future<Boolean> switched = socket.eventLoop().submit(() -> {
        switching.countDown();
        broadcastSent.await();
        a.leave(socket);
        return b.join(socket, "alice", join("b"));
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

    /** The next frame the socket's client read, waiting for it. */
    private ServerFrame next() throws Exception {
      Object message = received.poll(5, TimeUnit.SECONDS);
      assertThat(message).as("a frame within 5 s").isNotNull();
      return WrittenFrames.parse(message);
    }
  }

  private Room room(String streamId) {
    return room(streamId, false);
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

  /** Every frame written to the viewer since the last call. */
  private List<ServerFrame> written() throws Exception {
    return WrittenFrames.drain(viewer);
  }
}
