#include "rules/rule_spec.h"

#include "core/fold.h"
#include "rules/stemmer.h"

namespace lexwatch::rules {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

void MarkPositive(const QueryNode& node, bool positive,
                  std::vector<bool>* out) {
  if (node.op == QueryNode::Op::kLeaf) {
    (*out)[node.leaf] = positive;
    return;
  }
  const bool child_positive =
      node.op == QueryNode::Op::kNot ? !positive : positive;
  for (const QueryNode& child : node.children) {
    MarkPositive(child, child_positive, out);
  }
}

}  // namespace

const char* FieldName(std::uint16_t bit) {
  static constexpr const char* kNames[kFieldCount] = {
      "title", "summary", "author", "eurovoc", "annex",
      "celex", "type",    "source", "eea",     "lang"};
  for (int i = 0; i < kFieldCount; ++i) {
    if (bit == (1u << i)) return kNames[i];
  }
  return "";
}

// Stemmed words are keyed by their stems: "regulation" and "regulations"
// match the same words.
std::string Term::Key() const {
  std::string key = exact ? "=" : "~";
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) key.push_back(' ');
    if (exact || (prefix && i + 1 == tokens.size())) {
      key.append(tokens[i]);
    } else {
      key.append(stems_en[i] + "|" + stems_nb[i]);
    }
  }
  if (prefix) key.push_back('*');
  return key;
}

Term MakeWordsTerm(std::string_view text, bool exact) {
  Term term;
  term.written = std::string(text);
  term.exact = exact;
  text = TrimSpaces(text);
  if (!text.empty() && text.back() == '*') {
    term.prefix = true;
    text.remove_suffix(1);
  }
  std::vector<Token> tokens = Tokenize(text);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!exact) {
      const bool keep = term.prefix && i + 1 == tokens.size();
      const std::string_view word =
          text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
      term.stems_en.push_back(keep ? tokens[i].text
                                   : StemForMatch(word, kEnglish));
      term.stems_nb.push_back(keep ? tokens[i].text
                                   : StemForMatch(word, kNorwegian));
    }
    term.tokens.push_back(std::move(tokens[i].text));
  }
  return term;
}

Term MakeTerm(std::string_view written) {
  std::string_view text = TrimSpaces(written);
  bool exact = false;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    exact = true;
    text = text.substr(1, text.size() - 2);
  }
  Term term = MakeWordsTerm(text, exact);
  term.written = std::string(written);
  return term;
}

Term MakeValueTerm(std::string_view value) {
  Term term;
  term.written = std::string(value);
  term.exact = true;
  value = TrimSpaces(value);
  if (!value.empty() && value.back() == '*') {
    term.prefix = true;
    value.remove_suffix(1);
  }
  if (!value.empty()) term.tokens.push_back(FoldForMatch(value));
  return term;
}

// Appends in place: `std::to_string(n) + "/"` trips GCC 12's -Wrestrict
// false positive (GCC bug 105329) in optimised builds.
std::string Leaf::Key() const {
  std::string key = std::to_string(fields);
  key += '/';
  key += std::to_string(distance);
  for (const Term& term : terms) {
    key += '/';
    key += term.Key();
  }
  return key;
}

std::vector<bool> PositiveLeaves(const Query& query) {
  std::vector<bool> positive(query.leaves.size(), false);
  if (!query.leaves.empty()) MarkPositive(query.root, true, &positive);
  return positive;
}

}  // namespace lexwatch::rules
