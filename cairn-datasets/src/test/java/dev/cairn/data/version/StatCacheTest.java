package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatCacheTest {
  static final String SHA_A = "a".repeat(64);
  static final String SHA_B = "b".repeat(64);

  @TempDir Path tmp;

  @Test
  void remembersHashesAcrossOpens() throws IOException {
    Path f = Files.writeString(tmp.resolve("x.txt"), "hello");
    Path cacheFile = tmp.resolve(".cairn/statcache");
    StatCache cache = StatCache.open(cacheFile);
    cache.remember(f, StatCache.stamp(f), SHA_A);
    cache.flush();

    StatCache reopened = StatCache.open(cacheFile);

    assertThat(reopened.lookup(f, StatCache.stamp(f))).isEqualTo(SHA_A);
  }

  @Test
  void anyChangeOfSizeMtimeOrInodeMisses() throws IOException {
    Path f = Files.writeString(tmp.resolve("x.txt"), "hello");
    StatCache cache = StatCache.inMemory();
    StatCache.FileStamp s = StatCache.stamp(f);
    cache.remember(f, s, SHA_A);

    assertThat(cache.lookup(f, s)).isEqualTo(SHA_A);
    assertThat(cache.lookup(f, new StatCache.FileStamp(s.size() + 1, s.mtimeNanos(), s.inode()))).isNull();
    assertThat(cache.lookup(f, new StatCache.FileStamp(s.size(), s.mtimeNanos() + 1, s.inode()))).isNull();
    assertThat(cache.lookup(f, new StatCache.FileStamp(s.size(), s.mtimeNanos(), s.inode() + 1))).isNull();
  }

  @Test
  void stampHasTheInodeOnUnix() throws IOException {
    Path f = Files.writeString(tmp.resolve("x.txt"), "hello");
    assertThat(StatCache.stamp(f).inode()).isPositive();
    assertThat(StatCache.stamp(f).size()).isEqualTo(5);
  }

  @Test
  void theLastLineForAPathWinsAndATornLineIsSkipped() throws IOException {
    Path f = Files.writeString(tmp.resolve("x.txt"), "hello");
    Path cacheFile = tmp.resolve("statcache");
    StatCache cache = StatCache.open(cacheFile);
    cache.remember(f, StatCache.stamp(f), SHA_A);
    cache.flush();
    cache.remember(f, StatCache.stamp(f), SHA_B);
    cache.flush();
    Files.writeString(cacheFile, SHA_A + "\t12\t3", StandardOpenOption.APPEND); // a crash mid-append

    StatCache reopened = StatCache.open(cacheFile);

    assertThat(reopened.lookup(f, StatCache.stamp(f))).isEqualTo(SHA_B);
    assertThat(reopened.size()).isEqualTo(1);
  }

  @Test
  void pathsWithTabsAndNewlinesRoundTrip() throws IOException {
    Path f = Files.writeString(tmp.resolve("odd\tname\nwith\\slash.txt"), "x");
    Path cacheFile = tmp.resolve("statcache");
    StatCache cache = StatCache.open(cacheFile);
    cache.remember(f, StatCache.stamp(f), SHA_A);
    cache.flush();

    assertThat(StatCache.open(cacheFile).lookup(f, StatCache.stamp(f))).isEqualTo(SHA_A);
  }

  @Test
  void compactsWhenMostLinesAreStale() throws IOException {
    Path f = Files.writeString(tmp.resolve("x.txt"), "hello");
    Path cacheFile = tmp.resolve("statcache");
    StatCache cache = StatCache.open(cacheFile);
    for (long i = 0; i < 2500; i++) {
      cache.remember(f, new StatCache.FileStamp(5, i, 1), i % 2 == 0 ? SHA_A : SHA_B);
      cache.flush();
    }
    assertThat(Files.readAllLines(cacheFile).size()).isLessThan(1100);
    assertThat(StatCache.open(cacheFile).lookup(f, new StatCache.FileStamp(5, 2499, 1))).isEqualTo(SHA_B);
  }
}
