package dev.liveshop.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

  private static final Pattern HELP = Pattern.compile("^# HELP (\\S+) ?(.*)$", Pattern.MULTILINE);
  private static final Pattern TYPE = Pattern.compile("^# TYPE (liveshop_\\S+) ", Pattern.MULTILINE);

  @Test
  void scrape_everyLiveshopMetric_hasHelpText() {
    try (GatewayMetrics metrics = new GatewayMetrics(() -> 2)) {
      metrics.frameIn();
      metrics.framesOut(3);
      metrics.chatSkipped();
      metrics.closed("flood");
      metrics.orderAnswered(2_000_000);
      String scrape = metrics.scrape();

      Map<String, String> help = HELP.matcher(scrape).results()
          .collect(Collectors.toMap(m -> m.group(1), m -> m.group(2).strip(), (a, b) -> a));
      List<String> liveshop = TYPE.matcher(scrape).results().map(m -> m.group(1)).toList();
      assertThat(liveshop).allSatisfy(name -> assertThat(help.get(name)).as("# HELP of " + name).isNotBlank());
      assertThat(liveshop).contains("liveshop_gateway_connections", "liveshop_gateway_rooms",
          "liveshop_gateway_frames_in_total", "liveshop_gateway_frames_out_total", "liveshop_gateway_bytes_in_total",
          "liveshop_gateway_bytes_out_total", "liveshop_gateway_chat_skipped_total", "liveshop_gateway_closes_total",
          "liveshop_gateway_order_latency_seconds");
    }
  }

  @Test
  void bytesInAndOut_areNamedOnce_andCountTheTrafficHandler() {
    try (GatewayMetrics metrics = new GatewayMetrics(() -> 0)) {
      EmbeddedChannel channel = new EmbeddedChannel(metrics.trafficHandler());
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[7]));
      channel.writeOutbound(Unpooled.wrappedBuffer(new byte[100]));
      String scrape = metrics.scrape();
      assertThat(scrape).contains("liveshop_gateway_bytes_in_total 7.0", "liveshop_gateway_bytes_out_total 100.0")
          .doesNotContain("bytes_in_bytes", "bytes_out_bytes");
      channel.finishAndReleaseAll();
    }
  }
}
