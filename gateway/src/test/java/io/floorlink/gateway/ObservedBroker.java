package io.floorlink.gateway;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.interceptor.connect.ConnectInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.subscribe.SubscribeInboundInterceptor;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.packets.subscribe.Subscription;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HiveMQ CE broker for conformance tests, on 127.0.0.1 and a free port, whose embedded extension records what
 * clients send: CONNECT (clean start, session expiry), SUBSCRIBE (topic filters) and PUBLISH (topic, QoS, retain,
 * payload), in the order the broker saw them. It can also publish a message the moment it sees a given publish,
 * before the sender gets its acknowledgement.
 */
final class ObservedBroker implements AutoCloseable {
    /** One packet a client sent. */
    record Event(
            String clientId,
            String kind,
            String topic,
            boolean cleanStart,
            long expiry,
            int qos,
            boolean retain,
            byte[] payload) {}

    private final List<Event> events = new ArrayList<>();
    private volatile Injection injection;
    private final EmbeddedHiveMQ hivemq;
    private final int port;

    /** Publishes {@code reply(payload)} to {@code replyTopic} when a publish on {@code topic} is seen (once). */
    record Injection(String topic, String replyTopic, Function<byte[], byte[]> reply) {}

    ObservedBroker(Path dir) throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1);
            port = s.getLocalPort();
        }
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                    <persistence><mode>in-memory</mode></persistence>
                    <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
                .withoutLoggingBootstrap()
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("floorlink-test-observer")
                        .withName("observer")
                        .withVersion("1")
                        .withExtensionMain(new Observer())
                        .build())
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
    }

    URI url() {
        return URI.create("tcp://127.0.0.1:" + port);
    }

    /** A copy of the events so far. */
    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    void inject(Injection i) {
        injection = i;
    }

    private void record(Event e) {
        synchronized (events) {
            events.add(e);
        }
    }

    private final class Observer implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            ConnectInboundInterceptor connect = (in, out) -> {
                var p = in.getConnectPacket();
                record(new Event(
                        p.getClientId(),
                        "CONNECT",
                        null,
                        p.getCleanStart(),
                        p.getSessionExpiryInterval(),
                        -1,
                        false,
                        null));
            };
            Services.interceptorRegistry().setConnectInboundInterceptorProvider(i -> connect);
            SubscribeInboundInterceptor subscribe = (in, out) -> {
                for (Subscription s : in.getSubscribePacket().getSubscriptions()) {
                    record(new Event(
                            in.getClientInformation().getClientId(),
                            "SUBSCRIBE",
                            s.getTopicFilter(),
                            false,
                            -1,
                            s.getQos().getQosNumber(),
                            false,
                            null));
                }
            };
            PublishInboundInterceptor publish = (in, out) -> {
                PublishPacket p = in.getPublishPacket();
                byte[] payload = p.getPayload()
                        .map(b -> {
                            ByteBuffer c = b.asReadOnlyBuffer();
                            byte[] a = new byte[c.remaining()];
                            c.get(a);
                            return a;
                        })
                        .orElse(new byte[0]);
                record(new Event(
                        in.getClientInformation().getClientId(),
                        "PUBLISH",
                        p.getTopic(),
                        false,
                        -1,
                        p.getQos().getQosNumber(),
                        p.getRetain(),
                        payload));
                Injection i = injection;
                if (i != null && i.topic().equals(p.getTopic())) {
                    byte[] reply = i.reply().apply(payload);
                    if (reply != null) {
                        injection = null;
                        Services.publishService()
                                .publish(Builders.publish()
                                        .topic(i.replyTopic())
                                        .qos(Qos.AT_LEAST_ONCE)
                                        .retain(true)
                                        .payload(ByteBuffer.wrap(reply))
                                        .build());
                    }
                }
            };
            Services.initializerRegistry().setClientInitializer((in, ctx) -> {
                ctx.addSubscribeInboundInterceptor(subscribe);
                ctx.addPublishInboundInterceptor(publish);
            });
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
    }

    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().get(30, TimeUnit.SECONDS);
        hivemq.close();
    }
}
