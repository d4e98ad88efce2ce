package io.corecache.cluster;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pekko's serialization as the node configures it, for tests that send a message through the bytes that
 * cross nodes and read it back.
 */
final class CborWire implements AutoCloseable {

    private final ActorTestKit testKit;
    private final Serialization serialization;

    private CborWire(ActorTestKit testKit) {
        this.testKit = testKit;
        this.serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    }

    static CborWire start() {
        return new CborWire(ActorTestKit.create(CoreCacheNode.configWith(ConfigFactory.parseString(
                "pekko.actor.provider = local\npekko.management.http.port = 0"))));
    }

    ActorTestKit testKit() {
        return testKit;
    }

    Serialization serialization() {
        return serialization;
    }

    /** {@code message} serialized with jackson-cbor (which it must be bound to) and read back. */
    @SuppressWarnings("unchecked")
    <T> T roundTrip(T message) {
        Serializer serializer = serialization.findSerializerFor(message);
        assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName(),
                "message " + message.getClass() + " must be bound to jackson-cbor");
        byte[] bytes = serialization.serialize(message).get();
        String manifest = Serializers.manifestFor(serializer, message);
        return (T) serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    }

    @Override
    public void close() {
        testKit.shutdownTestKit();
    }
}
