package io.floorlink.edge.cli;

import io.floorlink.edge.connector.mqtt.MqttDiscovery;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code discover}: commissioning commands that watch what devices publish. Its subcommand {@code mqtt} lists the
 * topics seen on a broker with their rates and payload fields, and prints a suggested {@code connectors:} block.
 */
@Command(
        name = "discover",
        description = "Watch what devices publish to write connector configuration.",
        mixinStandardHelpOptions = true,
        subcommands = {DiscoverMqttCommand.Mqtt.class})
public final class DiscoverMqttCommand {

    public DiscoverMqttCommand() {}

    /** {@code discover mqtt --url URL --topic FILTER --seconds S [--username U --password P] [--name N]}. */
    @Command(
            name = "mqtt",
            description = "Subscribe to a topic filter for some seconds, list every topic seen (message rate, JSON"
                    + " fields and types, or the plain value type) and print a suggested connectors block.",
            mixinStandardHelpOptions = true)
    public static final class Mqtt implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--url", required = true, description = "Broker, e.g. tcp://10.0.0.7:1883")
        String url;

        @Option(names = "--topic", defaultValue = "#", description = "Topic filter (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(
                names = "--seconds",
                defaultValue = "10",
                description = "How long to listen (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--username", description = "User name; omit for anonymous.")
        String username;

        @Option(
                names = "--password",
                description =
                        "Password; prefer --password:env=VAR or the FLOORLINK_MQTT_PASSWORD environment variable.",
                arity = "0..1",
                interactive = true)
        String password;

        @Option(
                names = "--name",
                defaultValue = "plant-mqtt",
                description = "Connector name in the suggestion (default: ${DEFAULT-VALUE}).")
        String name;

        public Mqtt() {}

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String pw = password;
            if (username != null && pw == null) {
                pw = System.getenv("FLOORLINK_MQTT_PASSWORD");
            }
            MqttDiscovery.Options options;
            try {
                options = new MqttDiscovery.Options(
                        new URI(url), topic, Duration.ofSeconds(Math.max(0, seconds)), username, pw);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            List<MqttDiscovery.TopicReport> topics;
            try {
                err.println("Listening to " + topic + " on " + url + " for " + seconds + " s ...");
                err.flush();
                topics = MqttDiscovery.listen(options);
            } catch (IOException e) {
                err.println("discover mqtt: " + e.getMessage());
                return 1;
            }
            out.print(MqttDiscovery.table(topics));
            out.println();
            out.println("# Suggested configuration (review categories, intervals and maps):");
            out.print(MqttDiscovery.suggestYaml(name, options.url(), topics));
            out.flush();
            err.println(topics.size() + " topics");
            return topics.isEmpty() ? 3 : 0;
        }
    }
}
