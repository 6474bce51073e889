package dev.liveshop.gateway;

import dev.liveshop.gateway.config.GatewayConfig;

/** Runs live-gateway alone, configured from reference.conf and the environment. */
public final class GatewayMain {

  private GatewayMain() {}

  public static void main(String[] args) throws InterruptedException {
    GatewayServer server = GatewayServer.start(GatewayConfig.load());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gateway-shutdown"));
    Thread.currentThread().join();
  }
}
