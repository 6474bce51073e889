/**
 * A real Cassandra node for local runs and integration tests: settings, the search for a
 * JDK it runs on, its generated configuration, the forked JVM and the CQL readiness probe.
 * The caller's thread starts and stops the node; the child JVM watches its stdin so it
 * never outlives the parent.
 */
package dev.liveshop.cassandra;
