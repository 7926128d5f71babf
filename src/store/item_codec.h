#ifndef LEXWATCH_STORE_ITEM_CODEC_H_
#define LEXWATCH_STORE_ITEM_CODEC_H_

#include <string>
#include <string_view>
#include <vector>

namespace lexwatch::store {
struct ArchivedItem;
}

namespace lexwatch::store::internal {

class Statement;

// An archived item from a row whose first 14 columns are, in order: key,
// celex, doc_type, title, summary, link, author, language, published,
// first_source, first_seen, eea_annex, eurovoc, eea_relevant.
ArchivedItem ReadArchivedItem(const Statement& stmt);

// Lists of sanitised values (never containing a line break) are stored as
// one TEXT column, one value per line.
inline std::string JoinLines(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += '\n';
    out += v;
  }
  return out;
}

inline std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace lexwatch::store::internal

#endif  // LEXWATCH_STORE_ITEM_CODEC_H_
