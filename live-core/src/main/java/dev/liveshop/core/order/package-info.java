/**
 * Orders as the store keeps them: the record of what each buyer was promised, and its
 * status. Immutable values, shared freely between threads.
 */
package dev.liveshop.core.order;
