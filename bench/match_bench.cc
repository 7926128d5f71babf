// Matching throughput over the same 100,000 generated EUR-Lex-shaped titles
// with 10, 1,000 and 10,000 generated rules:
//   indexed/N  the real matcher (rules::CompileRules), every term quoted so
//              it matches exact words;
//   naive/N    bench/naive_matcher.h on the same rules: every rule in turn;
//   stemmed/N  the real matcher on the same rules with terms unquoted, so
//              words also match their Snowball stems, as most rules do.
// Everything is built, and indexed and naive are checked to fire the same
// rules, before any benchmark runs; the timed loops only match. Run through
// bench/run_match_bench.sh.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bench/naive_matcher.h"
#include "bench/rule_gen.h"
#include "bench/title_corpus.h"
#include "core/item.h"
#include "rules/rule_set.h"

namespace lexwatch::bench {
namespace {

constexpr std::size_t kItems = 100'000;
constexpr std::uint64_t kTitleSeed = 20250612;
constexpr std::uint64_t kRuleSeed = 98023;
constexpr std::size_t kRuleCounts[] = {10, 1'000, 10'000};
// Naive matching costs about rules x items; past this many (rule, item)
// pairs per iteration it runs on the first items only, so a run stays
// short. Rates are per item either way.
constexpr std::size_t kNaivePairsPerIteration = 10'000'000;
// (rule, item) pairs compared between the two matchers before timing.
constexpr std::size_t kCheckedPairs = 3'000'000;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "match_bench: %s\n", message.c_str());
  std::exit(2);
}

struct RuleSet {
  std::size_t size = 0;
  std::shared_ptr<const rules::Matcher> indexed;  // Exact terms.
  std::shared_ptr<const rules::Matcher> stemmed;  // Terms as generated.
  std::unique_ptr<NaiveMatcher> naive;            // Exact terms.
};

std::shared_ptr<const rules::Matcher> Compile(
    const std::vector<GenRule>& generated, TermStyle style) {
  const std::vector<std::string>& agencies = BenchAgencies();
  rules::LoadResult loaded = rules::CompileRules(
      {{"bench/generated.toml", ToToml(generated, style)}},
      std::set<std::string>(agencies.begin(), agencies.end()));
  if (!loaded.ok()) {
    std::string errors;
    for (const rules::Diagnostic& d : loaded.diagnostics) {
      if (!d.warning) errors += "\n  " + d.ToString();
    }
    Die("generated rules do not compile:" + errors);
  }
  return loaded.matcher;
}

RuleSet BuildRuleSet(std::size_t n) {
  std::vector<GenRule> generated = MakeRules(n, kRuleSeed);
  return {n, Compile(generated, TermStyle::kExact),
          Compile(generated, TermStyle::kAsWritten),
          std::make_unique<NaiveMatcher>(generated)};
}

std::string Join(const std::vector<std::string_view>& ids) {
  std::string out = "[";
  for (std::string_view id : ids) {
    if (out.size() > 1) out.push_back(' ');
    out.append(id);
  }
  out.push_back(']');
  return out;
}

// The baseline is only worth comparing against if it is right: both
// matchers must fire the same rules on every checked item.
void CheckSameResults(const RuleSet& set, const std::vector<Item>& items) {
  const std::size_t count = std::min(items.size(), kCheckedPairs / set.size);
  std::size_t fired = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::vector<rules::MatchReason> reasons =
        set.indexed->Match(items[i]);
    std::vector<std::string_view> indexed;
    for (const rules::MatchReason& r : reasons) indexed.push_back(r.rule_id);
    std::vector<std::string_view> naive = set.naive->Match(items[i]);
    if (indexed != naive) {
      Die("matchers disagree with " + std::to_string(set.size) +
          " rules on item " + std::to_string(i) + " \"" + items[i].title +
          "\": indexed " + Join(indexed) + ", naive " + Join(naive));
    }
    fired += naive.size();
  }
  if (fired == 0) Die("no rule fired while checking: the check proves nothing");
  std::fprintf(stderr,
               "match_bench: %zu rules: same results on %zu items "
               "(%.3f rules fired per item)\n",
               set.size, count, static_cast<double>(fired) / count);
}

