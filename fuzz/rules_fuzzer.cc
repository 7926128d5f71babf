// Rule file bytes -> CompileRules: never crashes; a refused file names at
// least one error, with a position inside the file; an accepted one gives a
// matcher that can match an item.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_checks.h"
#include "rules/rule_set.h"

namespace lexwatch::fuzz {
namespace {

std::string CheckDiagnostic(const rules::Diagnostic& d, int lines) {
  if (d.message.empty()) return "diagnostic without a message";
  if (d.path != "fuzz.toml") return "diagnostic names " + d.path;
  if (d.line < 0 || d.line > lines + 1 || d.column < 0) {
    return "diagnostic outside the file: " + d.ToString();
  }
  return "";
}

Item SampleItem() {
  Item item;
  item.source = "eurlex-oj-l";
  item.title =
      "Directive (EU) 2020/2184 on the quality of water intended for human "
      "consumption (Text with EEA relevance)";
  item.summary = "Drinking water, public procurement and planning";
  item.celex = "32020L2184";
  item.doc_type = "directive";
  item.language = "en";
  item.eea_relevant = true;
  item.eurovoc = {"drinking water", "water quality"};
  return item;
}

}  // namespace
}  // namespace lexwatch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace lexwatch;
  std::string text(reinterpret_cast<const char*>(data), size);
  int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  rules::LoadResult result = rules::CompileRules(
      {{"fuzz.toml", std::move(text)}}, {"bym", "kli", "pbe", "uke", "vav"});
  bool has_error = false;
  for (const rules::Diagnostic& d : result.diagnostics) {
    fuzz::Require(fuzz::CheckDiagnostic(d, lines), "rules diagnostic");
    has_error = has_error || !d.warning;
  }
  if (!result.ok()) {
    fuzz::Require(has_error ? "" : "refused without an error", "rules");
    return 0;
  }
  fuzz::Require(has_error ? "accepted despite an error" : "", "rules");
  for (const rules::MatchReason& reason :
       result.matcher->Match(fuzz::SampleItem())) {
    fuzz::Require(reason.rule_id.empty() ? "reason without a rule id" : "",
                  "rules match");
  }
  return 0;
}
