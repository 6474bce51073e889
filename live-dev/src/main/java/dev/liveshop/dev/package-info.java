/** The one-command local run: starts the node, live-core and the gateway on the main thread. */
package dev.liveshop.dev;
