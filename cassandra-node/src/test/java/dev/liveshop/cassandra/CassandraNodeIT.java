package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liveshop.cassandra.testing.SharedCassandra;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A real node: readiness, a taken port, stop and restart on the same data. */
class CassandraNodeIT {

  @Test
  void start_sharedNode_answersCql() {
    CassandraNode node = SharedCassandra.node();
    assertThat(node.isRunning()).isTrue();
    assertThat(CqlReadiness.answers(node.contactPoint(), 2000)).isTrue();
  }

  @Test
  void start_portHeldByAnotherNode_failsFastNamingPortAndVariable() {
    CassandraNode running = SharedCassandra.node();
    NodeSettings clash = SharedCassandra.freshSettings("clash").withNativePort(running.nativePort());
    long started = System.nanoTime();
    assertThatThrownBy(() -> CassandraNode.start(clash))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("port " + running.nativePort())
        .hasMessageContaining("in use")
        .hasMessageContaining(NodeSettings.NATIVE_PORT_ENV);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void close_stopsTheProcess_andAStartOnTheSameDataWorks() {
    NodeSettings settings = SharedCassandra.freshSettings("restart");
    CassandraNode first = CassandraNode.start(settings);
    long pid = first.pid();
    first.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    first.close();

    try (CassandraNode second = CassandraNode.start(settings)) {
      assertThat(CqlReadiness.answers(second.contactPoint(), 2000)).isTrue();
    }
  }
}
