#include "rules/rule_file_parser.h"

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "rules/list_term_checks.h"
#include "rules/query_checks.h"
#include "rules/query_parser.h"
#include "rules/string_positions.h"

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

// Text pasted from a word processor carries “curly” quotes, which toml++
// only reports as a value of unknown type.
std::string TypographicQuoteHint(std::string_view text, int line) {
  for (int i = 1; i < line; ++i) {
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos) return "";
    text.remove_prefix(newline + 1);
  }
  text = text.substr(0, text.find('\n'));
  for (std::string_view quote : {"“", "”", "‘", "’"}) {
    if (text.find(quote) != std::string_view::npos) {
      return " (typographic quotes “ ” ‘ ’ are not TOML quotes: use straight "
             "\" or ')";
    }
  }
  return "";
}

// Checks one [[rule]] table. Each field has a handler; problems become
// diagnostics and do not stop the check, so a policy officer sees all of
// them at once.
class RuleChecker {
 public:
  RuleChecker(const RuleFile& file, const std::set<std::string>& agencies,
              std::vector<Diagnostic>* diagnostics)
      : path_(file.path),
        text_(file.text),
        agencies_(agencies),
        diagnostics_(diagnostics) {}

  // Returns the rule when it has an id (faulty or not).
  std::optional<RuleSpec> Check(const toml::table& table, int index) {
    spec_ = RuleSpec{};
    lists_ = Lists{};
    query_node_ = nullptr;
    fields_node_ = nullptr;
    query_ok_ = false;
    name_ = "rule #" + std::to_string(index);
    ReadId(table);
    for (auto&& [key, node] : table) CheckField(key, node);
    CheckRequired(table);
    BuildQuery(table);
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
        {"priority", &RuleChecker::ReadPriority},
        {"query", &RuleChecker::ReadQuery},
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
    if (lists_.written_terms == 0 && query_node_ == nullptr) {
      ReportNoTerms(table);
    }
  }

