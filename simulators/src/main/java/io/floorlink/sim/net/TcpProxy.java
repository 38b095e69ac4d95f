package io.floorlink.sim.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A network link that fails on request: a plain TCP relay on 127.0.0.1 (port 0) in front of a real server. {@link
 * #cut()} resets every relayed connection and refuses new ones until {@link #restore()}, the way a failed uplink or
 * a pulled cable looks to both ends (a reset, no protocol goodbye). Bytes pass unchanged; it knows no protocol.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    /** Relays to {@code 127.0.0.1:targetPort}; listens at once. */
    public TcpProxy(int targetPort) throws IOException {
        this(InetAddress.getLoopbackAddress().getHostAddress(), targetPort);
    }

    /** Relays to {@code targetHost:targetPort}; listens on 127.0.0.1 at once. */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::accept, "tcp-proxy-accept-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** The relay's own port on 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    /** Resets every relayed connection; new connections are still relayed. */
    public void severAll() {
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }

    /** Resets every relayed connection and resets new ones at once, until {@link #restore()}. */
    public void cut() {
        cut = true;
        severAll();
    }

    /** Relays new connections again after {@link #cut()}. */
    public void restore() {
        cut = false;
    }

    /** True between {@link #cut()} and {@link #restore()}. */
    public boolean isCut() {
        return cut;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                continue;
            }
            if (cut) {
                reset(in);
                continue;
            }
            try {
                Socket out = new Socket(targetHost, targetPort);
                sockets.add(in);
                sockets.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                // Target down: the client sees the same reset it would see without the relay.
                reset(in);
            }
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException ignored) {
                        // connection cut
                    } finally {
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // already closed
                        }
                    }
                },
                "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        severAll();
    }
}
