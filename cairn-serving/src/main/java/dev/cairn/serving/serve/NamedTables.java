package dev.cairn.serving.serve;

import dev.cairn.core.CairnException;
import dev.cairn.serving.protocol.Limits;
import java.util.List;
import java.util.Set;

/**
 * The serving tables of a few named deployments only (a serving replica, {@code cairn serve --deployments}): the
 * others in the shared store answer 404 here, so a replica serves exactly what its operator put behind it.
 */
public final class NamedTables implements InferenceTables {
  private final ServingTables tables;
  private final List<String> names;
  private final Set<String> served;

  /** Serves {@code names} (in this order in messages) from {@code tables}, which it then owns. */
  public NamedTables(ServingTables tables, List<String> names) {
    this.tables = tables;
    this.names = List.copyOf(names);
    this.served = Set.copyOf(names);
  }

  /** Loads (and warms) every named deployment now; the first that cannot be loaded propagates. */
  public void loadAll() {
    names.forEach(tables::table);
  }

  @Override
  public ServingTable table(String name) {
    if (!served.contains(name)) {
      throw CairnException.notFound("deployment '" + name + "' is not served by this replica; it serves " + names);
    }
    return tables.table(name);
  }

  @Override
  public Limits limits() {
    return tables.limits();
  }

  @Override
  public void close() {
    tables.close();
  }
}
