package dev.liveshop.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import com.typesafe.config.ConfigFactory;
import dev.liveshop.core.config.CassandraSettings;
import dev.liveshop.core.config.CoreConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CassandraStoreTest {

  @Test
  void open_nothingListening_failsFastSayingWhatToDo() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CassandraSettings settings = CoreConfig.from(ConfigFactory.load()).cassandra()
        .withContactPoint(new InetSocketAddress("127.0.0.1", closedPort), "datacenter1")
        .withConnectTimeout(Duration.ofSeconds(2));
    long started = System.nanoTime();

    assertThatThrownBy(() -> CassandraStore.open(settings))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("Cannot reach Cassandra at")
        .hasMessageContaining(String.valueOf(closedPort))
        .hasMessageContaining("LIVESHOP_CASSANDRA_CONTACT_POINTS");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void statements_splitsOnLineEndSemicolonsAndDropsComments() {
    assertThat(SchemaMigrator.statements("-- a comment\nCREATE TABLE a (x int PRIMARY KEY);\n\n"
        + "CREATE TABLE b (\n  y text PRIMARY KEY\n);\n"))
        .containsExactly("CREATE TABLE a (x int PRIMARY KEY)", "CREATE TABLE b (\n  y text PRIMARY KEY\n)");
  }

  @Test
  void statements_missingSemicolon_fails() {
    assertThatThrownBy(() -> SchemaMigrator.statements("CREATE TABLE a (x int PRIMARY KEY)"))
        .hasMessageContaining("without a closing semicolon");
  }

  @Test
  void unknownTable_coordinatorOrReplicaNotYetKnowingANewTable_otherErrorsAreNot() {
    assertThat(SchemaMigrator.unknownTable(new InvalidQueryException(null, "unconfigured table schema_migrations")))
        .isTrue();
    // What a three-node cluster answered in CI: the coordinator knew the table, a replica did not.
    assertThat(SchemaMigrator.unknownTable(new ServerError(null,
        "java.lang.IllegalArgumentException: Unknown CF 1e4e7ec0-eb39-11f1-b78a-9fe9856987a3"))).isTrue();
    assertThat(SchemaMigrator.unknownTable(new ServerError(null, "java.lang.NullPointerException"))).isFalse();
    assertThat(SchemaMigrator.unknownTable(new InvalidQueryException(null, "line 1:7 no viable alternative")))
        .isFalse();
  }
}
