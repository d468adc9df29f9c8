package dev.cairn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads every option's default from the environment: {@code CAIRN_<COMMAND>_<SUBCOMMAND>_<FLAG>} (for
 * {@code cairn runs list --max-results}: {@code CAIRN_RUNS_LIST_MAX_RESULTS}), then for the stores one shared
 * name ({@code CAIRN_BACKEND_STORE_URI}, {@code CAIRN_ARTIFACTS_URI}), then MLflow's name where MLflow has
 * one. --tracking-uri reads only {@code CAIRN_TRACKING_URI} and {@code MLFLOW_TRACKING_URI}. A flag on the
 * command line wins.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  /** Options that mean the same everywhere, by their long name: one variable serves every command. */
  private static final Map<String, String> SHARED = Map.of(
      "--backend-store-uri", "CAIRN_BACKEND_STORE_URI",
      "--artifacts-uri", "CAIRN_ARTIFACTS_URI");

  /** MLflow's variables, by command path and long option name (mlflow/cli.py, mlflow/utils/cli_args.py). */
  private static final Map<String, String> MLFLOW = Map.of(
      "server --backend-store-uri", "MLFLOW_BACKEND_STORE_URI",
      "server --artifacts-uri", "MLFLOW_ARTIFACTS_DESTINATION",
      "server --host", "MLFLOW_HOST",
      "server --port", "MLFLOW_PORT",
      "runs list --experiment-id", "MLFLOW_EXPERIMENT_ID",
      "runs search --experiment-id", "MLFLOW_EXPERIMENT_ID");

  private final Map<String, String> env;

  EnvironmentDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    for (String name : variables(option)) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  /** The variables an option reads, first match wins; empty for --help and --version. */
  static List<String> variables(OptionSpec option) {
    if (option.usageHelp() || option.versionHelp()) {
      return List.of();
    }
    String flag = option.longestName();
    if (flag.equals("--tracking-uri")) { // one server for every command that has the option
      return List.of("CAIRN_TRACKING_URI", "MLFLOW_TRACKING_URI");
    }
    String path = option.command() == null ? "" : commandPath(option.command());
    List<String> names = new ArrayList<>();
    names.add(variable(path, flag));
    String shared = SHARED.get(flag);
    if (shared != null) {
      names.add(shared);
    }
    String mlflow = MLFLOW.get(path + " " + flag);
    if (mlflow != null) {
      names.add(mlflow);
    }
    return names;
  }

  /** The command's names below the root, space-separated: "runs list"; "" for the root. */
  static String commandPath(CommandSpec command) {
    String qualified = command.qualifiedName(" ");
    int space = qualified.indexOf(' ');
    return space < 0 ? "" : qualified.substring(space + 1);
  }

  private static String variable(String path, String flag) {
    String words = (path.isEmpty() ? "" : path + " ") + flag.replaceFirst("^-+", "");
    return "CAIRN_" + words.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  /**
   * Adds an "Environment:" line naming the variables to every option of {@code command}, for its --help.
   * Done just before help is drawn, so commands that only run pay nothing for it.
   */
  static void describe(CommandSpec command) {
    for (CommandSpec owner = command; owner != null; owner = owner.parent()) {
      for (OptionSpec option : List.copyOf(owner.options())) {
        if (option.scopeType() == ScopeType.INHERIT && !option.inherited() && !isDescribed(option)) {
          // re-adding an inherited option copies it into every subcommand again, so their old copies go first
          removeInheritedCopies(owner, option.longestName());
          replace(owner, option);
        }
      }
    }
    for (OptionSpec option : List.copyOf(command.options())) {
      if (!option.inherited() && option.scopeType() != ScopeType.INHERIT && !isDescribed(option)) {
        replace(command, option);
      }
    }
  }

  private static void replace(CommandSpec command, OptionSpec option) {
    List<String> names = variables(option);
    if (names.isEmpty() || option.group() != null) {
      return; // picocli cannot remove an option from its group: grouped options keep their own description
    }
    String[] lines = option.description();
    String[] described = java.util.Arrays.copyOf(lines, lines.length + 1);
    described[lines.length] = "Environment: " + String.join(", ", names.stream().map(n -> "$" + n).toList()) + ".";
    command.remove(option);
    command.addOption(option.toBuilder().description(described).build());
  }

  private static void removeInheritedCopies(CommandSpec command, String name) {
    for (picocli.CommandLine sub : command.subcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      OptionSpec copy = spec.findOption(name);
      if (copy != null && copy.inherited()) {
        spec.remove(copy);
      }
      removeInheritedCopies(spec, name);
    }
  }

  private static boolean isDescribed(OptionSpec option) {
    String[] lines = option.description();
    return lines.length > 0 && lines[lines.length - 1].startsWith("Environment: ");
  }
}
