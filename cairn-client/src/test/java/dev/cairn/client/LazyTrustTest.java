package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lazily loaded trust store decides as the JDK's default does (a self-signed server is refused), and the
 * lazily built TLS context is only built for a TLS connection, then handshakes and verifies host names as usual.
 */
class LazyTrustTest {
  static final char[] PASSWORD = "changeit".toCharArray();

  @Test
  void aSelfSignedServerIsRefusedAsByTheDefaultTrust(@TempDir Path tmp) throws Exception {
    HttpsServer server = selfSignedServer(keystore(tmp));
    try {
      HttpClient client = HttpClient.newBuilder().sslContext(LazyTrust.sslContext()).build();
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(uri(server, "127.0.0.1")).build(),
          HttpResponse.BodyHandlers.discarding())).isInstanceOf(SSLHandshakeException.class);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void theAcceptedIssuersAreTheDefaultTrustStoresOnes() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    X509TrustManager jdk = (X509TrustManager) tmf.getTrustManagers()[0];
    assertThat(new LazyTrust().getAcceptedIssuers()).isNotEmpty().containsExactlyInAnyOrder(jdk.getAcceptedIssuers());
  }

  @Test
  void theLazyContextIsBuiltForTheFirstTlsConnectionOnlyAndThenVerifiesAsUsual(@TempDir Path tmp) throws Exception {
    KeyStore keys = keystore(tmp);
    AtomicInteger built = new AtomicInteger();
    Supplier<SSLContext> trustingTheServer = () -> {
      built.incrementAndGet();
      try {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    HttpClient client = HttpClient.newBuilder().sslContext(new LazyTlsContext(trustingTheServer))
        .sslParameters(LazyTlsContext.defaultParameters()).build();
    HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    plain.createContext("/", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    plain.start();
    HttpsServer tls = selfSignedServer(keys);
    try {
      URI plainUri = URI.create("http://127.0.0.1:" + plain.getAddress().getPort() + "/");
      assertThat(client.send(HttpRequest.newBuilder(plainUri).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode()).isEqualTo(204);
      assertThat(built).as("TLS context built for plain HTTP").hasValue(0);

      assertThat(client.send(HttpRequest.newBuilder(uri(tls, "127.0.0.1")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
      assertThat(built).hasValue(1);
      // the certificate names 127.0.0.1 only: host name verification is still on
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(uri(tls, "localhost")).build(),
          HttpResponse.BodyHandlers.discarding())).isInstanceOf(SSLHandshakeException.class);
      assertThat(built).hasValue(1);
    } finally {
      tls.stop(0);
      plain.stop(0);
    }
  }

  /** A key pair for 127.0.0.1 (as an IP address name), self-signed, made by the JDK's keytool. */
  private static KeyStore keystore(Path tmp) throws Exception {
    Path file = tmp.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit")
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(file.toFile())) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  private static HttpsServer selfSignedServer(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static URI uri(HttpsServer server, String host) {
    return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/");
  }
}
