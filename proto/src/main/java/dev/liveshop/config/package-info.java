/**
 * How live-core and live-gateway read their settings so that an error names what to
 * change: which environment variable sets which key (read from the reference.conf files),
 * loading with a given environment, and a checked view of a section whose getters report a
 * wrong-typed value with its key, variable, value and expected form. Used once at start on
 * the main thread; everything here is immutable.
 */
package dev.liveshop.config;
