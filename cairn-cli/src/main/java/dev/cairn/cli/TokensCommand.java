package dev.cairn.cli;

import dev.cairn.client.IdentityClient;
import dev.cairn.identity.ApiToken;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn tokens}: make, list and revoke API tokens (your own; any user's as admin). */
@Command(name = "tokens", description = "Create, list and revoke API tokens (your own; any user's as admin).",
    subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand implements Runnable {
  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  @Command(name = "create", description = {"Create a token and print its secret: the only time it is shown.",
      "Use it as MLFLOW_TRACKING_TOKEN, or as the password with MLFLOW_TRACKING_USERNAME."})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", description = "What the token is for (e.g. laptop, ci).")
    String name;

    @Option(names = "--user", paramLabel = "USER", description = "Whose token (admin only; default: yours).")
    String user;

    @Option(names = "--expires-in-days", paramLabel = "DAYS", description = "Refuse the token after this many days.")
    Integer expiresInDays;

    @Override
    public Integer call() {
      IdentityClient.NewToken t = UsersCommand.identity(spec).createToken(user, name, expiresInDays);
      PrintWriter out = spec.commandLine().getOut();
      out.println(t.secret());
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      err.println("token " + t.token().id() + " for " + t.token().user() + (t.token().expiresTime() == null ? ""
          : ", expires " + Output.time(t.token().expiresTime())) + "; the secret above is not shown again");
      err.flush();
      return 0;
    }
  }

  @Command(name = "list", description = "List tokens (never their secrets).")
  static final class ListTokens implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--user", paramLabel = "USER", description = "Another user's tokens (admin).")
    String user;

    @Option(names = "--all", description = "Every user's tokens (admin).")
    boolean all;

    @Override
    public Integer call() {
      Table table = new Table("ID", "USER", "NAME", "CREATED", "EXPIRES", "LAST_USED", "REVOKED");
      for (ApiToken t : UsersCommand.identity(spec).listTokens(user, all)) {
        table.row(t.id(), t.user(), t.name(), Output.time(t.createdTime()), Output.time(t.expiresTime()),
            Output.time(t.lastUsedTime()), t.revoked() ? "yes" : "no");
      }
      table.print(spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a token; it is refused from the next request on.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The token's id (tokens list shows it).")
    String id;

    @Override
    public Integer call() {
      ApiToken t = UsersCommand.identity(spec).revokeToken(id);
      return UsersCommand.say(spec, "revoked token " + t.id() + " of " + t.user());
    }
  }
}
