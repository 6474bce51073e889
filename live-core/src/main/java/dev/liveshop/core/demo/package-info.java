/** The demo data set loaded on start when {@code liveshop.core.demo.enabled} is true (main thread). */
package dev.liveshop.core.demo;
