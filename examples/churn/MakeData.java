import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes the churn sample of docs/datasets.md into DIR, byte for byte the same on every machine (SplittableRandom
 * is specified to the bit; awk's rand() differs between mawk and gawk). Run with the JDK's source launcher:
 * {@code java examples/churn/MakeData.java churn} for the first version, {@code ... churn v2} for the second;
 * {@code ... DIR labelled [ROWS]} writes the pipeline example's customers.csv, whose churn follows its features.
 */
public final class MakeData {
  private static final String HEADER = "customer_id,tenure_months,monthly_charges,contract,churned\n";

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "churn");
    if (args.length > 1 && args[1].equals("labelled")) {
      Files.createDirectories(dir);
      int rows = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
      Files.writeString(dir.resolve("customers.csv"), labelled(rows, 11));
      System.out.println("wrote " + rows + " customers to " + dir.resolve("customers.csv"));
      return;
    }
    if (args.length > 1 && args[1].equals("v2")) {
      // 2,000 customers from an autumn campaign: shorter tenure, higher charges, mostly monthly, more churn
      SplittableRandom r = new SplittableRandom(3);
      StringBuilder rows = new StringBuilder();
      for (int i = 1; i <= 2000; i++) {
        String contract = r.nextDouble() < 0.8 ? "monthly" : "one_year";
        rows.append(row(6000 + i, r.nextInt(24), 60 + r.nextDouble() * 80, contract, r.nextDouble() < 0.45));
      }
      Files.writeString(dir.resolve("train.csv"), rows, StandardOpenOption.APPEND);
      Files.deleteIfExists(dir.resolve("README.md"));
      Files.writeString(dir.resolve("NOTES.md"), "Churn sample v2\n");
      System.out.println("appended 2000 rows to " + dir.resolve("train.csv") + ", replaced README.md by NOTES.md");
      return;
    }
    Files.createDirectories(dir.resolve("raw"));
    Files.writeString(dir.resolve("train.csv"), customers(1, 5000, 1));
    Files.writeString(dir.resolve("test.csv"), customers(5001, 1000, 2));
    Files.writeString(dir.resolve("README.md"), "Churn sample, generated for the Cairn docs.\n");
    byte[] events = new byte[3_000_000];
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < events.length; i++) {
      events[i] = (byte) r.nextInt(256);
    }
    try (OutputStream out = Files.newOutputStream(dir.resolve("raw/events.bin"))) {
      out.write(events);
    }
    System.out.println("wrote " + dir + ": train.csv, test.csv, README.md, raw/events.bin");
  }

  private static String customers(int firstId, int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder out = new StringBuilder(HEADER);
    for (int i = 0; i < count; i++) {
      double c = r.nextDouble();
      String contract = c < 0.5 ? "monthly" : c < 0.75 ? "one_year" : "two_year";
      out.append(row(firstId + i, r.nextInt(72), 20 + r.nextDouble() * 100, contract, r.nextDouble() < 0.27));
    }
    return out.toString();
  }

  /**
   * Customers whose churn follows their features (the pipeline example learns it): the odds fall with tenure, rise
   * with charges, and depend on the contract; the region does not matter, so a fair model's slices agree. About 1%
   * of the charges are missing, for the imputer.
   */
  private static String labelled(int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder out = new StringBuilder("customer_id,tenure_months,monthly_charges,contract,region,senior,churned\n");
    String[] regions = {"north", "south", "east", "west"};
    for (int i = 0; i < count; i++) {
      double c = r.nextDouble();
      String contract = c < 0.5 ? "monthly" : c < 0.75 ? "one_year" : "two_year";
      int tenure = r.nextInt(72);
      double charges = 20 + r.nextDouble() * 100;
      boolean senior = r.nextDouble() < 0.16;
      double logit = -0.6 - 0.045 * tenure + 0.025 * (charges - 70) + (senior ? 0.4 : 0)
          + (contract.equals("monthly") ? 1.1 : contract.equals("one_year") ? -0.2 : -1.3);
      boolean churned = r.nextDouble() < 1 / (1 + Math.exp(-logit));
      String chargesText = r.nextDouble() < 0.01 ? "" : String.format(Locale.ROOT, "%.2f", charges);
      out.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%s,%d%n", 100_000 + i, tenure, chargesText, contract,
          regions[r.nextInt(regions.length)], senior ? "yes" : "no", churned ? 1 : 0).replace("\r", ""));
    }
    return out.toString();
  }

  private static String row(int id, int tenure, double charges, String contract, boolean churned) {
    return String.format(Locale.ROOT, "%d,%d,%.2f,%s,%d%n", id, tenure, charges, contract, churned ? 1 : 0)
        .replace("\r", "");
  }
}
