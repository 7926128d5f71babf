// The hot paths of one poll, timed with Google Benchmark (issue 7):
//   parse/lexwatch   feed::ParseFeed on a 5 MB EUR-Lex-shape RSS feed;
//   parse/read       feed::ReadFeed, ParseFeed's first half: the XML parse
//                    and each item's raw fields, not yet sanitised;
//   parse/pugixml    pugixml's bare parse of the same bytes (default
//                    options, no tree walk): the ceiling for any parser
//                    built on it;
//   render/alert     mail::RenderAlert of one alert (a real act matched by
//                    the default rules);
//   cycle/100        one poll's work in-process: parse a 100-item feed,
//                    match it against rules/, render the alerts and write
//                    items and outbox rows to a real SQLite store in a temp
//                    directory (a fresh store per iteration, opened outside
//                    the timed region).
// bench/run_pipeline_bench.sh runs it and prints the parse ratio.

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "bench/feed_gen.h"
#include "core/clock.h"
#include "daemon/config.h"
#include "daemon/ingest.h"
#include "feed/feed_formats.h"
#include "feed/feed_parser.h"
#include "mail/message.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kUrl[] =
    "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222";
constexpr std::size_t kBigFeedBytes = 5u << 20;

// Exits with a message: the benchmarks cannot run without their inputs.
[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "pipeline_bench: %s\n", what.c_str());
  std::exit(2);
}

const FeedShape& Shape() {
  static const FeedShape shape = [] {
    Result<FeedShape> s = ReadFeedShape(EurlexFixture(LEXWATCH_SOURCE_DIR));
    if (!s.ok()) Die(s.status().message());
    return *s;
  }();
  return shape;
}

// The same bytes as `bench_tool write --bytes 5242880`.
const std::string& BigFeed() {
  static const std::string feed = [] {
    FeedSpec spec;
    spec.min_bytes = kBigFeedBytes;
    return GenerateFeed(Shape(), spec);
  }();
  return feed;
}

struct Setup {
  daemon::Config config;
  std::shared_ptr<const rules::Matcher> matcher;
};

// config/lexwatch.toml's agencies and mail settings, and the rules in
// rules/, as the daemon would load them.
const Setup& DefaultSetup() {
  static const Setup setup = [] {
    const fs::path root = LEXWATCH_SOURCE_DIR;
    daemon::ConfigResult c = daemon::LoadConfig(root / "config/lexwatch.toml");
    if (!c.config) Die("config/lexwatch.toml does not load");
    rules::LoadResult r =
        rules::LoadRuleDirectory(root / "rules", c.config->AgencyIds());
    if (!r.ok()) Die("rules/ does not compile");
    return Setup{std::move(*c.config), r.matcher};
  }();
  return setup;
}

