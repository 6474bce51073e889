package dev.liveshop.core;

import dev.liveshop.core.config.CoreConfig;

/** Runs live-core alone, configured from reference.conf and the environment. */
public final class CoreMain {

  private CoreMain() {}

  public static void main(String[] args) throws InterruptedException {
    CoreServer server = CoreServer.start(CoreConfig.load());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "core-shutdown"));
    Thread.currentThread().join();
  }
}
