#include "rules/rule_file_parser.h"

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace lexwatch::rules {
namespace {

std::string JoinSorted(const std::set<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out.append(", ");
    out.append(name);
  }
  return out;
}

// toml++ says "Error while parsing array: ..."; fold that into our wording.
std::string SyntaxErrorMessage(std::string_view description) {
  constexpr std::string_view kTomlPrefix = "Error while ";
  if (description.starts_with(kTomlPrefix)) {
    description.remove_prefix(kTomlPrefix.size());
    return "syntax error while " + std::string(description);
  }
  return "syntax error: " + std::string(description);
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Checks one [[rule]] table. Each field has a handler; problems become
// diagnostics and do not stop the check, so a policy officer sees all of
// them at once.
class RuleChecker {
 public:
  RuleChecker(const std::string& path, const std::set<std::string>& agencies,
              std::vector<Diagnostic>* diagnostics)
      : path_(path), agencies_(agencies), diagnostics_(diagnostics) {}

  // Returns the rule when it has an id (faulty or not).
  std::optional<RuleSpec> Check(const toml::table& table, int index) {
    spec_ = RuleSpec{};
    written_terms_ = 0;
    name_ = "rule #" + std::to_string(index);
    ReadId(table);
    for (auto&& [key, node] : table) CheckField(key, node);
    CheckRequired(table);
    WarnExcludedTerms(spec_.any);
    WarnExcludedTerms(spec_.all);
    if (spec_.id.empty()) return std::nullopt;
    return std::move(spec_);
  }

  void Error(const toml::source_region& where, std::string message) {
    Report(where, std::move(message), false);
  }

 private:
  void Report(const toml::source_region& where, std::string message,
              bool warning) {
    diagnostics_->push_back({path_, static_cast<int>(where.begin.line),
                             static_cast<int>(where.begin.column),
                             std::move(message), warning});
  }

  SourcePos Pos(const toml::node& node) const {
    return {path_, static_cast<int>(node.source().begin.line),
            static_cast<int>(node.source().begin.column)};
  }

  // The id names the rule in every later message, so it is read first.
  void ReadId(const toml::table& table) {
    const toml::node* node = table.get("id");
    if (node == nullptr) return;
    const std::string* id = String(*node, "id");
    if (id == nullptr) return;
    if (id->empty()) {
      Error(node->source(), "empty id in " + name_);
      return;
    }
    spec_.id = *id;
    spec_.id_pos = Pos(*node);
    name_ = "rule " + Quote(*id);
  }

  void CheckField(const toml::key& key, const toml::node& node) {
    using Handler = void (RuleChecker::*)(const toml::node&);
    static const std::map<std::string, Handler, std::less<>> kHandlers = {
        {"id", nullptr},  // Read by ReadId.
        {"topic", &RuleChecker::ReadTopic},
        {"agencies", &RuleChecker::ReadAgencies},
        {"description", &RuleChecker::ReadDescription},
        {"any", &RuleChecker::ReadAny},
        {"all", &RuleChecker::ReadAll},
        {"none", &RuleChecker::ReadNone},
        {"fields", &RuleChecker::ReadFields},
        {"enabled", &RuleChecker::ReadEnabled},
    };
    auto it = kHandlers.find(key.str());
    if (it == kHandlers.end()) {
      Error(key.source(), "unknown field " + Quote(key.str()) + " in " + name_);
    } else if (it->second != nullptr) {
      (this->*(it->second))(node);
    }
  }

  void CheckRequired(const toml::table& table) {
    for (const char* field : {"id", "topic", "agencies"}) {
      if (!table.contains(field)) {
        Error(table.source(), "missing field " + Quote(field) + " in " + name_);
      }
    }
    if (written_terms_ == 0) {
      Error(table.source(), name_ + " has no terms: give 'any' or 'all'");
    }
  }

  const std::string* String(const toml::node& node, std::string_view field) {
    const auto* value = node.as_string();
    if (value == nullptr) {
      Error(node.source(),
            "field " + Quote(field) + " in " + name_ + " must be a string");
      return nullptr;
    }
    return &value->get();
  }

  // Returns the strings of an array field with their nodes; reports any
  // element that is not a string.
  std::vector<std::pair<std::string, const toml::node*>> Strings(
      const toml::node& node, std::string_view field) {
    std::vector<std::pair<std::string, const toml::node*>> out;
    const std::string type_error = "field " + Quote(field) + " in " + name_ +
                                   " must be an array of strings";
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      Error(node.source(), type_error);
      return out;
    }
    for (const toml::node& element : *array) {
      if (const auto* value = element.as_string()) {
        out.emplace_back(value->get(), &element);
      } else {
        Error(element.source(), type_error);
      }
    }
    return out;
  }

  void ReadTopic(const toml::node& node) {
    const std::string* topic = String(node, "topic");
    if (topic == nullptr) return;
    if (KnownTopics().count(*topic) == 0) {
      Error(node.source(), "unknown topic " + Quote(*topic) +
                               " (known: " + JoinSorted(KnownTopics()) + ")");
      return;
    }
    spec_.topic = *topic;
  }

  void ReadDescription(const toml::node& node) {
    if (const std::string* text = String(node, "description")) {
      spec_.description = *text;
    }
  }

  void ReadAgencies(const toml::node& node) {
    auto values = Strings(node, "agencies");
    if (node.is_array() && node.as_array()->empty()) {
      Error(node.source(), "field 'agencies' in " + name_ + " is empty");
    }
    for (auto& [agency, element] : values) {
      if (agencies_.count(agency) == 0) {
        Error(element->source(), "unknown agency " + Quote(agency) +
                                     " (known: " + JoinSorted(agencies_) + ")");
      } else if (std::find(spec_.agencies.begin(), spec_.agencies.end(),
                           agency) == spec_.agencies.end()) {
        spec_.agencies.push_back(agency);
      }
    }
  }

  void ReadAny(const toml::node& node) { ReadTerms(node, "any", &spec_.any); }
  void ReadAll(const toml::node& node) { ReadTerms(node, "all", &spec_.all); }
  void ReadNone(const toml::node& node) {
    ReadTerms(node, "none", &spec_.none);
  }

  void ReadTerms(const toml::node& node, std::string_view field,
                 std::vector<Term>* terms) {
    if (field != "none") {
      written_terms_ += node.is_array() ? node.as_array()->size() : 1;
    }
    for (auto& [text, element] : Strings(node, field)) {
      Term term = MakeTerm(text);
      term.pos = Pos(*element);
      std::size_t star = text.find('*');
      if (term.tokens.empty()) {
        Error(element->source(),
              "empty term in " + Quote(field) + " of " + name_);
      } else if (star != std::string::npos &&
                 star != text.find_last_not_of(" \t")) {
        Error(element->source(), "term " + Quote(text) + " in " + name_ +
                                     ": '*' may only end a term");
      } else {
        terms->push_back(std::move(term));
      }
    }
  }

  void ReadFields(const toml::node& node) {
    static const std::map<std::string, std::uint8_t, std::less<>> kFields = {
        {"summary", kSummaryField}, {"title", kTitleField}};
    auto values = Strings(node, "fields");
    if (node.is_array() && node.as_array()->empty()) {
      Error(node.source(), "field 'fields' in " + name_ + " is empty");
      return;
    }
    std::uint8_t mask = 0;
    for (auto& [name, element] : values) {
      auto it = kFields.find(name);
      if (it == kFields.end()) {
        Error(element->source(), "unknown item field " + Quote(name) + " in " +
                                     name_ + " (known: summary, title)");
      } else {
        mask |= it->second;
      }
    }
    if (mask != 0) spec_.fields = mask;
  }

  void ReadEnabled(const toml::node& node) {
    if (const auto* value = node.as_boolean()) {
      spec_.enabled = value->get();
    } else {
      Error(node.source(),
            "field 'enabled' in " + name_ + " must be true or false");
    }
  }

  // A term that is also excluded is almost always a slip when editing; it is
  // not fatal because the rule still does what it says.
  void WarnExcludedTerms(const std::vector<Term>& terms) {
    for (const Term& term : terms) {
      for (const Term& excluded : spec_.none) {
        if (term.Key() != excluded.Key()) continue;
        diagnostics_->push_back({path_, term.pos.line, term.pos.column,
                                 name_ + " can never match on " +
                                     Quote(term.written) +
                                     ": the term is also excluded",
                                 true});
        break;
      }
    }
  }

  const std::string& path_;
  const std::set<std::string>& agencies_;
  std::vector<Diagnostic>* diagnostics_;
  RuleSpec spec_;
  std::string name_;
  std::size_t written_terms_ = 0;  // In 'any' and 'all', valid or not.
};

}  // namespace

