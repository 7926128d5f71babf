#include "rules/stemmer.h"

#include <libstemmer.h>

#include <memory>

#include "core/fold.h"

namespace lexwatch::rules {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;

sb_stemmer* ThreadStemmer(StemLanguage language) {
  thread_local StemmerPtr english(sb_stemmer_new("english", "UTF_8"));
  thread_local StemmerPtr norwegian(sb_stemmer_new("norwegian", "UTF_8"));
  return language == kEnglish ? english.get() : norwegian.get();
}

}  // namespace

std::uint8_t StemLanguagesFor(std::string_view language) {
  if (language == "en") return kEnglish;
  if (language == "nb" || language == "no" || language == "nn") {
    return kNorwegian;
  }
  return kBothLanguages;
}

std::string StemForMatch(std::string_view word, StemLanguage language) {
  const std::string cased = FoldCase(word);
  sb_stemmer* stemmer = ThreadStemmer(language);
  // Only an out-of-memory failure makes these null; an unstemmed word still
  // matches itself.
  if (stemmer == nullptr) return FoldForMatch(cased);
  const sb_symbol* stem =
      sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(cased.data()),
                      static_cast<int>(cased.size()));
  if (stem == nullptr) return FoldForMatch(cased);
  return FoldForMatch(
      std::string_view(reinterpret_cast<const char*>(stem),
                       static_cast<std::size_t>(sb_stemmer_length(stemmer))));
}

}  // namespace lexwatch::rules
