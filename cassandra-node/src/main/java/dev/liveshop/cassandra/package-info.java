/**
 * A real Cassandra 5.0 node for local runs and integration tests: {@link
 * dev.liveshop.cassandra.NodeSettings} (defaults and {@code LIVESHOP_CASSANDRA_*} overrides), the
 * search for a JDK 17 it runs on, its generated {@code cassandra.yaml} and logback file, the
 * forked JVM's command line and main class, and the CQL readiness probe. The caller's thread
 * starts a node and blocks until it answers; {@code close()} runs on the caller's thread or on
 * the JVM shutdown hook's, serialized by the node. In the child JVM, {@code NodeMain}'s
 * {@code parent-watchdog} thread ends the node when the parent's pipe closes.
 */
package dev.liveshop.cassandra;
