package dev.cairn.store.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature header of a delivery, as MLflow 3 computes it so receivers written for MLflow work unchanged:
 * {@code X-MLflow-Signature: v1,<base64 of HMAC-SHA256(secret, "<delivery id>.<timestamp>.<body>")>}, with the
 * delivery id and the Unix timestamp (seconds) in {@code X-MLflow-Delivery-Id} and {@code X-MLflow-Timestamp}.
 * Cairn keeps the delivery id the same over retries, so a receiver can drop duplicates by it.
 */
public final class WebhookSignature {
  public static final String SIGNATURE_HEADER = "X-MLflow-Signature";
  public static final String TIMESTAMP_HEADER = "X-MLflow-Timestamp";
  public static final String DELIVERY_ID_HEADER = "X-MLflow-Delivery-Id";
  /** The version prefix of the signature value. */
  public static final String VERSION = "v1";

  private WebhookSignature() {}

  /** The header value for this delivery: {@code v1,<base64 HMAC-SHA256>}. */
  public static String sign(String secret, String deliveryId, String timestamp, String body) {
    return VERSION + "," + Base64.getEncoder().encodeToString(hmac(secret, deliveryId + "." + timestamp + "." + body));
  }

  /**
   * True when {@code signatureHeader} is the signature of this delivery under {@code secret} (compared in
   * constant time) and {@code timestamp} is within {@code toleranceSeconds} of {@code nowSeconds}, which
   * refuses replays of old deliveries.
   */
  public static boolean verify(String secret, String deliveryId, String timestamp, String body,
      String signatureHeader, long nowSeconds, long toleranceSeconds) {
    if (secret == null || deliveryId == null || timestamp == null || body == null || signatureHeader == null) {
      return false;
    }
    long sent;
    try {
      sent = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - sent) > toleranceSeconds || !signatureHeader.startsWith(VERSION + ",")) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signatureHeader.substring(VERSION.length() + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, hmac(secret, deliveryId + "." + timestamp + "." + body));
  }

  private static byte[] hmac(String secret, String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }
}
