#include "bench/naive_matcher.h"

#include <algorithm>

#include "core/fold.h"

namespace lexwatch::bench {
namespace {

// The item's text as folded words joined by single spaces, so that
// punctuation and hyphens separate words exactly as the tokenizer says
// ("anti-dumping" becomes "anti dumping").
std::string FoldedWords(std::string_view utf8) {
  std::string out;
  for (const Token& token : Tokenize(utf8)) {
    if (!out.empty()) out.push_back(' ');
    out.append(token.text);
  }
  return out;
}

}  // namespace

NaiveMatcher::NaiveMatcher(const std::vector<GenRule>& rules) {
  for (const GenRule& rule : rules) {
    rules_.push_back({rule.id, CompileAll(rule.any), CompileAll(rule.all),
                      CompileAll(rule.none)});
  }
  std::sort(rules_.begin(), rules_.end(),
            [](const Rule& a, const Rule& b) { return a.id < b.id; });
}

NaiveMatcher::Term NaiveMatcher::Compile(std::string_view written) {
  while (!written.empty() && written.back() == ' ') written.remove_suffix(1);
  Term term;
  if (written.ends_with('*')) {
    term.prefix = true;
    written.remove_suffix(1);
  }
  term.text = FoldedWords(written);
  return term;
}

std::vector<NaiveMatcher::Term> NaiveMatcher::CompileAll(
    const std::vector<std::string>& terms) {
  std::vector<Term> out;
  for (const std::string& term : terms) out.push_back(Compile(term));
  return out;
}

// Every occurrence is tried: "water" may first appear inside "wastewater"
// and then on its own.
bool NaiveMatcher::Contains(const std::string& text, const Term& term) {
  const std::size_t n = term.text.size();
  for (std::size_t pos = text.find(term.text); pos != std::string::npos;
       pos = text.find(term.text, pos + 1)) {
    bool starts_word = pos == 0 || text[pos - 1] == ' ';
    bool ends_word =
        term.prefix || pos + n == text.size() || text[pos + n] == ' ';
    if (starts_word && ends_word) return true;
  }
  return false;
}

bool NaiveMatcher::Fires(const Rule& rule, const std::string& title,
                         const std::string& summary) {
  auto found = [&](const Term& term) {
    return Contains(title, term) || Contains(summary, term);
  };
  if (!rule.any.empty() &&
      std::none_of(rule.any.begin(), rule.any.end(), found)) {
    return false;
  }
  return std::all_of(rule.all.begin(), rule.all.end(), found) &&
         std::none_of(rule.none.begin(), rule.none.end(), found);
}

std::vector<std::string_view> NaiveMatcher::Match(const Item& item) const {
  const std::string title = FoldedWords(item.title);
  const std::string summary = FoldedWords(item.summary);
  std::vector<std::string_view> fired;
  for (const Rule& rule : rules_) {
    if (Fires(rule, title, summary)) fired.push_back(rule.id);
  }
  return fired;
}

}  // namespace lexwatch::bench
