package dev.cairn.store.identity;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The identity contract on a SQLite file. */
class SqliteIdentityStoreTest extends IdentityStoreContract {
  @TempDir Path dir;

  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(IdentityStore.MIGRATIONS));
  }
}
