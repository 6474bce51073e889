package dev.liveshop.bench;

import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.proto.v1.ChatBatch;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What one chat batch (5 messages) costs to encode, and what a room broadcast to 1,000
 * viewers costs when the frame is encoded once and shared (retained duplicates of the
 * wire bytes, as {@code RoomChannels} does) versus encoded per viewer. Throughput is in
 * operations per microsecond; the fan-out benchmarks count one operation per viewer.
 *
 * <pre>java -jar bench/target/benchmarks.jar '\.FrameEncodingBenchmark\.' -rf json -rff frames.json</pre>
 */
@State(Scope.Benchmark)
public class FrameEncodingBenchmark extends BenchmarkDefaults {

  private static final int VIEWERS = 1000;
  private ServerFrame batch;

  @Setup
  public void setUp() {
    ChatBatch.Builder chat = ChatBatch.newBuilder();
    for (int i = 0; i < 5; i++) {
      chat.addMessages(ChatMessage.newBuilder().setMessageId("9f1c2d3e-" + i).setViewerId("viewer-" + i)
          .setText("is the scarf real silk? asking for a friend #" + i).setSentAtMs(1795488360112L + i));
    }
    batch = ServerFrame.newBuilder().setChat(chat).build();
  }

  @Benchmark
  public String json() {
    return FrameCodec.toJson(batch);
  }

  @Benchmark
  public byte[] binary() {
    return batch.toByteArray();
  }

  /** The room's way: encode the wire bytes once, hand each viewer a retained duplicate. */
  @Benchmark
  @OperationsPerInvocation(VIEWERS)
  public void fanOut_encodeOnce(Blackhole sink) {
    ByteBuf wire = FrameCodec.encodeWire(batch, Wire.JSON, ByteBufAllocator.DEFAULT);
    for (int i = 0; i < VIEWERS; i++) {
      ByteBuf copy = wire.retainedDuplicate();
      sink.consume(copy);
      copy.release();
    }
    wire.release();
  }

  /** The naive way: encode the frame again for every viewer. */
  @Benchmark
  @OperationsPerInvocation(VIEWERS)
  public void fanOut_encodePerViewer(Blackhole sink) {
    for (int i = 0; i < VIEWERS; i++) {
      TextWebSocketFrame frame = FrameCodec.encode(batch, ByteBufAllocator.DEFAULT);
      sink.consume(frame);
      frame.release();
    }
  }
}
