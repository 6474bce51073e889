package dev.liveshop.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The gateway's meters, scraped at {@code /metrics}: viewers connected, open rooms,
 * WebSocket frames in and out, bytes in and out ({@link ByteCounter}, first in every
 * connection's pipeline), chat batches skipped for backed-up viewers, connections closed by
 * reason, and the tap-to-answer latency of orders as a histogram. Every meter has a
 * description (the scrape's {@code # HELP}); the byte counters carry no base unit, which
 * Micrometer would append to their names ({@code liveshop_gateway_bytes_in_bytes_total}).
 *
 * <p>Threading: every method is thread-safe (Micrometer meters, a concurrent channel group).
 */
public final class GatewayMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ChannelGroup connections = new DefaultChannelGroup("viewers", GlobalEventExecutor.INSTANCE);
  private final ByteCounter traffic = new ByteCounter();
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter chatSkipped;
  private final Timer orders;

  public GatewayMetrics(IntSupplier openRooms) {
    Gauge.builder("liveshop.gateway.connections", connections, ChannelGroup::size)
        .description("WebSocket connections open").register(registry);
    Gauge.builder("liveshop.gateway.rooms", openRooms, IntSupplier::getAsInt)
        .description("rooms (streams with viewers) open on this gateway").register(registry);
    FunctionCounter.builder("liveshop.gateway.bytes.in", traffic, ByteCounter::readBytes)
        .description("bytes read from clients' sockets (WebSocket and HTTP, as received)").register(registry);
    FunctionCounter.builder("liveshop.gateway.bytes.out", traffic, ByteCounter::writtenBytes)
        .description("bytes written to clients' sockets (WebSocket and HTTP, as sent)").register(registry);
    framesIn = Counter.builder("liveshop.gateway.frames.in").description("WebSocket frames received")
        .register(registry);
    framesOut = Counter.builder("liveshop.gateway.frames.out").description("WebSocket frames sent")
        .register(registry);
    chatSkipped = Counter.builder("liveshop.gateway.chat.skipped")
        .description("chat batches not sent to a viewer whose socket was backed up").register(registry);
    orders = Timer.builder("liveshop.gateway.order.latency")
        .description("from a viewer's buy frame to the answer written back")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    new JvmMemoryMetrics().bindTo(registry);
  }

  /** Counts bytes of every connection; add it first in the pipeline. Sharable. */
  public ChannelHandler trafficHandler() {
    return traffic;
  }

  /** A viewer's WebSocket is open; it is counted until it closes. */
  public void connected(Channel channel) {
    connections.add(channel);
  }

  public ChannelGroup connections() {
    return connections;
  }

  public void frameIn() {
    framesIn.increment();
  }

  public void framesOut(int frames) {
    framesOut.increment(frames);
  }

  public void chatSkipped() {
    chatSkipped.increment();
  }

  /** A connection closed by the gateway, for {@code reason} (flood, bad-frame, shutdown...). */
  public void closed(String reason) {
    Counter.builder("liveshop.gateway.closes").description("connections closed by the gateway, by reason")
        .tag("reason", reason).register(registry).increment();
  }

  public void orderAnswered(long nanos) {
    orders.record(Duration.ofNanos(nanos));
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }
}
