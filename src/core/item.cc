#include "core/item.h"

namespace lexwatch {

std::string Item::Key() const {
  if (!celex.empty()) return "celex:" + celex;
  const std::string& local =
      !guid.empty() ? guid : (!link.empty() ? link : title);
  return "guid:" + source + ":" + local;
}

}  // namespace lexwatch
