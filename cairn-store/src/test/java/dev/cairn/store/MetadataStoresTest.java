package dev.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetadataStoresTest {
  @Test
  void postgresUriWithUserInfoMovesCredentialsToQuery() {
    assertThat(MetadataStores.postgresJdbcUrl("postgresql://bob:s3cret@db.local:5433/cairn"))
        .isEqualTo("jdbc:postgresql://db.local:5433/cairn?user=bob&password=s3cret");
    assertThat(MetadataStores.postgresJdbcUrl("postgres://bob@db/cairn?ssl=true"))
        .isEqualTo("jdbc:postgresql://db/cairn?ssl=true&user=bob");
    assertThat(MetadataStores.postgresJdbcUrl("postgresql://db:5432/cairn?user=a&password=b"))
        .isEqualTo("jdbc:postgresql://db:5432/cairn?user=a&password=b");
  }

  @Test
  void postgresCredentialsWithReservedCharactersStayOneValueEach() {
    // '@' and '&' in a password are percent-encoded in the URI; they must not split the driver's query
    assertThat(MetadataStores.postgresJdbcUrl("postgresql://bob:p%40ss%26word@db/cairn"))
        .isEqualTo("jdbc:postgresql://db/cairn?user=bob&password=p%40ss%26word");
    assertThat(MetadataStores.postgresJdbcUrl("postgresql://b%20o:x+y@db/cairn"))
        .isEqualTo("jdbc:postgresql://db/cairn?user=b%20o&password=x%2By");
  }
}
