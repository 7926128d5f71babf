#include "rules/rule_set.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <system_error>
#include <utility>

#include "core/result.h"
#include "rules/index_matcher.h"
#include "rules/rule_file_parser.h"

namespace lexwatch::rules {
namespace {

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return !d.warning; });
}

std::string Where(const SourcePos& pos) {
  return pos.path + ":" + std::to_string(pos.line) + ":" +
         std::to_string(pos.column);
}

// Ids name rules in mails and in the database, so they must be unique across
// all files, including disabled rules that may be switched on later.
void CheckDuplicateIds(const std::vector<RuleSpec>& rules,
                       std::map<std::string, SourcePos>* first_seen,
                       std::vector<Diagnostic>* diagnostics) {
  for (const RuleSpec& rule : rules) {
    auto [it, inserted] = first_seen->try_emplace(rule.id, rule.id_pos);
    if (inserted) continue;
    diagnostics->push_back(
        {rule.id_pos.path, rule.id_pos.line, rule.id_pos.column,
         "duplicate rule id '" + rule.id + "' (first defined at " +
             Where(it->second) + ")"});
  }
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read file", std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return Status::IoError("cannot read file", std::strerror(errno));
  return text.str();
}

}  // namespace

std::string Diagnostic::ToString() const {
  std::string out = path;
  if (line > 0) {
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false
    // positive) on ":" + std::to_string(...).
    out += ':';
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
  }
  out += warning ? ": warning: " : ": ";
  out += message;
  return out;
}

LoadResult CompileRules(const std::vector<RuleFile>& files,
                        const std::set<std::string>& known_agencies) {
  LoadResult result;
  std::vector<RuleSpec> all_rules;
  std::map<std::string, SourcePos> first_seen;
  for (const RuleFile& file : files) {
    std::vector<RuleSpec> rules =
        ParseRuleFile(file, known_agencies, &result.diagnostics);
    CheckDuplicateIds(rules, &first_seen, &result.diagnostics);
    std::move(rules.begin(), rules.end(), std::back_inserter(all_rules));
  }
  if (!HasErrors(result.diagnostics)) {
    result.matcher = std::make_shared<IndexMatcher>(std::move(all_rules));
  }
  return result;
}

LoadResult LoadRuleDirectory(const std::filesystem::path& dir,
                             const std::set<std::string>& known_agencies) {
  namespace fs = std::filesystem;
  LoadResult failed;
  std::error_code ec;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".toml" && it->is_regular_file(type_ec)) {
      paths.push_back(dir / it->path().filename());
    }
  }
  if (ec) {
    failed.diagnostics.push_back(
        {dir.string(), 0, 0, "cannot read rule directory: " + ec.message()});
    return failed;
  }
  if (paths.empty()) {
    failed.diagnostics.push_back(
        {dir.string(), 0, 0, "no rule files (*.toml) in directory"});
    return failed;
  }
  std::sort(paths.begin(), paths.end());
  std::vector<RuleFile> files;
  for (const fs::path& path : paths) {
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) {
      failed.diagnostics.push_back(
          {path.string(), 0, 0, text.status().message()});
    } else {
      files.push_back({path.string(), std::move(text).value()});
    }
  }
  if (!failed.diagnostics.empty()) return failed;
  return CompileRules(files, known_agencies);
}

}  // namespace lexwatch::rules