void BM_ParseLexwatch(benchmark::State& state) {
  const std::string& bytes = BigFeed();
  feed::ParseOptions options;
  options.url = kUrl;
  std::size_t items = 0;
  for (auto _ : state) {
    Result<std::vector<Item>> parsed =
        feed::ParseFeed(bytes, "eurlex-oj-l", options);
    if (!parsed.ok()) Die(parsed.status().message());
    items = parsed->size();
    benchmark::DoNotOptimize(parsed->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes.size()));
  state.counters["items"] = static_cast<double>(items);
  state.counters["feed_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_ParseLexwatch)
    ->Name("parse/lexwatch")
    ->Unit(benchmark::kMillisecond);

void BM_ReadLexwatch(benchmark::State& state) {
  const std::string& bytes = BigFeed();
  std::size_t items = 0;
  for (auto _ : state) {
    const Status read =
        feed::ReadFeed(bytes, "eurlex-oj-l", [&](const feed::RawFeed& raw) {
          items = raw.items.size();
          benchmark::DoNotOptimize(raw.items.data());
        });
    if (!read.ok()) Die(read.message());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes.size()));
  state.counters["items"] = static_cast<double>(items);
  state.counters["feed_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_ReadLexwatch)->Name("parse/read")->Unit(benchmark::kMillisecond);

void BM_ParsePugixml(benchmark::State& state) {
  const std::string& bytes = BigFeed();
  for (auto _ : state) {
    pugi::xml_document doc;
    pugi::xml_parse_result result = doc.load_buffer(bytes.data(), bytes.size());
    if (!result) Die(std::string("pugixml: ") + result.description());
    benchmark::DoNotOptimize(doc.first_child());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes.size()));
  state.counters["feed_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_ParsePugixml)
    ->Name("parse/pugixml")
    ->Unit(benchmark::kMillisecond);

// The first fixture act that the default rules send to an agency, with the
// reasons for that agency, as the Ingestor would render it.
mail::AlertInput SampleAlert() {
  const Setup& setup = DefaultSetup();
  Result<std::vector<Item>> items =
      feed::ParseFeed(Shape().head + Shape().items[0] + Shape().tail,
                      "eurlex-oj-l", feed::ParseOptions{.url = kUrl});
  if (!items.ok() || items->empty()) Die("fixture item does not parse");
  std::vector<rules::MatchReason> reasons = setup.matcher->Match(items->at(0));
  if (reasons.empty() || reasons[0].agencies.empty()) {
    Die("the first fixture item matches no default rule");
  }
  const daemon::AgencyConfig* agency =
      setup.config.FindAgency(reasons[0].agencies[0]);
  if (agency == nullptr) Die("unknown agency " + reasons[0].agencies[0]);
  mail::AlertInput input;
  input.item = items->at(0);
  for (const rules::MatchReason& r : reasons) {
    for (const std::string& a : r.agencies) {
      if (a == agency->id) input.reasons.push_back(r);
    }
  }
  input.agency_id = agency->id;
  input.agency_name = agency->name;
  input.to = agency->addresses;
  input.from = setup.config.mail.from;
  input.date = FromUnixSeconds(1782813600);
  input.contact = setup.config.contact;
  input.message_id = mail::MakeMessageId(input.item.Key(), agency->id,
                                         setup.config.mail.message_id_domain);
  return input;
}

void BM_RenderAlert(benchmark::State& state) {
  const mail::AlertInput input = SampleAlert();
  std::size_t size = 0;
  for (auto _ : state) {
    mail::RenderedMessage m = mail::RenderAlert(input);
    size = m.bytes.size();
    benchmark::DoNotOptimize(m.bytes.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["message_bytes"] = static_cast<double>(size);
  state.counters["reasons"] = static_cast<double>(input.reasons.size());
}
BENCHMARK(BM_RenderAlert)->Name("render/alert")->Unit(benchmark::kMicrosecond);

// A 100-item feed (what one EUR-Lex poll returns) whose items are the
// fixture's acts as they are, then generated ones: the real acts make sure
// alerts are rendered and queued.
std::string CycleFeed(std::size_t items) {
  FeedSpec spec;
  spec.items = items - Shape().items.size();
  std::string generated = GenerateFeed(Shape(), spec);
  std::string real;
  for (const std::string& item : Shape().items) real += item;
  return Shape().head + real +
         generated.substr(Shape().head.size(),
                          generated.size() - Shape().head.size());
}

fs::path MakeTempDir() {
  std::string pattern =
      (fs::temp_directory_path() / "lexwatch-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp failed");
  return pattern;
}

void BM_Cycle(benchmark::State& state) {
  const Setup& setup = DefaultSetup();
  const std::string bytes = CycleFeed(static_cast<std::size_t>(state.range(0)));
  SystemClock clock;
  daemon::IngestStats last;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path dir = MakeTempDir();
    Result<std::unique_ptr<store::Store>> store =
        store::Store::Open(dir / "lexwatch.db");
    if (!store.ok()) Die(store.status().message());
    daemon::Ingestor ingestor(setup.config, **store, clock);
    state.ResumeTiming();

    Result<std::vector<Item>> items =
        feed::ParseFeed(bytes, "eurlex-oj-l", feed::ParseOptions{.url = kUrl});
    if (!items.ok()) Die(items.status().message());
    Result<daemon::IngestStats> stats = ingestor.Ingest(*items, *setup.matcher);
    if (!stats.ok()) Die(stats.status().message());
    last = *stats;

    state.PauseTiming();
    store->reset();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          last.items);
  state.counters["matched"] = last.matched;
  state.counters["queued"] = last.queued;
}
BENCHMARK(BM_Cycle)
    ->Name("cycle")
    ->Arg(100)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
}  // namespace lexwatch::bench

int main(int argc, char** argv) {
  // The Ingestor logs a line per queued alert; the daemon sends it to the
  // journal, here it would only flood the terminal.
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
