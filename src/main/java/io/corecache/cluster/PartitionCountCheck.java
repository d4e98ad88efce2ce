package io.corecache.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/**
 * Refuses a node whose partition count differs from the cluster's when it asks to join, before it becomes a
 * member: a key's partition depends on the count, so such a node would look for keys in the wrong place.
 * Pekko runs it on the node that answers the join; the refused node logs that its configuration is
 * incompatible and shuts down, having changed nothing. Registered in corecache-node.conf.
 */
public final class PartitionCountCheck extends JoinConfigCompatChecker {

    static final String KEY = "corecache.partitions";

    @Override
    public Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(KEY)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        if (!toCheck.hasPath(KEY)) {
            return invalid("a node without " + KEY + " asked to join; it is not a CoreCache node of this version");
        }
        int theirs = toCheck.getInt(KEY);
        int ours = actualConfig.getInt(KEY);
        if (theirs == ours) {
            return Valid$.MODULE$;
        }
        return invalid("a node with " + KEY + " = " + theirs + " asked to join this cluster of " + ours
                + " partitions; the partition count is fixed when a cluster is created");
    }

    private static ConfigValidation invalid(String message) {
        return Invalid.apply(CollectionConverters.asScala(List.of(message)).toList());
    }
}
