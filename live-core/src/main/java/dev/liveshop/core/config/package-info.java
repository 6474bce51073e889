/**
 * live-core's settings as immutable records bound from HOCON ({@code reference.conf}
 * documents every key and its environment override). Read once at start on the main
 * thread; safe to share afterwards.
 */
package dev.liveshop.core.config;
