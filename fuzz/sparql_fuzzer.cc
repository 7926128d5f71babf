// CELLAR SPARQL results bytes -> items: never crashes, and every item keeps
// the promises of core/item.h.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "feed/sparql_results.h"
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace lexwatch;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Result<std::vector<Item>> items = feed::ParseSparqlResults(bytes, "cellar");
  if (!items.ok()) {
    fuzz::Require(items.status().ok() ? "failure without a message" : "",
                  "sparql status");
    return 0;
  }
  for (const Item& item : *items) {
    fuzz::Require(fuzz::CheckItem(item), "sparql item");
  }
  return 0;
}
