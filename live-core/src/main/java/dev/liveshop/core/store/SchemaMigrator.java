package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned CQL files listed in {@code cql/migrations.txt}, in order, each at
 * most once per keyspace. Applied versions and their checksums are recorded in
 * {@code schema_migrations}; a file changed after it was applied stops the start, since
 * the keyspace no longer matches the code.
 */
final class SchemaMigrator {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
  private static final String INDEX = "cql/migrations.txt";
  private static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration PAUSE = Duration.ofMillis(200);

  private final CqlSession session;

  SchemaMigrator(CqlSession session) {
    this.session = session;
  }

  void migrate() {
    changeSchema("CREATE TABLE IF NOT EXISTS schema_migrations ("
        + "version int PRIMARY KEY, name text, checksum text, applied_at timestamp)");
    int version = 0;
    for (String name : readResource(INDEX).lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      version++;
      String cql = readResource("cql/" + name);
      String checksum = sha256(cql);
      int v = version;
      Row applied = whileSchemaSpreads(() -> session.execute("SELECT checksum FROM schema_migrations WHERE version = ?",
          v)).one();
      if (applied != null) {
        if (!checksum.equals(applied.getString("checksum"))) {
          throw new IllegalStateException("cql/" + name + " changed after it was applied to this keyspace. "
              + "Never edit an applied migration: revert it and add a new numbered file instead.");
        }
        continue;
      }
      for (String statement : statements(cql)) {
        changeSchema(statement);
      }
      whileSchemaSpreads(() -> session.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
          + "VALUES (?, ?, ?, ?)", v, name, checksum, Instant.now()));
      log.info("applied schema migration {} ({})", version, name);
    }
  }

  /**
   * Runs a schema change and waits until every node of the cluster has it: the next
   * statement may be coordinated by another node, which must know the table already.
   */
  private void changeSchema(String statement) {
    awaitSchemaAgreement(session, whileSchemaSpreads(() -> session.execute(statement)).getExecutionInfo()
        .isSchemaInAgreement());
  }

  /**
   * Runs a statement, again while the node coordinating it, or a replica it asks, does not
   * know a table created a moment ago (on a cluster, "agreement" is reported before every
   * node has applied the change: seen with three nodes on one machine), or while a quorum
   * does not answer (a replica that just died is not yet known dead).
   */
  private static ResultSet whileSchemaSpreads(Supplier<ResultSet> statement) {
    return StoreRetry.retry("schema statement", AGREEMENT_TIMEOUT, PAUSE, e -> unknownTable(e)
        || e instanceof QueryConsistencyException || e instanceof UnavailableException, statement);
  }

  /**
   * The coordinator does not know the table yet ("does not exist", "unconfigured table"),
   * or it does and a replica it asked does not ("Unknown CF &lt;table id&gt;", a server error).
   */
  static boolean unknownTable(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    return (e instanceof InvalidQueryException
        && (message.contains("does not exist") || message.contains("unconfigured table")))
        || (e instanceof ServerError && message.contains("Unknown CF"));
  }

  /** Polls until the nodes agree on the schema (the driver's own wait may have timed out). */
  static void awaitSchemaAgreement(CqlSession session, boolean agreed) {
    long deadline = System.nanoTime() + AGREEMENT_TIMEOUT.toNanos();
    while (!agreed) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Cassandra nodes did not agree on the schema within "
            + AGREEMENT_TIMEOUT.toSeconds() + " s; check that every node is up (nodetool describecluster)");
      }
      StoreRetry.pause(PAUSE);
      agreed = session.checkSchemaAgreement();
    }
  }

  /** Splits a CQL file on semicolons that end a line, dropping {@code --} comment lines. */
  static List<String> statements(String cql) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : cql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("CQL statement without a closing semicolon: " + current);
    }
    return statements;
  }

  private static String readResource(String path) {
    try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + path + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
