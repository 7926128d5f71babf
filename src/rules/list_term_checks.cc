#include "rules/list_term_checks.h"

#include <algorithm>
#include <vector>

#include "core/fold.h"
#include "rules/rule_spec.h"

namespace lexwatch::rules {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool IsOperator(std::string_view word) {
  if (word == "AND" || word == "OR" || word == "NOT" || word == "NEAR") {
    return true;
  }
  constexpr std::string_view kNear = "NEAR/";
  return word.size() > kNear.size() && word.starts_with(kNear) &&
         std::all_of(word.begin() + kNear.size(), word.end(), IsDigit);
}

// "title:" when `word` starts with a field scope; empty otherwise.
std::string ScopeAtStart(std::string_view word) {
  for (int i = 0; i < kFieldCount; ++i) {
    const std::string scope =
        std::string(FieldName(static_cast<std::uint16_t>(1u << i))) + ":";
    if (word.starts_with(scope)) return scope;
  }
  return "";
}

}  // namespace

std::optional<std::string> TermStarProblem(std::string_view text) {
  const std::vector<Token> tokens = Tokenize(text);
  if (tokens.empty()) return std::nullopt;
  const std::size_t last_end = tokens.back().end;
  if (text.substr(0, last_end).find('*') != std::string_view::npos) {
    return "'*' may only end a term";
  }
  const std::string_view tail = text.substr(last_end);
  if (tail.find('*') == std::string_view::npos) return std::nullopt;
  const bool closes_term =
      std::all_of(tail.begin() + 1, tail.end(),
                  [](char c) { return IsBlank(c) || c == '"'; });
  if (tail.front() == '*' && closes_term) return std::nullopt;
  // Keep a closing quote: '"water" *' becomes '"water*"'.
  std::string fixed(text.substr(0, last_end));
  fixed.push_back('*');
  for (char c : tail) {
    if (c == '"') fixed.push_back(c);
  }
  return "'*' must directly follow the last word: write '" +
         std::string(Trim(fixed)) + "'";
}

std::optional<ListQuerySyntax> FindListQuerySyntax(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && IsBlank(text[pos])) ++pos;
    std::size_t end = pos;
    while (end < text.size() && !IsBlank(text[end])) ++end;
    std::size_t begin = pos;
    while (begin < end && (text[begin] == '(' || text[begin] == '"')) ++begin;
    std::string_view word = text.substr(begin, end - begin);
    const std::string scope = ScopeAtStart(word);
    if (!scope.empty()) return ListQuerySyntax{begin, scope, true};
    while (!word.empty() && (word.back() == ')' || word.back() == '"')) {
      word.remove_suffix(1);
    }
    if (IsOperator(word))
      return ListQuerySyntax{begin, std::string(word), false};
    pos = end;
  }
  return std::nullopt;
}

}  // namespace lexwatch::rules
