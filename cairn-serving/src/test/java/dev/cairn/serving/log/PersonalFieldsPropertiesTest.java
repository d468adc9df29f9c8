package dev.cairn.serving.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/** For any row: a personal value never survives in clear, the other fields are untouched. */
class PersonalFieldsPropertiesTest {
  static final byte[] SALT = "a salt of thirty-two bytes, fixed".getBytes(StandardCharsets.UTF_8);

  static Map<String, Object> row(String secret, String other, int age) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("email", "mail:" + secret);
    row.put("ssn", "ssn:" + secret);
    row.put("city", other);
    row.put("age", age);
    return row;
  }

  @Property
  void droppedFieldsAreGoneAndTheRestIsKept(@ForAll @AlphaChars @StringLength(min = 8, max = 30) String secret,
      @ForAll String other, @ForAll int age) {
    PersonalFields drop = new PersonalFields(Set.of("email", "ssn"), PersonalFields.Mode.DROP, null);
    Map<String, Object> out = drop.apply(List.of(row(secret, other, age))).get(0);
    assertThat(out).containsOnlyKeys("city", "age").containsEntry("city", other).containsEntry("age", age);
    assertThat(Json.write(out)).doesNotContain(secret);
  }

  @Property
  void hashedFieldsAreDigestsThatMatchForEqualValues(
      @ForAll @AlphaChars @StringLength(min = 8, max = 30) String secret, @ForAll String other, @ForAll int age) {
    PersonalFields hash = new PersonalFields(Set.of("email", "ssn"), PersonalFields.Mode.HASH, SALT);
    Map<String, Object> in = row(secret, other, age);
    Map<String, Object> out = hash.apply(List.of(in)).get(0);
    assertThat(Json.write(out)).doesNotContain(secret);
    assertThat((String) out.get("email")).matches("sha256:[0-9a-f]{64}");
    assertThat(out.get("email")).isNotEqualTo(out.get("ssn"));
    assertThat(hash.apply(List.of(row(secret, "elsewhere", 1))).get(0).get("email")).isEqualTo(out.get("email"));
    assertThat(out).containsEntry("city", other).containsEntry("age", age);
    assertThat(in).containsEntry("email", "mail:" + secret); // the caller's row is not changed
  }
}
