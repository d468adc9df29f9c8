package dev.cairn.cli;

import dev.cairn.client.IdentityClient;
import dev.cairn.identity.Role;
import dev.cairn.identity.RoleGrant;
import dev.cairn.identity.Scope;
import dev.cairn.identity.User;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn users}: create, list, grant, revoke and disable users on a server (admin). */
@Command(name = "users", description = "Create, list, grant roles to, revoke roles from and disable users (admin).",
    subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Grant.class,
        UsersCommand.Revoke.class, UsersCommand.Disable.class})
final class UsersCommand implements Runnable {
  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  static IdentityClient identity(CommandSpec spec) {
    return Main.client(spec).identity();
  }

  @Command(name = "create", description = {"Create a user, optionally with a global role and a password.",
      "The password is read from stdin (--password-stdin), never from the command line."})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user's name.")
    String name;

    @Option(names = "--role", paramLabel = "ROLE", description = "A global role: viewer, editor, approver or admin.")
    String role;

    @Option(names = "--password-stdin", description = "Read the user's password from the first line of stdin.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      String password = passwordStdin ? firstLine() : null;
      User u = identity(spec).createUser(name, password, role == null ? null : Role.parse(role));
      return say(spec, "created user " + u.name()
          + (role == null ? "" : " with role " + Role.parse(role).wire()));
    }
  }

  @Command(name = "list", description = "List users and their grants.")
  static final class ListUsers implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      IdentityClient identity = identity(spec);
      Table table = new Table("NAME", "CREATED", "DISABLED", "PASSWORD", "GRANTS");
      for (User u : identity.listUsers()) {
        String grants = identity.grants(u.name()).stream().map(g -> g.role().wire() + "@" + g.scope())
            .collect(Collectors.joining(" "));
        table.row(u.name(), Output.time(u.createdTime()), u.disabled() ? "yes" : "no",
            u.hasPassword() ? "set" : "-", grants);
      }
      table.print(spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(name = "grant", description = "Give a user a role, globally or over one experiment or registered model.")
  static final class Grant implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
    String name;

    @Parameters(index = "1", paramLabel = "ROLE", description = "viewer, editor, approver or admin.")
    String role;

    @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "global",
        description = "global, experiment:ID or registered_model:NAME (default: ${DEFAULT-VALUE}).")
    String scope;

    @Override
    public Integer call() {
      RoleGrant g = identity(spec).grant(name, Role.parse(role), Scope.parse(scope));
      return say(spec, "granted " + g.role().wire() + " on " + g.scope() + " to " + g.user());
    }
  }

  @Command(name = "revoke", description = "Remove a user's role over a scope.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
    String name;

    @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "global",
        description = "global, experiment:ID or registered_model:NAME (default: ${DEFAULT-VALUE}).")
    String scope;

    @Override
    public Integer call() {
      Scope s = Scope.parse(scope);
      boolean removed = identity(spec).revoke(name, s);
      return say(spec, removed ? "revoked " + name + "'s role on " + s : name + " had no role on " + s);
    }
  }

  @Command(name = "disable", description = "Disable a user (their password and tokens stop working), or --enable.")
  static final class Disable implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
    String name;

    @Option(names = "--enable", description = "Enable the user again.")
    boolean enable;

    @Override
    public Integer call() {
      User u = identity(spec).setDisabled(name, !enable);
      return say(spec, (u.disabled() ? "disabled " : "enabled ") + u.name());
    }
  }

  /** Prints one line of a command's result and answers the success exit code. */
  static int say(CommandSpec spec, String line) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(line);
    out.flush();
    return 0;
  }

  static String firstLine() throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    return line == null ? "" : line;
  }
}
