package dev.cairn.store.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An S3 endpoint that drops a connection without answering (as a server closing a kept-alive connection the
 * client just reused): a whole-object write is sent once more and succeeds; when every attempt is dropped the
 * caller gets TEMPORARILY_UNAVAILABLE, never a raw I/O exception.
 */
class S3LostConnectionTest {
  @Test
  void aWriteWhoseConnectionIsDroppedOnceIsSentAgain() throws Exception {
    try (DroppingServer s3 = new DroppingServer(1); ArtifactStore store = open(s3)) {
      store.put("a.txt", new ByteArrayInputStream("alpha".getBytes(StandardCharsets.UTF_8)));
      assertThat(s3.dropped.get()).isEqualTo(1);
      assertThat(s3.answered.get()).isEqualTo(1);
    }
  }

  @Test
  void aWriteWhoseConnectionsAreAllDroppedFailsAsUnavailable() throws Exception {
    try (DroppingServer s3 = new DroppingServer(Integer.MAX_VALUE); ArtifactStore store = open(s3)) {
      assertThatThrownBy(() -> store.put("a.txt", new ByteArrayInputStream("alpha".getBytes(StandardCharsets.UTF_8))))
          .isInstanceOfSatisfying(CairnException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
          .hasMessageContaining("connection was lost");
      assertThat(s3.dropped.get()).isEqualTo(2); // the first attempt and one more, no more
    }
  }

  private static ArtifactStore open(DroppingServer s3) {
    return S3ArtifactStore.open("s3://bucket/prefix", Map.of("accessKeyId", "k", "secretAccessKey", "s"),
        Map.of("MLFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:" + s3.socket.getLocalPort()));
  }

  /** Closes the first {@code drops} connections after reading their request head; answers 200 to the rest. */
  private static final class DroppingServer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final AtomicInteger dropped = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    private final Thread thread;

    DroppingServer(int drops) throws Exception {
      thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket c = socket.accept()) {
            c.setSoTimeout(10_000);
            InputStream in = c.getInputStream();
            String head = readHead(in);
            if (dropped.get() < drops) {
              dropped.incrementAndGet();
              continue; // closed without a byte of answer
            }
            OutputStream out = c.getOutputStream();
            if (head.toLowerCase(java.util.Locale.ROOT).contains("expect: 100-continue")) {
              out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
            }
            in.readNBytes(contentLength(head));
            answered.incrementAndGet(); // before the answer: the client may check the count as soon as it has it
            out.write(("HTTP/1.1 200 OK\r\nETag: \"e\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (Exception e) {
            // the socket was closed by close(), or a client gave up: next connection
          }
        }
      }, "dropping-s3");
      thread.setDaemon(true);
      thread.start();
    }

    private static String readHead(InputStream in) throws Exception {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.append((char) b);
      }
      return head.toString();
    }

    private static int contentLength(String head) {
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          return Integer.parseInt(line.substring("content-length:".length()).trim());
        }
      }
      return 0;
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(10_000);
    }
  }
}
