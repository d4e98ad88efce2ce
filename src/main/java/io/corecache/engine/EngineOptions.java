package io.corecache.engine;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Settings every engine shares.
 *
 * @param limits       key and value size limits
 * @param durability   when writes reach the disk
 * @param syncInterval how often {@link Durability#INTERVAL} fsyncs
 * @param clock        source of write and creation times (tests inject a fixed one)
 * @param fileOps      the file-system seam
 */
public record EngineOptions(Limits limits, Durability durability, Duration syncInterval, InstantSource clock,
                            FileOps fileOps) {

    public static final EngineOptions DEFAULT =
            new EngineOptions(Limits.DEFAULT, Durability.SYNC, Duration.ofMillis(100), InstantSource.system(),
                    FileOps.DEFAULT);

    public EngineOptions {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(fileOps, "fileOps");
        if (syncInterval == null || syncInterval.isNegative() || syncInterval.isZero()) {
            throw new InvalidArgumentException("bad_option", "sync interval must be positive, got " + syncInterval);
        }
    }

    public EngineOptions withDurability(Durability value) {
        return new EngineOptions(limits, value, syncInterval, clock, fileOps);
    }

    public EngineOptions withLimits(Limits value) {
        return new EngineOptions(value, durability, syncInterval, clock, fileOps);
    }

    public EngineOptions withSyncInterval(Duration value) {
        return new EngineOptions(limits, durability, value, clock, fileOps);
    }

    public EngineOptions withClock(InstantSource value) {
        return new EngineOptions(limits, durability, syncInterval, value, fileOps);
    }

    public EngineOptions withFileOps(FileOps value) {
        return new EngineOptions(limits, durability, syncInterval, clock, value);
    }
}
