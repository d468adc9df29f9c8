package dev.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every spelling of a SQLite URI names one file, the one the data-folder lock is taken beside. */
class SqliteUriProperties {
  @Provide
  Arbitrary<List<String>> segments() {
    return Arbitraries.strings().withChars("abcXYZ019_-. ").ofMinLength(1).ofMaxLength(12)
        .filter(s -> !s.equals(".") && !s.equals("..") && !s.isBlank())
        .list().ofMinSize(1).ofMaxSize(5);
  }

  @Property(tries = 300)
  void absoluteAndRelativeFormsNameTheSameFile(@ForAll("segments") List<String> segments) {
    Path absolute = Path.of("/tmp", segments.toArray(String[]::new)).resolve("cairn.db");
    Path relative = Path.of("").toAbsolutePath().relativize(absolute);
    List<String> forms = List.of("sqlite:" + absolute, "sqlite://" + absolute, "jdbc:sqlite:" + absolute,
        "sqlite:" + relative, "sqlite:./" + relative, "sqlite://" + relative, "jdbc:sqlite:" + relative);

    for (String uri : forms) {
      assertThat(MetadataStores.sqlitePath(uri).orElseThrow().toAbsolutePath().normalize()).as(uri)
          .isEqualTo(absolute);
      assertThat(DataFolderLock.folderOf(uri)).as(uri).contains(absolute.getParent());
    }
  }

  @Property(tries = 100)
  void postgresUrisAreNotSqlite(@ForAll("segments") List<String> segments) {
    String db = String.join("", segments).replace(" ", "");
    assertThat(MetadataStores.sqlitePath("postgresql://h:5432/" + db)).isEmpty();
    assertThat(DataFolderLock.folderOf("jdbc:postgresql://h/" + db)).isEmpty();
  }
}
