// Writes generated EUR-Lex-shape feeds and times lexwatch's parser on a
// file, for bench/compare.sh and bench/scale.sh.
//
//   bench_tool write OUT [--bytes N | --items N] [--first SERIAL]
//       A feed grown from tests/data/fixtures/eurlex-oj-l.rss
//       (bench/feed_gen.h): at least N bytes, or N items numbered from
//       SERIAL. --bytes 5242880 gives the bytes pipeline_bench parses.
//   bench_tool parse FILE [--repeat N]
//       Reads FILE, then parses it N times (default 5) with
//       feed::ParseFeed. Prints one JSON object: items, bytes, and the CPU
//       and wall seconds of each parse (reading the file not included).
//   bench_tool rules OUT --rules N --agencies A
//       N generated rules (bench/rule_gen.h) as one rule file, each naming
//       one or two of the agencies a0000 ... a<A-1> (spread evenly).

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/feed_gen.h"
#include "bench/rule_gen.h"
#include "feed/feed_parser.h"

namespace lexwatch::bench {
namespace {

constexpr char kUsage[] =
    "usage: bench_tool write OUT [--bytes N | --items N] [--first SERIAL]\n"
    "       bench_tool parse FILE [--repeat N]\n"
    "       bench_tool rules OUT --rules N --agencies A\n";

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

// The value after `flag`, or `fallback`.
std::size_t Flag(int argc, char** argv, const char* flag,
                 std::size_t fallback) {
  for (int i = 3; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], flag) == 0) {
      return std::strtoull(argv[i + 1], nullptr, 10);
    }
  }
  return fallback;
}

int Write(int argc, char** argv) {
  Result<FeedShape> shape = ReadFeedShape(EurlexFixture(LEXWATCH_SOURCE_DIR));
  if (!shape.ok()) {
    std::fprintf(stderr, "%s\n", shape.status().message().c_str());
    return 2;
  }
  FeedSpec spec;
  spec.min_bytes = Flag(argc, argv, "--bytes", 0);
  spec.items = Flag(argc, argv, "--items", 100);
  spec.first_serial = Flag(argc, argv, "--first", 0);
  const std::string feed = GenerateFeed(*shape, spec);
  std::ofstream out(argv[2], std::ios::binary);
  out << feed;
  if (!out.flush()) {
    std::fprintf(stderr, "%s: cannot write\n", argv[2]);
    return 2;
  }
  return 0;
}

int Parse(int argc, char** argv) {
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read\n", argv[2]);
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  const std::size_t repeat = Flag(argc, argv, "--repeat", 5);
  feed::ParseOptions options;
  options.url = "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222";
  std::size_t items = 0;
  std::string cpu, wall;
  for (std::size_t i = 0; i < repeat; ++i) {
    const double cpu0 = ProcessCpuSeconds();
    const auto wall0 = std::chrono::steady_clock::now();
    Result<std::vector<Item>> parsed =
        feed::ParseFeed(bytes, "eurlex-oj-l", options);
    const std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - wall0;
    const double cpu_took = ProcessCpuSeconds() - cpu0;
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", parsed.status().message().c_str());
      return 1;
    }
    items = parsed->size();
    if (i > 0) {
      cpu += ", ";
      wall += ", ";
    }
    cpu += std::to_string(cpu_took);
    wall += std::to_string(took.count());
  }
  std::printf(
      "{\"items\": %zu, \"bytes\": %zu, \"cpu_s\": [%s], "
      "\"wall_s\": [%s]}\n",
      items, bytes.size(), cpu.c_str(), wall.c_str());
  return 0;
}

std::string AgencyId(std::size_t i) {
  char id[32];
  std::snprintf(id, sizeof id, "a%04zu", i);
  return id;
}

int WriteRules(int argc, char** argv) {
  const std::size_t n = Flag(argc, argv, "--rules", 1000);
  const std::size_t agencies = Flag(argc, argv, "--agencies", 500);
  if (agencies == 0) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::vector<GenRule> rules = MakeRules(n, 42);
  // The generator names its own few agencies; spread the rules over the
  // requested ones instead, keeping how many each rule names.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::size_t first = (i * 7919) % agencies;
    const std::size_t count = rules[i].agencies.size();
    rules[i].agencies = {AgencyId(first)};
    if (count > 1 && agencies > 1) {
      rules[i].agencies.push_back(
          AgencyId((first + agencies / 2 + 1) % agencies));
    }
  }
  std::ofstream out(argv[2], std::ios::binary);
  out << ToToml(rules, TermStyle::kAsWritten);
  if (!out.flush()) {
    std::fprintf(stderr, "%s: cannot write\n", argv[2]);
    return 2;
  }
  return 0;
}

}  // namespace
}  // namespace lexwatch::bench

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "write") == 0) {
    return lexwatch::bench::Write(argc, argv);
  }
  if (argc >= 3 && std::strcmp(argv[1], "parse") == 0) {
    return lexwatch::bench::Parse(argc, argv);
  }
  if (argc >= 3 && std::strcmp(argv[1], "rules") == 0) {
    return lexwatch::bench::WriteRules(argc, argv);
  }
  std::fputs(lexwatch::bench::kUsage, stderr);
  return 2;
}
