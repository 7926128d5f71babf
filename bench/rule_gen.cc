#include "bench/rule_gen.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

#include "bench/title_corpus.h"
#include "core/fold.h"

namespace lexwatch::bench {
namespace {

bool IsJoinWord(std::string_view word) {
  static constexpr std::array<std::string_view, 14> kJoinWords = {
      "a",  "and", "as", "by", "for", "from", "in",
      "of", "og",  "om", "on", "the", "to",   "with"};
  std::string folded = FoldForMatch(word);
  return std::find(kJoinWords.begin(), kJoinWords.end(), folded) !=
         kJoinWords.end();
}

std::vector<std::string> SplitWords(const std::string& phrase) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= phrase.size()) {
    std::size_t end = std::min(phrase.find(' ', start), phrase.size());
    std::string word = phrase.substr(start, end - start);
    std::erase_if(word, [](char c) {
      return std::string_view("()[],;:").find(c) != std::string_view::npos;
    });
    if (!word.empty()) words.push_back(std::move(word));
    start = end + 1;
  }
  return words;
}

// Two or three consecutive words of a filler, not starting or ending on a
// function word, as rule writers quote them: "urban wastewater treatment".
std::string PhraseTerm(Rng& rng) {
  const Vocabulary& v = BenchVocabulary();
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::vector<std::string> words = SplitWords(rng.Pick(v.phrases));
    std::size_t len = 2 + rng.Below(2);
    if (words.size() < len) continue;
    std::size_t start = rng.Below(words.size() - len + 1);
    if (IsJoinWord(words[start]) || IsJoinWord(words[start + len - 1])) {
      continue;
    }
    std::string term = words[start];
    for (std::size_t k = 1; k < len; ++k) term += " " + words[start + k];
    return term;
  }
  return rng.Pick(v.words);
}

// A word cut short with '*' ("vannforsyn*"); the cut never splits a
// UTF-8 character.
std::string PrefixTerm(Rng& rng) {
  const Vocabulary& v = BenchVocabulary();
  std::string word = rng.Pick(v.words);
  while (word.size() < 7) word = rng.Pick(v.words);
  std::size_t cut = word.size() - 1 - rng.Below(3);
  while (cut > 0 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return word.substr(0, cut) + "*";
}

// Rule writers start terms with a capital as often as not.
std::string Capitalized(std::string term, Rng& rng) {
  if (rng.Chance(0.3) && term[0] >= 'a' && term[0] <= 'z') {
    term[0] = static_cast<char>(term[0] - 'a' + 'A');
  }
  return term;
}

// Terms found in more of the calibration titles than this are formulae
// that no rule writer would use (see TitleShare).
constexpr double kMaxTermShare = 0.002;

std::string DrawTerm(Rng& rng) {
  const Vocabulary& v = BenchVocabulary();
  double roll = rng.Unit();
  if (roll < 0.35) return Capitalized(rng.Pick(v.words), rng);
  if (roll < 0.65) return Capitalized(PhraseTerm(rng), rng);
  if (roll < 0.75) return PrefixTerm(rng);
  // Words that rarely stand together: a term that almost never matches.
  return rng.Pick(v.words) + " " + rng.Pick(v.words);
}

std::string AnyTerm(Rng& rng) {
  std::string term = DrawTerm(rng);
  while (TitleShare(term) > kMaxTermShare) term = DrawTerm(rng);
  return term;
}

std::string Key(const std::string& term) {
  std::string key;
  for (const Token& token : Tokenize(term)) key += token.text + " ";
  return key + (term.ends_with('*') ? "*" : "");
}

// Excluded terms never repeat a wanted one: `lexwatch check` would warn.
void AddNone(const GenRule& rule, std::string term,
             std::vector<std::string>* none) {
  for (const std::string& wanted : rule.any) {
    if (Key(wanted) == Key(term)) return;
  }
  for (const std::string& wanted : rule.all) {
    if (Key(wanted) == Key(term)) return;
  }
  none->push_back(std::move(term));
}

GenRule MakeRule(std::size_t index, Rng& rng) {
  static const std::array<const char*, 6> kTopics = {
      "planning", "procurement", "state-aid",
      "water",    "transport",   "sustainability"};
  const std::vector<std::string>& agencies = BenchAgencies();
  const Vocabulary& v = BenchVocabulary();
  GenRule rule;
  char id[32];
  std::snprintf(id, sizeof(id), "bench-%05zu", index);
  rule.id = id;
  rule.topic = kTopics[rng.Below(kTopics.size())];
  rule.agencies.push_back(rng.Pick(agencies));
  if (rng.Chance(0.3)) {
    const std::string& second = rng.Pick(agencies);
    if (second != rule.agencies[0]) rule.agencies.push_back(second);
  }
  for (std::size_t n = 1 + rng.Below(5); n > 0; --n) {
    rule.any.push_back(AnyTerm(rng));
  }
  if (rng.Chance(0.1)) {
    std::string term = PhraseTerm(rng);
    while (TitleShare(term) > kMaxTermShare) term = PhraseTerm(rng);
    rule.all.push_back(std::move(term));
  }
  if (rng.Chance(0.3)) {
    for (std::size_t n = 1 + rng.Below(2); n > 0; --n) {
      AddNone(rule,
              rng.Chance(0.7) ? rng.Pick(v.exclusions) : rng.Pick(v.words),
              &rule.none);
    }
  }
  rule.description = "Benchmark rule on " + rule.any[0];
  return rule;
}

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendArray(std::string_view key, const std::vector<std::string>& values,
                 TermStyle style, std::string* out) {
  if (values.empty()) return;
  out->append(key);
  out->append(" = [");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->append(", ");
    AppendString(style == TermStyle::kExact ? '"' + values[i] + '"' : values[i],
                 out);
  }
  out->append("]\n");
}

}  // namespace

const std::vector<std::string>& BenchAgencies() {
  static const std::vector<std::string> kAgencies = {"bym", "kli", "pbe", "uke",
                                                     "vav"};
  return kAgencies;
}

std::vector<GenRule> MakeRules(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<GenRule> rules;
  rules.reserve(n);
  for (std::size_t i = 0; i < n; ++i) rules.push_back(MakeRule(i, rng));
  return rules;
}

std::string ToToml(const std::vector<GenRule>& rules, TermStyle style) {
  std::string out = "# Generated by bench/rule_gen.cc; do not edit.\n";
  for (const GenRule& rule : rules) {
    out.append("\n[[rule]]\nid = ");
    AppendString(rule.id, &out);
    out.append("\ntopic = ");
    AppendString(rule.topic, &out);
    out.append("\ndescription = ");
    AppendString(rule.description, &out);
    out.push_back('\n');
    AppendArray("agencies", rule.agencies, TermStyle::kAsWritten, &out);
    AppendArray("any", rule.any, style, &out);
    AppendArray("all", rule.all, style, &out);
    AppendArray("none", rule.none, style, &out);
  }
  return out;
}

}  // namespace lexwatch::bench
