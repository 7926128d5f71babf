#include "rules/rule_spec.h"

#include "core/fold.h"

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

}  // namespace

std::string Term::Key() const {
  std::string key;
  for (const std::string& token : tokens) {
    if (!key.empty()) key.push_back(' ');
    key.append(token);
  }
  if (prefix) key.push_back('*');
  return key;
}

Term MakeTerm(std::string_view written) {
  Term term;
  term.written = std::string(written);
  std::string_view text = TrimSpaces(written);
  if (!text.empty() && text.back() == '*') {
    term.prefix = true;
    text.remove_suffix(1);
  }
  for (Token& token : Tokenize(text))
    term.tokens.push_back(std::move(token.text));
  return term;
}

}  // namespace lexwatch::rules
