package dev.liveshop.cassandra.testing;

import dev.liveshop.cassandra.CassandraNode;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Makes sure the {@linkplain SharedCassandra shared node} runs before a test class, and
 * injects it into test and lifecycle methods that take a {@link CassandraNode} parameter.
 *
 * <pre>{@code
 * @ExtendWith(CassandraExtension.class)
 * class OrderStoreIT {
 *   @BeforeAll
 *   static void schema(CassandraNode node) { ... node.contactPoint() ... }
 *
 *   @Test
 *   void save_newOrder_isReadBack() { CassandraNode node = CassandraExtension.node(); ... }
 * }
 * }</pre>
 *
 * <p>Stateless: the node belongs to {@link SharedCassandra} and lives until the JVM exits, so
 * nothing is stopped after a class.
 */
public final class CassandraExtension implements BeforeAllCallback, ParameterResolver {

  /** The shared node, starting it if needed; for code that has no extension context. */
  public static CassandraNode node() {
    return SharedCassandra.node();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    SharedCassandra.node();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == CassandraNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return SharedCassandra.node();
  }
}
