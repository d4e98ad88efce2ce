/**
 * The Bitcask engine: append-only data files of CRC32C-framed records, an ordered in-memory key directory
 * pointing into them, hint files for fast start-up, and a background merge that rewrites live records and
 * drops the rest. Formats are described in {@code docs/formats.md}; the entry point is
 * {@link io.corecache.engine.bitcask.BitcaskEngine}.
 */
package io.corecache.engine.bitcask;
