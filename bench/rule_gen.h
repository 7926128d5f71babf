#ifndef LEXWATCH_BENCH_RULE_GEN_H_
#define LEXWATCH_BENCH_RULE_GEN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lexwatch::bench {

// One generated rule, in the plain any/all/none form of the rule files.
// Terms are written as a policy officer would write them ("Drinking water",
// "avløp*").
struct GenRule {
  std::string id;
  std::string topic;
  std::string description;
  std::vector<std::string> agencies;
  std::vector<std::string> any;
  std::vector<std::string> all;
  std::vector<std::string> none;
};

// The agencies the generated rules name; pass them to CompileRules.
const std::vector<std::string>& BenchAgencies();

// `n` distinct rules with 1-5 'any' terms each: words, 2-3 word phrases cut
// from the title fillers (so some match), a few prefix terms, a few 'all'
// and 'none' terms. Ids sort in generation order. Same seed, same rules.
std::vector<GenRule> MakeRules(std::size_t n, std::uint64_t seed);

// How ToToml writes terms: as generated, so words also match their other
// forms (Snowball stems), or in double quotes, so they match those exact
// words only, as the naive baseline does.
enum class TermStyle { kAsWritten, kExact };

// The rules as the text of one TOML rule file.
std::string ToToml(const std::vector<GenRule>& rules, TermStyle style);

}  // namespace lexwatch::bench

#endif  // LEXWATCH_BENCH_RULE_GEN_H_
