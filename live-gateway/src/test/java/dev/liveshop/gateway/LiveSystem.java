package dev.liveshop.gateway;

import com.typesafe.config.ConfigFactory;
import dev.liveshop.core.CoreFixture;
import dev.liveshop.core.CoreServer;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.gateway.config.GatewayConfig;
import java.util.function.UnaryOperator;

/**
 * The whole system on loopback for an integration test: live-core over gRPC on a real
 * Cassandra node (its own keyspace), and a gateway on a free port in front of it.
 * Further gateways on the same live-core come from {@link #gatewayConfig()}.
 */
final class LiveSystem implements AutoCloseable {

  final CoreConfig coreConfig;
  final CoreServer core;
  final GatewayServer gateway;
  final Http http;

  private LiveSystem(CoreConfig coreConfig, UnaryOperator<GatewayConfig> gatewaySettings) {
    this.coreConfig = coreConfig;
    this.core = CoreServer.start(coreConfig);
    this.gateway = GatewayServer.start(gatewaySettings.apply(gatewayConfig()));
    this.http = new Http(gateway.port());
  }

  static LiveSystem start(String name) {
    return start(name, UnaryOperator.identity());
  }

  static LiveSystem start(String name, UnaryOperator<GatewayConfig> gatewaySettings) {
    return new LiveSystem(CoreFixture.config(name), gatewaySettings);
  }

  /** A gateway's settings pointing at this system's live-core, on a free port. */
  GatewayConfig gatewayConfig() {
    return GatewayConfig.from(ConfigFactory.load()).withHttpPort(0).withCoreTarget("127.0.0.1:" + core.grpcPort());
  }

  @Override
  public void close() {
    gateway.close();
    core.close();
  }
}
