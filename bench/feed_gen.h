#ifndef LEXWATCH_BENCH_FEED_GEN_H_
#define LEXWATCH_BENCH_FEED_GEN_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace lexwatch::bench {

// A real-shape feed cut into parts: everything before the first <item>,
// each <item> element (with its indentation and line end), and the rest.
struct FeedShape {
  std::string head;
  std::vector<std::string> items;
  std::string tail;
};

// Reads a fixture feed (tests/data/fixtures/eurlex-oj-l.rss) and cuts it
// into its parts. InvalidArgument when it holds no <item>.
Result<FeedShape> ReadFeedShape(const std::filesystem::path& path);

// The fixture the benchmarks grow their feeds from.
std::filesystem::path EurlexFixture(const std::filesystem::path& source_dir);

struct FeedSpec {
  // Items are numbered from here; feeds with disjoint ranges share no act.
  std::size_t first_serial = 0;
  std::size_t items = 100;    // Used when min_bytes is 0.
  std::size_t min_bytes = 0;  // Otherwise: add items until this size.
  std::uint64_t seed = 7;
};

// A feed in the fixture's exact shape whose items are the fixture's items
// in turn, each with a new title (bench/title_corpus.h, English), a new
// CELEX number (unique per serial), a new CELLAR id and a new date. The same
// spec gives the same bytes.
std::string GenerateFeed(const FeedShape& shape, const FeedSpec& spec);

// The CELEX number GenerateFeed gives item `serial` ("31980R0042").
std::string SerialCelex(std::size_t serial);

}  // namespace lexwatch::bench

#endif  // LEXWATCH_BENCH_FEED_GEN_H_
