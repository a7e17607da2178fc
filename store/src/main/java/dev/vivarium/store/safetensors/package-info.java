/**
 * The safetensors format (length-prefixed JSON header, then one little-endian byte buffer), read with
 * strict validation of hostile input and written atomically. Depends on the JDK, Jackson and store.io.
 */
package dev.vivarium.store.safetensors;
