#include "feed/xml_input.h"

#include <algorithm>

namespace lexwatch::feed {
namespace {

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool StartsWithNoCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  return std::equal(lower_prefix.begin(), lower_prefix.end(), s.begin(),
                    [](char p, char c) { return p == Lower(c); });
}

std::string_view SkipSpaces(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t\r\n");
  return begin == std::string_view::npos ? std::string_view() : s.substr(begin);
}

}  // namespace

std::string_view NotXmlKind(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  bytes = SkipSpaces(bytes);
  if (bytes.starts_with("{")) return "JSON where XML was expected";
  if (bytes.starts_with("<?xml")) {
    const std::size_t end = bytes.find("?>");
    if (end == std::string_view::npos) return "";
    bytes = SkipSpaces(bytes.substr(end + 2));
  }
  constexpr std::string_view kHtml = "HTML page where XML was expected";
  if (StartsWithNoCase(bytes, "<!doctype html")) return kHtml;
  if (!StartsWithNoCase(bytes, "<html")) return "";
  if (bytes.size() == 5 || bytes[5] == '>' || bytes[5] == ' ' ||
      bytes[5] == '\t' || bytes[5] == '\r' || bytes[5] == '\n') {
    return kHtml;
  }
  return "";
}

std::string NeutraliseNulRefs(std::string_view bytes) {
  std::string out(bytes);
  for (std::size_t at = out.find("&#"); at != std::string::npos;
       at = out.find("&#", at + 2)) {
    std::size_t i = at + 2;
    if (i < out.size() && (out[i] == 'x' || out[i] == 'X')) ++i;
    const std::size_t digits = i;
    while (i < out.size() && out[i] == '0') ++i;
    if (i > digits && i < out.size() && out[i] == ';') out[i - 1] = '1';
  }
  return out;
}

}  // namespace lexwatch::feed
