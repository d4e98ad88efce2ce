/**
 * Benchmarks and measurement programs for CoreCache's storage engines, with RocksDB (JNI) as the rival.
 *
 * <p>Build them with {@code mvn -B -q -Pbench -DskipTests package} (profile {@code bench}, giving
 * {@code target/benchmarks.jar}), then run:
 * <ul>
 *   <li>{@link io.corecache.bench.EngineBenchmark}: put, get, scan and 16-thread sync put, Bitcask against
 *       RocksDB in one JMH run: {@code java -jar target/benchmarks.jar EngineBenchmark}.</li>
 *   <li>{@link io.corecache.bench.KeyDirFootprint}: heap bytes per key of Bitcask's key directory:
 *       {@code java -Xmx4g -cp target/benchmarks.jar io.corecache.bench.KeyDirFootprint [keys]}.</li>
 *   <li>{@link io.corecache.bench.ReopenSpeed}: Bitcask reopen rate and merge space reclaimed:
 *       {@code java -Xmx4g -cp target/benchmarks.jar io.corecache.bench.ReopenSpeed [keys] [maxFileMiB]}.</li>
 * </ul>
 * Stores live in fresh directories under the system property {@code corecache.bench.dir} (default
 * {@code java.io.tmpdir}) and are deleted afterwards. Record figures in {@code docs/benchmarks.md} with the
 * command, the machine and the JDK.
 */
package io.corecache.bench;
