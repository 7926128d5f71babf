#ifndef LEXWATCH_RULES_RULE_SET_H_
#define LEXWATCH_RULES_RULE_SET_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"

namespace lexwatch::rules {

// A problem found in a rule file, reported as "path:line:col: message"
// (warnings as "path:line:col: warning: message").
struct Diagnostic {
  std::string path;
  int line = 0;    // 1-based; 0 when the problem concerns the whole file.
  int column = 0;  // 1-based.
  std::string message;
  bool warning = false;

  std::string ToString() const;
};

// Where a rule's term was found in an item, for highlighting.
struct Highlight {
  std::string field;  // "title", "summary", "author", "eurovoc" or "annex".
  // Byte range in the field's text as FieldText gives it: begin of the
  // first word, end of the last word matched.
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string term;  // The rule's term as written.

  bool operator==(const Highlight&) const = default;
};

// Why one rule fired on one item.
struct MatchReason {
  std::string rule_id;
  std::string topic;
  std::string description;
  std::vector<std::string> agencies;
  // The rule's terms that were found, as written in the rule file, in rule
  // order, each once.
  std::vector<std::string> terms;
  // Where each term was found, parallel to `terms`: "title", "summary",
  // "author", "eurovoc", "annex", "celex", "type", "source", "eea" or
  // "lang" (the first of these where it was found).
  std::vector<std::string> fields;
  std::string priority;  // "urgent" or "normal".
  // Every place in the item's text fields where a term that made the rule
  // fire was found, sorted by field (in the order above) and begin. Ranges
  // of different terms may overlap ("water" and "drinking water").
  std::vector<Highlight> highlights;

  bool operator==(const MatchReason&) const = default;
};

// A compiled rule set. Immutable once built; Match may be called from any
// thread concurrently.
class Matcher {
 public:
  virtual ~Matcher() = default;
  // The rules that fire on `item`, in rule-id order. Pure: no I/O, no clock.
  virtual std::vector<MatchReason> Match(const Item& item) const = 0;
  // Match into `out`, replacing its contents and reusing its buffers: a
  // caller matching item after item with the same vector allocates only
  // when an explanation is longer than any before it.
  virtual void MatchInto(const Item& item,
                         std::vector<MatchReason>* out) const {
    *out = Match(item);
  }
  virtual std::size_t rule_count() const = 0;
};

// The text of an item field that Highlight offsets refer to: the field
// itself for "title", "summary", "author" and "annex"; for "eurovoc" the
// descriptors joined with "; ". "" for other names.
std::string FieldText(const Item& item, std::string_view field);

// One rule file's text and the path to name in diagnostics.
struct RuleFile {
  std::string path;
  std::string text;
};

struct LoadResult {
  std::shared_ptr<const Matcher> matcher;  // Null when there are errors.
  std::vector<Diagnostic> diagnostics;     // Errors and warnings, in order.
  bool ok() const { return matcher != nullptr; }
};

// Compiles rule files. `known_agencies` are the agency ids from the config;
// a rule naming another is an error. Pure.
LoadResult CompileRules(const std::vector<RuleFile>& files,
                        const std::set<std::string>& known_agencies);

// Reads every "*.toml" in `dir` (sorted by name) and compiles them. A missing
// or unreadable directory or file is a Diagnostic naming it.
LoadResult LoadRuleDirectory(const std::filesystem::path& dir,
                             const std::set<std::string>& known_agencies);

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_RULE_SET_H_
