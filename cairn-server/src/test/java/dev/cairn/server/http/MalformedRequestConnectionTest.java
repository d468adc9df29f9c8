package dev.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request Jetty refuses itself (an encoded NUL in the path) is answered with MLflow error JSON and
 * {@code Connection: close}, and the connection then ends: a client must not reuse it. Without the header the
 * JDK client sometimes sent its next request on the closed connection and failed with "received no bytes".
 */
class MalformedRequestConnectionTest {
  @Test
  void aRefusedRequestSaysTheConnectionClosesAndItDoes(@TempDir Path dir) throws Exception {
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0,
            "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts")));
        Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/2.0/mlflow-artifacts/artifacts/x%00.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all); // returns only once the server closes the connection
      String response = all.toString(StandardCharsets.UTF_8);

      assertThat(response).startsWith("HTTP/1.1 400");
      assertThat(response.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
      assertThat(response).contains("\"error_code\":\"INVALID_PARAMETER_VALUE\"");
    }
  }
}
