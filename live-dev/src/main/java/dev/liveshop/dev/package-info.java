/**
 * Running LiveShop on this machine: {@code LocalMain} (the one-command local run: node,
 * live-core and gateway in one process) and {@code CassandraMain} (a node as a process of
 * its own, for the multi-process topology of {@code docker/loopback.sh}).
 */
package dev.liveshop.dev;