const std::set<std::string>& KnownTopics() {
  static const std::set<std::string> kTopics = {"planning",  "procurement",
                                                "state-aid", "water",
                                                "transport", "sustainability"};
  return kTopics;
}

std::vector<RuleSpec> ParseRuleFile(const RuleFile& file,
                                    const std::set<std::string>& agencies,
                                    std::vector<Diagnostic>* diagnostics) {
  std::vector<RuleSpec> rules;
  toml::table root;
  try {
    root = toml::parse(file.text, file.path);
  } catch (const toml::parse_error& e) {
    diagnostics->push_back({file.path, static_cast<int>(e.source().begin.line),
                            static_cast<int>(e.source().begin.column),
                            SyntaxErrorMessage(e.description())});
    return rules;
  }
  std::vector<Diagnostic> found;
  if (root.empty()) {
    found.push_back({file.path, 0, 0, "file defines no rules", true});
  }
  RuleChecker checker(file.path, agencies, &found);
  for (auto&& [key, node] : root) {
    if (key.str() != "rule") {
      checker.Error(key.source(), "unknown top-level key " + Quote(key.str()) +
                                      " (rules are [[rule]] tables)");
      continue;
    }
    const toml::array* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      checker.Error(node.source(), "'rule' must be written as [[rule]] tables");
      continue;
    }
    int index = 0;
    for (const toml::node& element : *array) {
      auto spec = checker.Check(*element.as_table(), ++index);
      if (spec) rules.push_back(std::move(*spec));
    }
  }
  // toml++ iterates keys alphabetically; report in the order of the file.
  std::stable_sort(
      found.begin(), found.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
      });
  diagnostics->insert(diagnostics->end(), found.begin(), found.end());
  return rules;
}

}  // namespace lexwatch::rules
