package io.floorlink.sim.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
    private ServerSocket echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread p = new Thread(() -> {
                        try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // client gone
                        }
                    });
                    p.setDaemon(true);
                    p.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void relaysBytesUntilCutAndAgainAfterRestore() throws Exception {
        try (TcpProxy proxy = new TcpProxy(echo.getLocalPort())) {
            try (Socket s = connect(proxy)) {
                assertThat(roundTrip(s, "hello")).isEqualTo("hello");
                proxy.cut();
                assertThat(proxy.isCut()).isTrue();
                assertThatThrownBy(() -> {
                            for (int i = 0; i < 50; i++) {
                                roundTrip(s, "after cut");
                            }
                        })
                        .isInstanceOf(IOException.class);
            }
            try (Socket s = connect(proxy)) {
                assertThatThrownBy(() -> roundTrip(s, "while cut")).isInstanceOf(IOException.class);
            }
            proxy.restore();
            try (Socket s = connect(proxy)) {
                assertThat(roundTrip(s, "back")).isEqualTo("back");
            }
        }
    }

    private static Socket connect(TcpProxy proxy) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(out);
        s.getOutputStream().flush();
        byte[] in = new byte[out.length];
        new DataInputStream(s.getInputStream()).readFully(in);
        return new String(in, StandardCharsets.UTF_8);
    }
}
