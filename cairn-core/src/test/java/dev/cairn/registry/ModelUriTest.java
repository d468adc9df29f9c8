package dev.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** models:/ and runs:/ URIs parse to what they name; anything else is refused naming the expected forms. */
class ModelUriTest {
  @Test
  void parsesEveryForm() {
    ModelUri version = ModelUri.parse("models:/churn model/3");
    assertThat(version.kind()).isEqualTo(ModelUri.Kind.VERSION);
    assertThat(version.name()).isEqualTo("churn model");
    assertThat(version.version()).isEqualTo(3);
    ModelUri alias = ModelUri.parse("models:/churn@champion");
    assertThat(alias.kind()).isEqualTo(ModelUri.Kind.ALIAS);
    assertThat(alias.alias()).isEqualTo("champion");
    assertThat(ModelUri.parse("models:/churn/latest").kind()).isEqualTo(ModelUri.Kind.LATEST);
    ModelUri stage = ModelUri.parse("models:/churn/production");
    assertThat(stage.stage()).isEqualTo(ModelStage.PRODUCTION);
    ModelUri run = ModelUri.parse("runs:/0123456789abcdef0123456789abcdef/model/data/");
    assertThat(run.runId()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(run.path()).isEqualTo("model/data");
    assertThat(ModelUri.parse("runs:/abc").path()).isEmpty();
  }

  @Test
  void printsTheCanonicalForm() {
    for (String uri : List.of("models:/m/3", "models:/m@champion", "models:/m/latest", "models:/m/Staging",
        "runs:/abc/model", "runs:/abc")) {
      assertThat(ModelUri.parse(uri)).hasToString(uri);
    }
  }

  @Test
  void malformedUrisNameTheExpectedForms() {
    for (String bad : List.of("", "models:/", "models:/m", "models:/m/", "models:/m/x1", "models:/m/0",
        "models:/@a", "models:/m@", "model:/m/1", "runs:/", "runs://x", "s3://b/m", "models:/a/b/3")) {
      assertThatThrownBy(() -> ModelUri.parse(bad)).as(bad)
          .isInstanceOf(CairnException.class)
          .hasMessageContaining("models:/NAME/VERSION")
          .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }
    assertThatThrownBy(() -> ModelUri.parse(null)).isInstanceOf(CairnException.class);
  }

  @Property(tries = 500)
  void anyTextParsesOrFailsWithInvalidParameterValue(@ForAll String text) {
    for (String uri : List.of(text, "models:/" + text, "runs:/" + text)) {
      try {
        ModelUri parsed = ModelUri.parse(uri);
        assertThat(ModelUri.parse(parsed.toString())).isEqualTo(parsed);
      } catch (CairnException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
      }
    }
  }
}
