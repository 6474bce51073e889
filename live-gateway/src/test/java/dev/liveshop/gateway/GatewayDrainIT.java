package dev.liveshop.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import dev.liveshop.gateway.config.GatewayConfig;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.shard.ShardMap;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway on a real socket in front of an in-process live-core: ready as soon as that is
 * up, and on shutdown still listening, answering /readyz 503, for its drain delay.
 */
class GatewayDrainIT {

  private Server core;

  @BeforeEach
  void startCore() throws IOException {
    core = InProcessServerBuilder.forName("drain-core").directExecutor().build().start();
  }

  @AfterEach
  void stopCore() {
    core.shutdownNow();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void readyz_readyWithoutAnyCall_then503ForTheDrainDelayWhileStillListening() throws Exception {
    GatewayConfig config = GatewayConfig.from(ConfigFactory.load()).withHttpPort(0)
        .with("http.drain-delay", "30s");
    GatewayServer gateway = GatewayServer.start(config, new CoreShards(ShardMap.single("core-1", "in-process:0"),
        Map.of("core-1", InProcessChannelBuilder.forName("drain-core").build()), Duration.ofSeconds(5)));
    Http api = new Http(gateway.port());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (api.get("/readyz", null).status() != 200) {
      assertThat(System.nanoTime()).as("/readyz 200 within 20 s").isLessThan(deadline);
      Thread.sleep(50);
    }

    Thread closing = new Thread(gateway::close, "gateway-close");
    closing.start();
    Http.Answer answer = api.get("/readyz", null);
    while (answer.status() == 200) {
      Thread.sleep(10);
      answer = readyzOrFail(api);
    }
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body().get("status").getAsString()).contains("draining");
    // Still listening a while later, and still draining.
    Thread.sleep(500);
    assertThat(readyzOrFail(api).status()).isEqualTo(503);
    assertThat(closing.isAlive()).isTrue();

    closing.interrupt(); // ends the delay early; the rest of the shutdown runs as usual
    closing.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closing.isAlive()).isFalse();
  }

  private static Http.Answer readyzOrFail(Http api) throws InterruptedException {
    try {
      return api.get("/readyz", null);
    } catch (IOException e) {
      return fail("the gateway stopped listening instead of answering /readyz 503 while draining: " + e);
    }
  }
}
