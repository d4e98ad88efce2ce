/**
 * The LSM-tree engine: a write-ahead log, concurrent memtables flushed in the background to sorted string
 * tables (SSTables) with bloom filters and a block cache, a manifest recording the live tables, and
 * leveled compaction. Formats are described in {@code docs/formats.md}; the design in {@code docs/lsm.md}.
 */
package io.corecache.engine.lsm;
