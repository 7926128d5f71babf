#ifndef LEXWATCH_BENCH_NAIVE_MATCHER_H_
#define LEXWATCH_BENCH_NAIVE_MATCHER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bench/rule_gen.h"
#include "core/item.h"

namespace lexwatch::bench {

// The baseline a simple implementation would be: every rule evaluated in
// turn, every term searched for in the item's folded text with a
// word-boundary check. Same semantics as the rule files' plain terms
// (words, phrases, trailing '*'), so results must equal the real matcher's.
// Immutable; Match is safe from any thread.
class NaiveMatcher {
 public:
  explicit NaiveMatcher(const std::vector<GenRule>& rules);

  // The ids of the rules that fire on `item`, in id order.
  std::vector<std::string_view> Match(const Item& item) const;

 private:
  // A term as its folded words joined by single spaces.
  struct Term {
    std::string text;
    bool prefix = false;
  };
  struct Rule {
    std::string id;
    std::vector<Term> any;
    std::vector<Term> all;
    std::vector<Term> none;
  };

  static Term Compile(std::string_view written);
  static std::vector<Term> CompileAll(const std::vector<std::string>& terms);
  static bool Contains(const std::string& text, const Term& term);
  static bool Fires(const Rule& rule, const std::string& title,
                    const std::string& summary);

  std::vector<Rule> rules_;  // Sorted by id.
};

}  // namespace lexwatch::bench

#endif  // LEXWATCH_BENCH_NAIVE_MATCHER_H_
