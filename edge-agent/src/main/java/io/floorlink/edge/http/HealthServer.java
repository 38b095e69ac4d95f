package io.floorlink.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.floorlink.edge.EdgeHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The edge agent's small HTTP endpoint: {@code GET /health} (JSON, 200 while UP or DEGRADED, 503 when DOWN) and
 * {@code GET /metrics} (Prometheus text format), HEAD of both; other paths 404, other methods 405.
 *
 * <p>One Netty event loop thread ({@code floorlink-edge-http-*}) that sleeps until a request comes (the JDK HTTP
 * server it replaces woke its dispatcher every second, a twentieth of a small plant's CPU on an edge box). At most
 * {@link #MAX_CONNECTIONS} connections, requests up to {@link #MAX_REQUEST_BYTES}, and a connection that sends
 * nothing for {@link #READ_TIMEOUT_SECONDS} is closed.
 */
public final class HealthServer implements AutoCloseable {
    /** Connections served at once; more are closed on accept. */
    public static final int MAX_CONNECTIONS = 16;
    /** Largest request line plus headers (and body, which is not read), in bytes. */
    public static final int MAX_REQUEST_BYTES = 8192;
    /** A connection without a complete request for this long is closed, in seconds. */
    public static final int READ_TIMEOUT_SECONDS = 10;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final NioEventLoopGroup group;
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();

    /**
     * Binds and starts serving at once (blocks until bound).
     *
     * @param host address to bind, e.g. 127.0.0.1
     * @param port TCP port, 0 for any free port
     * @param health the current health, called on the HTTP thread for each {@code /health}; must not block
     * @param prometheus scraped on the HTTP thread for each {@code /metrics}
     * @throws UncheckedIOException when the address cannot be bound
     */
    public HealthServer(String host, int port, Supplier<EdgeHealth> health, PrometheusMeterRegistry prometheus) {
        this(host, port, health, prometheus, Duration.ofSeconds(READ_TIMEOUT_SECONDS));
    }

    /** As the public constructor, with another read timeout (tests). */
    HealthServer(
            String host,
            int port,
            Supplier<EdgeHealth> health,
            PrometheusMeterRegistry prometheus,
            Duration readTimeout) {
        group = new NioEventLoopGroup(1, new DefaultThreadFactory("floorlink-edge-http", true));
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, MAX_CONNECTIONS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                            connections.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(new HttpServerCodec(MAX_REQUEST_BYTES, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(new Handler(health, prometheus));
                    }
                });
        ChannelFuture bound = b.bind(new InetSocketAddress(host, port)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bound.cause();
            throw new UncheckedIOException(
                    "http: cannot listen on " + host + ":" + port + ": " + cause.getMessage(),
                    cause instanceof IOException io ? io : new IOException(cause));
        }
        server = bound.channel();
    }

    /** The bound TCP port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops listening and closes open connections; waits at most one second. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    private static final class Handler extends SimpleChannelInboundHandler<HttpRequest> {
        private final Supplier<EdgeHealth> health;
        private final PrometheusMeterRegistry prometheus;

        Handler(Supplier<EdgeHealth> health, PrometheusMeterRegistry prometheus) {
            this.health = health;
            this.prometheus = prometheus;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) throws JsonProcessingException {
            if (!req.decoderResult().isSuccess()) {
                // too long or malformed: answer and close, the connection's framing is lost
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", text("bad request\n"), false);
                return;
            }
            String path = new QueryStringDecoder(req.uri()).path();
            if (!path.equals("/health") && !path.equals("/metrics")) {
                send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", text("not found\n"), true);
                return;
            }
            if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
                FullHttpResponse r = response(
                        req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", text("method not allowed\n"));
                r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                write(ctx, req, r, true);
                return;
            }
            if (path.equals("/health")) {
                EdgeHealth h = health.get();
                HttpResponseStatus status = h.status() == EdgeHealth.Status.DOWN
                        ? HttpResponseStatus.SERVICE_UNAVAILABLE
                        : HttpResponseStatus.OK;
                send(ctx, req, status, "application/json", JSON.writeValueAsBytes(h), true);
            } else {
                send(
                        ctx,
                        req,
                        HttpResponseStatus.OK,
                        "text/plain; version=0.0.4; charset=utf-8",
                        text(prometheus.scrape()),
                        true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a read timeout or a reset peer: nothing to answer
            ctx.close();
        }

        private static byte[] text(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }

        private static FullHttpResponse response(HttpRequest req, HttpResponseStatus status, String type, byte[] body) {
            boolean head = HttpMethod.HEAD.equals(req.method());
            FullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, status, head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            return r;
        }

        private static void send(
                ChannelHandlerContext ctx,
                HttpRequest req,
                HttpResponseStatus status,
                String type,
                byte[] body,
                boolean keepAlive) {
            write(ctx, req, response(req, status, type, body), keepAlive);
        }

        private static void write(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse r, boolean keepAlive) {
            if (keepAlive && HttpUtil.isKeepAlive(req)) {
                HttpUtil.setKeepAlive(r, true);
                ctx.writeAndFlush(r);
            } else {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
