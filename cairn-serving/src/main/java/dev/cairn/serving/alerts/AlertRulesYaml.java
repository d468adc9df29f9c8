package dev.cairn.serving.alerts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.serving.alerts.AlertRule.NotifyTarget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rules file (syntax in docs/alerts.md): {@code rules:} a list of mappings with {@code name},
 * {@code deployment} (leave it out or write {@code "*"} for every deployment), {@code condition},
 * {@code window_minutes}, {@code severity}, {@code description} and {@code notify} (a list of {@code webhook} and
 * {@code format}). Every error names the file, the line and the key ({@code rules[0].condition}).
 */
public final class AlertRulesYaml {
  private static final Set<String> RULE_KEYS = Set.of("name", "deployment", "condition", "window_minutes",
      "severity", "description", "notify");
  private static final Set<String> TARGET_KEYS = Set.of("webhook", "format");
  private static final Pattern FIELD = Pattern.compile("^field '([a-z_.]+)");

  private AlertRulesYaml() {}

  /** The rules of {@code text}, read from the file called {@code fileName} (for messages). */
  public static List<AlertRule> parse(String fileName, String text) {
    Located doc = Located.read(fileName, text);
    if (!(doc.root instanceof Map<?, ?> top) || !(top.get("rules") instanceof List<?> rules)) {
      throw CairnException.invalid(doc.at("rules") + ": a rules file is a mapping with 'rules', a list of rules");
    }
    for (Object key : top.keySet()) {
      if (!key.equals("rules")) {
        throw CairnException.invalid(doc.at(key.toString()) + ": unknown key; a rules file has only 'rules'");
      }
    }
    List<AlertRule> out = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String path = "rules[" + i + "]";
      if (!(rules.get(i) instanceof Map<?, ?> m)) {
        throw CairnException.invalid(doc.at(path) + ": a rule is a mapping with name, condition, window_minutes...");
      }
      AlertRule rule = rule(doc, path, m);
      Integer first = names.putIfAbsent(rule.name(), i);
      if (first != null) {
        throw CairnException.invalid(doc.at(path + ".name") + ": rule '" + rule.name() + "' is also rules[" + first
            + "]; rule names are unique");
      }
      out.add(rule);
    }
    return out;
  }

  private static AlertRule rule(Located doc, String path, Map<?, ?> m) {
    for (Object key : m.keySet()) {
      if (!RULE_KEYS.contains(key.toString())) {
        throw CairnException.invalid(doc.at(path + "." + key) + ": unknown key; a rule has " + RULE_KEYS);
      }
    }
    List<NotifyTarget> targets = new ArrayList<>();
    Object notify = m.get("notify");
    if (notify != null && !(notify instanceof List<?>)) {
      throw CairnException.invalid(doc.at(path + ".notify") + ": notify is a list of {webhook, format}");
    }
    if (notify instanceof List<?> list) {
      for (int j = 0; j < list.size(); j++) {
        String tp = path + ".notify[" + j + "]";
        if (!(list.get(j) instanceof Map<?, ?> t)) {
          throw CairnException.invalid(doc.at(tp) + ": a target is a mapping with webhook and format");
        }
        for (Object key : t.keySet()) {
          if (!TARGET_KEYS.contains(key.toString())) {
            throw CairnException.invalid(doc.at(tp + "." + key) + ": unknown key; a target has " + TARGET_KEYS);
          }
        }
        try {
          targets.add(new NotifyTarget(text(doc, tp, t, "webhook"), text(doc, tp, t, "format")));
        } catch (CairnException e) {
          throw located(doc, tp, e);
        }
      }
    }
    Object window = m.get("window_minutes");
    if (window != null && !(window instanceof Integer)) {
      throw CairnException.invalid(doc.at(path + ".window_minutes") + ": window_minutes is a whole number of minutes,"
          + " not '" + window + "'");
    }
    try {
      return new AlertRule(text(doc, path, m, "name"), text(doc, path, m, "deployment"),
          text(doc, path, m, "condition"), window == null ? 60 : (Integer) window, text(doc, path, m, "severity"),
          targets, text(doc, path, m, "description"));
    } catch (CairnException e) {
      throw located(doc, path, e);
    }
  }

  /** The rule's error with the place of the field it names. */
  private static CairnException located(Located doc, String path, CairnException e) {
    Matcher field = FIELD.matcher(e.getMessage());
    String key = field.find() ? path + "." + field.group(1).replace("notify.", "") : path;
    return CairnException.invalid(doc.at(key) + ": " + e.getMessage());
  }

  private static String text(Located doc, String path, Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      throw CairnException.invalid(doc.at(path + "." + key) + ": " + key + " is text, not a "
          + (v instanceof Map<?, ?> ? "mapping" : "list") + " (quote it)");
    }
    return v.toString();
  }

  /** A YAML document read into maps, lists and scalars, with the line of every key path kept. */
  private static final class Located {
    final String file;
    final Map<String, Integer> lines = new HashMap<>();
    Object root;

    private Located(String file) {
      this.file = file;
    }

    static Located read(String file, String text) {
      Located doc = new Located(file);
      try (JsonParser p = Json.YAML.getFactory().createParser(text)) {
        doc.root = p.nextToken() == null ? null : doc.value(p, "");
      } catch (IOException e) {
        String line = e instanceof JsonProcessingException j && j.getLocation() != null
            ? " line " + j.getLocation().getLineNr() : "";
        throw CairnException.invalid(file + line + ": not valid YAML: "
            + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
      }
      return doc;
    }

    /** "FILE line N, key 'K'": the line of the key, else of its nearest parent. */
    String at(String key) {
      String k = key;
      Integer line = lines.get(k);
      while (line == null && !k.isEmpty()) {
        int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
        k = cut < 0 ? "" : k.substring(0, cut);
        line = lines.get(k);
      }
      return file + " line " + (line == null ? 1 : line) + ", key '" + key + "'";
    }

    private Object value(JsonParser p, String path) throws IOException {
      lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
      JsonToken token = p.currentToken();
      if (token == JsonToken.START_OBJECT) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          lines.put(child, p.currentTokenLocation().getLineNr());
          p.nextToken();
          if (map.containsKey(name)) {
            throw CairnException.invalid(at(child) + ": the key is written twice");
          }
          map.put(name, value(p, child));
        }
        return map;
      }
      if (token == JsonToken.START_ARRAY) {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p, path + "[" + list.size() + "]"));
        }
        return list;
      }
      return switch (token) {
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT -> p.getNumberValue();
        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        default -> throw CairnException.invalid(at(path) + ": unexpected YAML content " + token);
      };
    }
  }
}
