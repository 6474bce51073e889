/**
 * Test support shipped in this module's test-jar for other modules' integration tests: one
 * shared node per test JVM ({@link dev.liveshop.cassandra.testing.SharedCassandra}), started
 * lazily by whichever test thread asks first (class initialization makes that thread-safe) and
 * stopped by the node's shutdown hook, and a JUnit 5 extension that starts it before a class
 * and injects it. This module's own tests live in {@code dev.liveshop.cassandra}, outside the jar.
 */
package dev.liveshop.cassandra.testing;
