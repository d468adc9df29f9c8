package dev.cairn.store.loggedmodels;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The logged-model contract on a SQLite file, on the database layer shared with the tracking store. */
class SqliteLoggedModelStoreTest extends LoggedModelStoreContract {
  @TempDir Path dir;

  @Override
  protected Stores newStores() {
    SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"),
        List.of(LoggedModelStore.MIGRATIONS));
    return new Stores(MetadataStores.open(db, "mlflow-artifacts:"), LoggedModelStore.on(db));
  }
}