std::size_t TotalBytes(const std::vector<Item>& items, std::size_t count) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < count; ++i) {
    bytes += items[i].title.size() + items[i].summary.size();
  }
  return bytes;
}

void SetRates(benchmark::State& state, const std::vector<Item>& items,
              std::size_t count, std::size_t rules, std::size_t fired) {
  const auto iterations = static_cast<std::int64_t>(state.iterations());
  state.SetItemsProcessed(iterations * static_cast<std::int64_t>(count));
  state.SetBytesProcessed(iterations *
                          static_cast<std::int64_t>(TotalBytes(items, count)));
  state.counters["rules"] = static_cast<double>(rules);
  state.counters["items_per_iteration"] = static_cast<double>(count);
  state.counters["fired_per_item"] =
      static_cast<double>(fired) / static_cast<double>(count);
}

void BM_Indexed(benchmark::State& state, const rules::Matcher* matcher,
                const std::vector<Item>* items) {
  // As the daemon and backtest call it: one vector reused item after item.
  std::vector<rules::MatchReason> reasons;
  std::size_t fired = 0;
  for (auto _ : state) {
    fired = 0;
    for (const Item& item : *items) {
      matcher->MatchInto(item, &reasons);
      fired += reasons.size();
    }
    benchmark::DoNotOptimize(fired);
  }
  SetRates(state, *items, items->size(), matcher->rule_count(), fired);
}

void BM_Naive(benchmark::State& state, const RuleSet* set,
              const std::vector<Item>* items) {
  const std::size_t count =
      std::min(items->size(), kNaivePairsPerIteration / set->size);
  std::size_t fired = 0;
  for (auto _ : state) {
    fired = 0;
    for (std::size_t i = 0; i < count; ++i) {
      fired += set->naive->Match((*items)[i]).size();
    }
    benchmark::DoNotOptimize(fired);
  }
  SetRates(state, *items, count, set->size, fired);
}

void DescribeCorpus(const std::vector<Item>& items) {
  std::size_t shortest = items[0].title.size(), longest = 0, norwegian = 0;
  for (const Item& item : items) {
    shortest = std::min(shortest, item.title.size());
    longest = std::max(longest, item.title.size());
    norwegian += item.language == "nb";
  }
  std::fprintf(
      stderr,
      "match_bench: %zu titles, %zu bytes (mean %.0f, min %zu, max "
      "%zu), %zu Norwegian; %zu vocabulary words\n",
      items.size(), TotalBytes(items, items.size()),
      static_cast<double>(TotalBytes(items, items.size())) / items.size(),
      shortest, longest, norwegian, BenchVocabulary().words.size());
}

}  // namespace
}  // namespace lexwatch::bench

int main(int argc, char** argv) {
  using namespace lexwatch::bench;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  static const std::vector<lexwatch::Item> items =
      MakeItems(kItems, kTitleSeed);
  DescribeCorpus(items);
  static std::vector<RuleSet> sets;
  for (std::size_t n : kRuleCounts) {
    auto start = std::chrono::steady_clock::now();
    sets.push_back(BuildRuleSet(n));
    std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - start;
    std::fprintf(stderr,
                 "match_bench: %zu rules generated and compiled in %.2f s\n", n,
                 took.count());
    CheckSameResults(sets.back(), items);
  }
  for (const RuleSet& set : sets) {
    std::string n = std::to_string(set.size);
    benchmark::RegisterBenchmark(("BM_Match/indexed/" + n).c_str(), BM_Indexed,
                                 set.indexed.get(), &items)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_Match/naive/" + n).c_str(), BM_Naive,
                                 &set, &items)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_Match/stemmed/" + n).c_str(), BM_Indexed,
                                 set.stemmed.get(), &items)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
