/** The gateway's settings, bound once from HOCON at start on the main thread; immutable. */
package dev.liveshop.gateway.config;
