#ifndef LEXWATCH_BENCH_TITLE_CORPUS_H_
#define LEXWATCH_BENCH_TITLE_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/item.h"

namespace lexwatch::bench {

// A small deterministic generator (SplitMix64). std::mt19937 would do, but
// the standard distributions differ between library versions, and the
// corpus must be the same wherever the benchmark is built.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t Next();
  // Uniform in [0, n); n > 0.
  std::size_t Below(std::size_t n) { return Next() % n; }
  // Skewed towards 0, as word use is: index i is drawn with probability
  // falling roughly as 1/sqrt(i).
  std::size_t Skewed(std::size_t n);
  bool Chance(double p) { return Unit() < p; }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::uint64_t state_;
};

// The fillers the title templates draw from (subjects, products, countries,
// substances, names), each an English or Norwegian phrase as it would appear
// in a title. Rule terms are cut from the same phrases so that some match.
struct Vocabulary {
  std::vector<std::string> phrases;  // Every filler, for phrase terms.
  // Distinct words (letters, digits, hyphens; no stopwords and no formula
  // words, see TitleShare), including words that no title uses, as rule
  // writers also use those.
  std::vector<std::string> words;
  // Terms rule writers typically exclude ("anti-dumping", "Union waters").
  std::vector<std::string> exclusions;
  // How many titles of a calibration sample (not the benchmark's) contain
  // each run of 1-3 folded words, joined by spaces.
  std::unordered_map<std::string, int> ngram_titles;
  std::map<std::string, int, std::less<>> word_titles;  // Single words.
  int sample_titles = 0;
};

// Built once; the same on every call.
const Vocabulary& BenchVocabulary();

// The share of calibration titles that contain `term` (a word or phrase of
// up to three words; with a trailing '*', one word counts every word it
// starts, so the share may be overstated). Rule writers do not use the
// formulae of the Official Journal ("European Parliament", "Implementing
// Regulation"): `lexwatch check` would say such a rule matches almost
// everything. The rule generator leaves out terms above a small share.
double TitleShare(std::string_view term);

// `n` items with EUR-Lex-shaped titles (about 100-400 bytes) in English
// and Norwegian bokmål, the same for the same seed.
std::vector<Item> MakeItems(std::size_t n, std::uint64_t seed);

}  // namespace lexwatch::bench

#endif  // LEXWATCH_BENCH_TITLE_CORPUS_H_
