package io.floorlink.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ embedded extension enforcing the broker's credentials: no user name (unless anonymous access is
 * configured), an unknown user or a wrong password gets CONNACK "not authorized"; an edge may publish only the
 * topics of its own node and read only its own commands, receipts and the host STATE ({@link #permissions}); a
 * client credential only its own topic filters ({@link #clientPermissions}); the gateway's own host client (an
 * internal random credential) may do anything. Password checks run on the extension executor, never on a broker
 * network thread.
 */
final class EdgeAuthExtension implements ExtensionMain {
    private static final Logger log = LoggerFactory.getLogger(EdgeAuthExtension.class);

    private final Map<String, AuthConfig.EdgeCredential> edges = new HashMap<>();
    private final Map<String, AuthConfig.ClientCredential> clients = new HashMap<>();
    private final boolean allowAnonymous;
    private final String hostUser;
    private final String hostPassword;
    private final String hostId;

    EdgeAuthExtension(AuthConfig auth, String hostUser, String hostPassword, String hostId) {
        this.hostId = hostId;
        if (auth != null) {
            auth.edges().forEach(e -> edges.put(e.username(), e));
            auth.clients().forEach(c -> clients.put(c.username(), c));
        }
        this.allowAnonymous = auth != null && auth.allowAnonymous();
        this.hostUser = hostUser;
        this.hostPassword = hostPassword;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        SimpleAuthenticator authenticator = this::onConnect;
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}

    private void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        Optional<String> user = input.getConnectPacket().getUserName();
        String password = input.getConnectPacket()
                .getPassword()
                .map(EdgeAuthExtension::text)
                .orElse("");
        String clientId = input.getClientInformation().getClientId();
        if (user.isEmpty()) {
            if (allowAnonymous) {
                output.getDefaultPermissions().add(permission("#", TopicPermission.MqttActivity.ALL));
                output.authenticateSuccessfully();
            } else {
                deny(output, clientId, "no user name");
            }
            return;
        }
        String name = user.get();
        if (name.equals(hostUser)) {
            if (PasswordHash.equalsClear(password, hostPassword)) {
                output.getDefaultPermissions().add(permission("#", TopicPermission.MqttActivity.ALL));
                output.authenticateSuccessfully();
            } else {
                deny(output, clientId, "bad password for the host user");
            }
            return;
        }
        AuthConfig.EdgeCredential edge = edges.get(name);
        AuthConfig.ClientCredential client = clients.get(name);
        if (edge == null && client == null) {
            deny(output, clientId, "unknown user '" + name + "'");
            return;
        }
        String stored = edge != null ? edge.password() : client.password();
        List<TopicPermission> granted = edge != null ? permissions(edge, hostId) : clientPermissions(client);
        Async<SimpleAuthOutput> async = output.async(Duration.ofSeconds(10), TimeoutFallback.FAILURE);
        Services.extensionExecutorService().submit(() -> {
            try {
                boolean ok = PasswordHash.isHash(stored)
                        ? PasswordHash.verify(password, stored)
                        : PasswordHash.equalsClear(password, stored);
                if (ok) {
                    output.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
                    for (TopicPermission p : granted) {
                        output.getDefaultPermissions().add(p);
                    }
                    output.authenticateSuccessfully();
                } else {
                    deny(output, clientId, "bad password for user '" + name + "'");
                }
            } catch (RuntimeException e) {
                deny(output, clientId, "credential check failed for user '" + name + "': " + e.getMessage());
            } finally {
                async.resume();
            }
        });
    }

    /**
     * What one edge credential may do: publish its own node's NBIRTH/NDEATH/NDATA and its devices'
     * DBIRTH/DDEATH/DDATA (so never another node's death, never a command, a STATE or a receipt), and read its own
     * NCMD/DCMD, its receipts and the host STATE. Reading {@code spBv1.0/<hostId>} (exactly: a wildcard there would
     * also grant {@code spBv1.0/#}) is allowed too: Sparkplug 2.2 hosts published STATE there and edges such as
     * Eclipse Tahu's still subscribe to it; only the host can publish there.
     */
    static List<TopicPermission> permissions(AuthConfig.EdgeCredential edge, String hostId) {
        List<TopicPermission> out = new ArrayList<>();
        String node = edge.node();
        for (String group : edge.groups()) {
            String g = Topic.NAMESPACE + "/" + group;
            for (String type : List.of("NBIRTH", "NDEATH", "NDATA")) {
                out.add(permission(g + "/" + type + "/" + node, TopicPermission.MqttActivity.PUBLISH));
            }
            for (String type : List.of("DBIRTH", "DDEATH", "DDATA")) {
                out.add(permission(g + "/" + type + "/" + node + "/+", TopicPermission.MqttActivity.PUBLISH));
            }
            out.add(permission(g + "/NCMD/" + node, TopicPermission.MqttActivity.SUBSCRIBE));
            out.add(permission(g + "/DCMD/" + node + "/+", TopicPermission.MqttActivity.SUBSCRIBE));
            out.add(permission(
                    Receipt.TOPIC_PREFIX + "/+/" + group + "/" + node, TopicPermission.MqttActivity.SUBSCRIBE));
        }
        out.add(permission(Topic.NAMESPACE + "/STATE/+", TopicPermission.MqttActivity.SUBSCRIBE));
        out.add(permission(Topic.NAMESPACE + "/" + hostId, TopicPermission.MqttActivity.SUBSCRIBE));
        return out;
    }

    /** What one client credential may do: exactly its publish and subscribe filters, nothing else. */
    static List<TopicPermission> clientPermissions(AuthConfig.ClientCredential client) {
        List<TopicPermission> out = new ArrayList<>();
        client.publish().forEach(f -> out.add(permission(f, TopicPermission.MqttActivity.PUBLISH)));
        client.subscribe().forEach(f -> out.add(permission(f, TopicPermission.MqttActivity.SUBSCRIBE)));
        return out;
    }

    private static TopicPermission permission(String filter, TopicPermission.MqttActivity activity) {
        return Builders.topicPermission()
                .topicFilter(filter)
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(activity)
                .qos(TopicPermission.Qos.ALL)
                .retain(TopicPermission.Retain.ALL)
                .build();
    }

    private static final java.util.concurrent.atomic.AtomicLong lastWarn = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong suppressed =
            new java.util.concurrent.atomic.AtomicLong();

    private static void deny(SimpleAuthOutput output, String clientId, String why) {
        long now = System.currentTimeMillis();
        long last = lastWarn.get();
        if (now - last >= 10_000 && lastWarn.compareAndSet(last, now)) {
            log.warn(
                    "refused MQTT client '{}': {} ({} more refusals since last warning)",
                    clientId,
                    why,
                    suppressed.getAndSet(0));
        } else {
            suppressed.incrementAndGet();
        }
        output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "not authorized");
    }

    private static String text(ByteBuffer b) {
        ByteBuffer copy = b.asReadOnlyBuffer();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
