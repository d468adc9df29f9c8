package dev.cairn.serving.alerts;

import dev.cairn.core.CairnException;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.rules.Condition;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An alert rule: when {@code condition} holds on a deployment's newest closed windows of {@code windowMinutes}, an
 * alert fires for that deployment's model version; when it no longer holds, the alert resolves. The condition is
 * parsed here, so a rule with a bad condition is never saved.
 *
 * @param name letters, digits, '.', '_' and '-' (as deployment names)
 * @param deployment the deployment watched, or {@link #ALL} for every deployment
 * @param condition in the condition language ({@link Condition}); no {@code baseline}: an alert has none
 * @param windowMinutes the monitor windows' width, 1 to {@link #MAX_WINDOW_MINUTES}
 * @param severity {@code info}, {@code warning} or {@code critical}
 * @param targets webhooks told when the alert fires and resolves (beside those subscribed to alert events)
 * @param description what the rule is for; may be null
 */
public record AlertRule(String name, String deployment, String condition, int windowMinutes, String severity,
    List<NotifyTarget> targets, String description) {
  /** The deployment of a rule that watches every deployment. */
  public static final String ALL = "*";
  public static final int MAX_WINDOW_MINUTES = 1440;
  public static final int MAX_TARGETS = 20;
  public static final int MAX_DESCRIPTION_LENGTH = 5000;
  public static final List<String> SEVERITIES = List.of("info", "warning", "critical");

  public AlertRule {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid("field 'name' is empty; an alert rule needs a name");
    }
    try {
      Deployment.requireName(name);
    } catch (CairnException e) {
      throw CairnException.invalid(e.getMessage().replace("deployment", "alert rule")
          .replace(" (it is part of the inference URLs)", ""));
    }
    if (deployment == null || deployment.isEmpty()) {
      deployment = ALL;
    }
    if (!deployment.equals(ALL)) {
      try {
        Deployment.requireName(deployment);
      } catch (CairnException e) {
        throw CairnException.invalid(e.getMessage().replace("field 'name'", "field 'deployment'"));
      }
    }
    Condition parsed = parse(condition);
    condition = parsed.text();
    if (windowMinutes < 1 || windowMinutes > MAX_WINDOW_MINUTES) {
      throw CairnException.invalid("field 'window_minutes' is " + windowMinutes + "; it must be 1 to "
          + MAX_WINDOW_MINUTES);
    }
    severity = severity == null || severity.isEmpty() ? "warning" : severity.toLowerCase(Locale.ROOT);
    if (!SEVERITIES.contains(severity)) {
      throw CairnException.invalid("field 'severity' is '" + severity + "'; it must be one of " + SEVERITIES);
    }
    targets = targets == null ? List.of() : List.copyOf(targets);
    if (targets.size() > MAX_TARGETS) {
      throw CairnException.invalid("field 'notify' has " + targets.size() + " targets; the limit is " + MAX_TARGETS);
    }
    Set<String> seen = new HashSet<>();
    for (NotifyTarget t : targets) {
      if (!seen.add(t.webhook())) {
        throw CairnException.invalid("field 'notify' names webhook '" + t.webhook() + "' twice");
      }
    }
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      throw CairnException.invalid("field 'description' has " + description.length() + " characters; the limit is "
          + MAX_DESCRIPTION_LENGTH);
    }
  }

  private static Condition parse(String condition) {
    Condition parsed;
    try {
      parsed = Condition.parse(condition);
    } catch (CairnException e) {
      throw CairnException.invalid("field 'condition': " + e.getMessage());
    }
    if (parsed.usesBaseline()) {
      throw CairnException.invalid("field 'condition': condition '" + parsed.text() + "' compares with 'baseline';"
          + " alert rules have no baseline (canary gates do): compare with a number");
    }
    return parsed;
  }

  /** The parsed condition. */
  public Condition parsedCondition() {
    return Condition.parse(condition);
  }

  /** Whether the rule watches {@code deploymentName}. */
  public boolean watches(String deploymentName) {
    return deployment.equals(ALL) || deployment.equals(deploymentName);
  }

  /**
   * A webhook told about the rule's alerts, by id or name, and the body it gets: {@code cairn} (MLflow's webhook body
   * with the alert as data) or {@code slack} ({@code {"text": ...}} for a Slack incoming webhook).
   */
  public record NotifyTarget(String webhook, String format) {
    public static final List<String> FORMATS = List.of("cairn", "slack");

    public NotifyTarget {
      if (webhook == null || webhook.isBlank()) {
        throw CairnException.invalid("field 'notify.webhook' is empty; name a webhook by id or name");
      }
      format = format == null || format.isEmpty() ? "cairn" : format.toLowerCase(Locale.ROOT);
      if (!FORMATS.contains(format)) {
        throw CairnException.invalid("field 'notify.format' is '" + format + "'; it must be one of " + FORMATS);
      }
    }
  }
}
