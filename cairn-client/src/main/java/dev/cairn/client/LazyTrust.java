package dev.cairn.client;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A TLS context whose trust store (the JDK's cacerts, about a hundred certificates to parse) is loaded on
 * the first TLS handshake instead of when the HTTP client is built: a client of an http:// server never
 * pays for it, which is a tenth of a second of a short CLI command. Trust decisions are the JDK default's.
 */
final class LazyTrust extends X509ExtendedTrustManager {
  private volatile X509ExtendedTrustManager delegate;

  LazyTrust() {}

  /** A TLS context with the default trust, loaded when first needed. */
  static SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new LazyTrust()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS support in this JDK", e);
    }
  }

  private X509ExtendedTrustManager delegate() {
    X509ExtendedTrustManager d = delegate;
    if (d == null) {
      synchronized (this) {
        if (delegate == null) {
          delegate = defaultTrustManager();
        }
        d = delegate;
      }
    }
    return d;
  }

  private static X509ExtendedTrustManager defaultTrustManager() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK's default trust manager factory has no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the JDK's default trust store", e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate().getAcceptedIssuers();
  }
}
