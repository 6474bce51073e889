package dev.liveshop.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.liveshop.core.config.CoreConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class CoreServerStartTest {

  @Test
  void start_grpcPortTaken_failsBeforeTouchingCassandraSayingWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      CoreConfig config = CoreConfig.from(ConfigFactory.load()).withGrpcPort(taken.getLocalPort());
      assertThatThrownBy(() -> CoreServer.start(config))
          .hasMessageContaining("port is in use")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()))
          .hasMessageContaining("LIVESHOP_CORE_GRPC_PORT");
    }
  }
}
