/**
 * The engine-neutral checkpoint stream: the whole state of a partition replica, written by one engine and
 * loaded by any other (replica catch-up, backup). The format is described in {@code docs/formats.md}.
 */
package io.corecache.engine.checkpoint;
