package dev.cairn.client;

import java.security.Provider;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A TLS context that builds the real one on first use. The JDK's HTTP client needs a context when it is built,
 * even for an {@code http://} server, and getting one loads the security providers (about 400 classes, a tenth
 * of a second of a short CLI command). Built with {@link #defaultParameters()}, the client asks this context for
 * nothing until its first TLS connection (after a redirect to {@code https://}, if ever).
 */
final class LazyTlsContext extends SSLContext {
  /**
   * Parameters with no protocol or cipher suite list: an engine keeps the JDK's defaults for both. The HTTP
   * client still sets ALPN, the server name and HTTPS host name verification on its own copy.
   */
  static SSLParameters defaultParameters() {
    return new SSLParameters();
  }

  private static final Provider PROVIDER = new Provider("CairnLazyTLS", "1", "the JDK's TLS, built on first use") {};

  LazyTlsContext(Supplier<SSLContext> real) {
    super(new Spi(real), PROVIDER, "TLS");
  }

  private static final class Spi extends SSLContextSpi {
    private final Supplier<SSLContext> factory;
    private volatile SSLContext real;

    Spi(Supplier<SSLContext> factory) {
      this.factory = factory;
    }

    private SSLContext real() {
      SSLContext r = real;
      if (r == null) {
        synchronized (this) {
          if (real == null) {
            real = factory.get();
          }
          r = real;
        }
      }
      return r;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
      throw new UnsupportedOperationException("a lazy TLS context is initialised by its factory");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
    }
  }
}