  // Points at the empty list, where the terms were meant to go.
  void ReportNoTerms(const toml::table& table) {
    std::vector<const toml::key*> empty;
    for (auto&& [key, node] : table) {
      if (key.str() == "any" || key.str() == "all") empty.push_back(&key);
    }
    if (empty.empty()) {
      Error(table.source(), name_ + " has no terms: give 'any' or 'all'");
      return;
    }
    // toml++ iterates keys alphabetically; name them in the order written.
    std::sort(
        empty.begin(), empty.end(), [](const toml::key* a, const toml::key* b) {
          return std::pair(a->source().begin.line, a->source().begin.column) <
                 std::pair(b->source().begin.line, b->source().begin.column);
        });
    std::string lists = Quote(empty[0]->str());
    if (empty.size() > 1) lists += " and " + Quote(empty[1]->str());
    Error(empty[0]->source(), name_ + " has no terms: " + lists +
                                  (empty.size() > 1 ? " are" : " is") +
                                  " empty");
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

  void ReadAny(const toml::node& node) { ReadTerms(node, "any", &lists_.any); }
  void ReadAll(const toml::node& node) { ReadTerms(node, "all", &lists_.all); }
  void ReadNone(const toml::node& node) {
    ReadTerms(node, "none", &lists_.none);
  }

  void ReadTerms(const toml::node& node, std::string_view field,
                 std::vector<Term>* terms) {
    if (field != "none") {
      lists_.written_terms += node.is_array() ? node.as_array()->size() : 1;
    }
    lists_.given.push_back(std::string(field));
    if (lists_.first == nullptr) lists_.first = &node;
    for (auto& [text, element] : Strings(node, field)) {
      Term term = MakeTerm(text);
      term.pos = Pos(*element);
      WarnQuerySyntax(text, *element, field);
      if (term.tokens.empty()) {
        Error(element->source(),
              "empty term in " + Quote(field) + " of " + name_);
      } else if (auto problem = TermStarProblem(text)) {
        Error(element->source(),
              "term " + Quote(text) + " in " + name_ + ": " + *problem);
      } else {
        terms->push_back(std::move(term));
      }
    }
  }

  // A list term is read as plain words, so "water OR sewage" looks for the
  // word "or" and "title:sewage" for "title sewage": the rule silently never
  // fires. Not an error, since such a phrase could be meant literally.
  void WarnQuerySyntax(const std::string& text, const toml::node& element,
                       std::string_view field) {
    const std::optional<ListQuerySyntax> syntax = FindListQuerySyntax(text);
    if (!syntax) return;
    const toml::source_position begin = element.source().begin;
    const LineColumn at = StringValuePositions(
        text_, static_cast<int>(begin.line), static_cast<int>(begin.column),
        text)[syntax->offset];
    diagnostics_->push_back(
        {path_, at.first, at.second,
         "term " + Quote(text) + " in " + Quote(field) + " of " + name_ +
             " uses the query " +
             (syntax->scope ? "field scope " : "operator ") +
             Quote(syntax->text) +
             ": lists take plain words and phrases; operators and field "
             "scopes belong in query = '...'",
         true});
  }

  void ReadFields(const toml::node& node) {
    static const std::map<std::string, std::uint16_t, std::less<>> kFields = {
        {"summary", kSummaryField}, {"title", kTitleField}};
    auto values = Strings(node, "fields");
    if (node.is_array() && node.as_array()->empty()) {
      Error(node.source(), "field 'fields' in " + name_ + " is empty");
      return;
    }
    std::uint16_t mask = 0;
    for (auto& [name, element] : values) {
      auto it = kFields.find(name);
      if (it == kFields.end()) {
        Error(element->source(), "unknown item field " + Quote(name) + " in " +
                                     name_ + " (known: summary, title)");
      } else {
        mask |= it->second;
      }
    }
    if (mask != 0) lists_.fields = mask;
    fields_node_ = &node;
  }

  void ReadPriority(const toml::node& node) {
    const std::string* priority = String(node, "priority");
    if (priority == nullptr) return;
    if (*priority != "urgent" && *priority != "normal") {
      Error(node.source(), "unknown priority " + Quote(*priority) + " in " +
                               name_ + " (known: normal, urgent)");
      return;
    }
    spec_.priority = *priority;
  }

  void ReadQuery(const toml::node& node) {
    query_node_ = &node;
    const std::string* text = String(node, "query");
    if (text == nullptr) return;
    const toml::source_position begin = node.source().begin;
    std::vector<LineColumn> where =
        StringValuePositions(text_, static_cast<int>(begin.line),
                             static_cast<int>(begin.column), *text);
    const QueryPositions positions = [&](std::size_t offset) {
      const LineColumn at = where[std::min(offset, where.size() - 1)];
      return SourcePos{path_, at.first, at.second};
    };
    std::optional<QueryError> error =
        ParseQuery(*text, positions, &spec_.query);
    if (error) {
      const SourcePos at = positions(error->offset);
      diagnostics_->push_back({path_, at.line, at.column, error->message});
      return;
    }
    query_ok_ = true;
  }

  // Turns the lists into the query tree, or checks that a query string
  // stands alone; then looks for rules that cannot or will always match.
  void BuildQuery(const toml::table& table) {
    if (query_node_ != nullptr && lists_.first != nullptr) {
      std::string lists;
      for (const std::string& list : lists_.given) {
        lists += (lists.empty() ? "" : ", ") + Quote(list);
      }
      Error(query_node_->source(), name_ + " gives both 'query' and " + lists +
                                       ": write the query one way only");
      return;
    }
    if (query_node_ != nullptr && fields_node_ != nullptr) {
      Error(fields_node_->source(),
            "field 'fields' in " + name_ +
                " applies to 'any', 'all' and 'none' lists; in a query "
                "write title: or summary:");
    }
    if (query_node_ == nullptr) {
      spec_.query =
          ListsToQuery(lists_.any, lists_.all, lists_.none, lists_.fields);
      WarnExcludedAlternatives(lists_.any, lists_.none);
    } else if (!query_ok_) {
      return;
    }
    (void)table;
    for (Diagnostic& warning : QueryWarnings(spec_.query, name_)) {
      warning.path = path_;
      diagnostics_->push_back(std::move(warning));
    }
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
  // not fatal because the rule still does what it says. A required term
  // (in 'all', or alone in 'any') is reported by QueryWarnings.
  void WarnExcludedAlternatives(const std::vector<Term>& any,
                                const std::vector<Term>& none) {
    if (any.size() < 2) return;
    for (const Term& term : any) {
      for (const Term& excluded : none) {
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

  // The any/all/none lists of a rule as read.
  struct Lists {
    std::vector<Term> any;
    std::vector<Term> all;
    std::vector<Term> none;
    std::uint16_t fields = kDefaultFields;
    std::size_t written_terms = 0;   // In 'any' and 'all', valid or not.
    std::vector<std::string> given;  // Names of the list fields present.
    const toml::node* first = nullptr;
  };

  const std::string& path_;
  const std::string& text_;
  const std::set<std::string>& agencies_;
  std::vector<Diagnostic>* diagnostics_;
  RuleSpec spec_;
  Lists lists_;
  const toml::node* query_node_ = nullptr;
  const toml::node* fields_node_ = nullptr;
  bool query_ok_ = false;
  std::string name_;
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
    const int line = static_cast<int>(e.source().begin.line);
    diagnostics->push_back({file.path, line,
                            static_cast<int>(e.source().begin.column),
                            SyntaxErrorMessage(e.description()) +
                                TypographicQuoteHint(file.text, line)});
    return rules;
  }
  std::vector<Diagnostic> found;
  if (root.empty()) {
    found.push_back({file.path, 0, 0, "file defines no rules", true});
  }
  RuleChecker checker(file, agencies, &found);
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
