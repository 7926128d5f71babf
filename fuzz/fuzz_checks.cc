#include "fuzz_checks.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "core/sanitize.h"

namespace lexwatch::fuzz {
namespace {

constexpr std::size_t kMaxLineOctets = 998;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict base64: CR and LF between groups are skipped, anything else that is
// not the alphabet or final padding fails.
std::optional<std::string> Base64Decode(std::string_view in) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  std::size_t padding = 0;
  for (char c : in) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = Base64Value(c);
    if (v < 0 || padding > 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

std::optional<std::string> QuotedPrintableDecode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out.push_back(in[i]);
      continue;
    }
    if (in.substr(i + 1, 2) == "\r\n") {  // Soft line break.
      i += 2;
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = HexValue(in[i + 1]);
    int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// The text of `token` when it is one RFC 2047 encoded-word in UTF-8
// ("=?UTF-8?B?...?="); nullopt when it is not one; "\xff" (invalid UTF-8,
// which the caller reports) when it is one but does not decode, or splits a
// character.
std::optional<std::string> DecodeEncodedWord(std::string_view token) {
  if (token.size() < 8 || token.substr(0, 2) != "=?" ||
      token.substr(token.size() - 2) != "?=") {
    return std::nullopt;
  }
  std::string_view inner = token.substr(2, token.size() - 4);
  std::size_t q1 = inner.find('?');
  std::size_t q2 = q1 == std::string_view::npos ? q1 : inner.find('?', q1 + 1);
  if (q2 == std::string_view::npos ||
      inner.find('?', q2 + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view charset = inner.substr(0, q1);
  std::string_view encoding = inner.substr(q1 + 1, q2 - q1 - 1);
  std::string text(inner.substr(q2 + 1));
  std::optional<std::string> decoded;
  if (charset != "UTF-8" && charset != "utf-8") {
    decoded = std::nullopt;
  } else if (encoding == "B" || encoding == "b") {
    decoded = Base64Decode(text);
  } else if (encoding == "Q" || encoding == "q") {
    std::replace(text.begin(), text.end(), '_', ' ');
    decoded = QuotedPrintableDecode(text);
  }
  if (!decoded || !IsValidUtf8(*decoded)) return std::string("\xff");
  return decoded;
}

// Decodes the encoded-words of an unfolded header value the way a mail
// reader does: only whole space-separated tokens, and the space between two
// adjacent encoded-words dropped (RFC 2047 6.2).
std::string DecodeEncodedWords(std::string_view value) {
  std::string out;
  bool last_was_word = false;
  std::size_t i = 0;
  while (i <= value.size()) {
    std::size_t space = std::min(value.find(' ', i), value.size());
    std::string_view token = value.substr(i, space - i);
    std::optional<std::string> word = DecodeEncodedWord(token);
    if (i > 0 && !(word && last_was_word)) out.push_back(' ');
    out.append(word ? *word : std::string(token));
    last_was_word = word.has_value();
    i = space + 1;
  }
  return out;
}

std::string CheckText(std::string_view name, std::string_view s,
                      std::size_t max_bytes) {
  if (!IsValidUtf8(s)) return std::string(name) + ": invalid UTF-8";
  if (s.size() > max_bytes) {
    return std::string(name) + ": " + std::to_string(s.size()) +
           " bytes, more than " + std::to_string(max_bytes);
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      return std::string(name) + ": control character " + std::to_string(c);
    }
  }
  if (s.find("\u2028") != std::string_view::npos ||
      s.find("\u2029") != std::string_view::npos) {
    return std::string(name) + ": line or paragraph separator";
  }
  return "";
}

// Splits `bytes` into lines at CRLF, checking there is no bare CR or LF and
// no overlong line.
std::string SplitLines(std::string_view bytes,
                       std::vector<std::string_view>* lines) {
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t crlf = bytes.find("\r\n", start);
    if (crlf == std::string_view::npos) return "last line has no CRLF";
    std::string_view line = bytes.substr(start, crlf - start);
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return "bare CR or LF in line " + std::to_string(lines->size() + 1);
    }
    if (line.size() > kMaxLineOctets) {
      return "line " + std::to_string(lines->size() + 1) + " has " +
             std::to_string(line.size()) + " octets";
    }
    lines->push_back(line);
    start = crlf + 2;
  }
  return "";
}

// Unfolds the header lines [begin, end) into (name, raw value) pairs.
std::string ParseHeaderBlock(
    const std::vector<std::string_view>& lines, std::size_t begin,
    std::size_t end, std::vector<std::pair<std::string, std::string>>* out) {
  for (std::size_t i = begin; i < end; ++i) {
    std::string_view line = lines[i];
    for (unsigned char c : line) {
      if (c >= 0x80 || (c < 0x20 && c != '\t')) {
        return "header line " + std::to_string(i + 1) + " is not ASCII text";
      }
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (out->empty()) return "continuation line before any header";
      out->back().second.append(line);
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return "header line " + std::to_string(i + 1) + " has no name";
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return "";
}

std::string DecodeHeaderValues(
    std::vector<std::pair<std::string, std::string>>* headers) {
  for (auto& [name, value] : *headers) {
    std::string decoded = DecodeEncodedWords(value);
    for (unsigned char c : decoded) {
      if (c < 0x20 && c != '\t') {
        return "header " + name + ": control character " + std::to_string(c) +
               " after decoding";
      }
    }
    if (!IsValidUtf8(decoded)) {
      return "header " + name + ": invalid UTF-8 after decoding";
    }
    value = std::move(decoded);
  }
  return "";
}

std::string HeaderValue(
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

std::string Boundary(std::string_view content_type) {
  std::size_t at = content_type.find("boundary=\"");
  if (at == std::string_view::npos) return "";
  at += 10;
  std::size_t end = content_type.find('"', at);
  if (end == std::string_view::npos) return "";
  return std::string(content_type.substr(at, end - at));
}

std::string DecodePart(const std::vector<std::string_view>& lines,
                       std::size_t begin, std::size_t end, DecodedPart* part) {
  std::size_t blank = begin;
  while (blank < end && !lines[blank].empty()) ++blank;
  if (blank == end) return "part without a blank line after its headers";
  std::vector<std::pair<std::string, std::string>> headers;
  if (std::string e = ParseHeaderBlock(lines, begin, blank, &headers);
      !e.empty()) {
    return "part: " + e;
  }
  part->content_type = HeaderValue(headers, "Content-Type");
  std::string body;
  for (std::size_t i = blank + 1; i < end; ++i) {
    body.append(lines[i]).append("\r\n");
  }
  std::string encoding = HeaderValue(headers, "Content-Transfer-Encoding");
  std::optional<std::string> text;
  if (encoding == "quoted-printable") {
    text = QuotedPrintableDecode(body);
  } else if (encoding == "base64") {
    text = Base64Decode(body);
  } else if (encoding.empty() || encoding == "7bit" || encoding == "8bit") {
    text = body;
  }
  if (!text) return "part " + part->content_type + ": cannot decode body";
  if (!IsValidUtf8(*text)) {
    return "part " + part->content_type + ": invalid UTF-8";
  }
  part->text = std::move(*text);
  return "";
}

std::string DecodeBody(const std::vector<std::string_view>& lines,
                       std::size_t begin, std::string_view boundary,
                       std::vector<DecodedPart>* parts) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string close = delimiter + "--";
  std::optional<std::size_t> part_begin;
  for (std::size_t i = begin; i < lines.size(); ++i) {
    if (lines[i] != delimiter && lines[i] != close) continue;
    if (part_begin) {
      parts->emplace_back();
      if (std::string e = DecodePart(lines, *part_begin, i, &parts->back());
          !e.empty()) {
        return e;
      }
    }
    if (lines[i] == close) return parts->empty() ? "no parts" : "";
    part_begin = i + 1;
  }
  return "no closing boundary";
}

// Skips a quoted attribute value starting at html[i] == '"'; returns the
// index after the closing quote, or npos.
std::size_t SkipQuoted(std::string_view html, std::size_t i) {
  std::size_t end = html.find('"', i + 1);
  if (end == std::string_view::npos) return end;
  std::string_view value = html.substr(i + 1, end - i - 1);
  if (value.find_first_of("<>") != std::string_view::npos) {
    return std::string_view::npos;
  }
  return end + 1;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-';
}

std::string CheckReference(std::string_view html, std::size_t i) {
  std::size_t j = i + 1;
  if (j < html.size() && html[j] == '#') ++j;
  std::size_t name = j;
  while (j < html.size() && IsNameChar(html[j])) ++j;
  if (j == name || j >= html.size() || html[j] != ';') {
    return "unescaped '&' at offset " + std::to_string(i);
  }
  return "";
}

}  // namespace

void Require(const std::string& problem, std::string_view what) {
  if (problem.empty()) return;
  std::fprintf(stderr, "lexwatch fuzz check failed: %.*s: %s\n",
               static_cast<int>(what.size()), what.data(), problem.c_str());
  std::abort();
}

std::string CheckItem(const Item& item) {
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"source", &item.source},     {"guid", &item.guid},
      {"link", &item.link},         {"author", &item.author},
      {"language", &item.language}, {"celex", &item.celex},
      {"doc_type", &item.doc_type}, {"eea_annex", &item.eea_annex},
  };
  for (const auto& [name, value] : fields) {
    if (std::string e = CheckText(name, *value, kMaxFieldBytes); !e.empty()) {
      return e;
    }
  }
  if (std::string e = CheckText("title", item.title, kMaxTitleBytes);
      !e.empty()) {
    return e;
  }
  if (std::string e = CheckText("summary", item.summary, kMaxSummaryBytes);
      !e.empty()) {
    return e;
  }
  for (const std::string& label : item.eurovoc) {
    if (std::string e = CheckText("eurovoc", label, kMaxFieldBytes);
        !e.empty()) {
      return e;
    }
  }
  std::string scheme = item.link.substr(0, item.link.find("://") + 1);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (!item.link.empty() && scheme != "http:" && scheme != "https:") {
    return "link is not http(s): " + item.link;
  }
  return "";
}

std::string DecodeMessage(std::string_view bytes, DecodedMessage* out) {
  std::vector<std::string_view> lines;
  if (std::string e = SplitLines(bytes, &lines); !e.empty()) return e;
  std::size_t blank = 0;
  while (blank < lines.size() && !lines[blank].empty()) ++blank;
  if (blank == 0 || blank == lines.size()) return "no header block";
  if (std::string e = ParseHeaderBlock(lines, 0, blank, &out->headers);
      !e.empty()) {
    return e;
  }
  std::string boundary = Boundary(HeaderValue(out->headers, "Content-Type"));
  if (std::string e = DecodeHeaderValues(&out->headers); !e.empty()) return e;
  if (boundary.empty()) return "no multipart boundary";
  return DecodeBody(lines, blank + 1, boundary, &out->parts);
}

std::string CheckHtmlStructure(std::string_view html) {
  std::size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '>') return "'>' outside a tag at offset " + std::to_string(i);
    if (c == '&') {
      if (std::string e = CheckReference(html, i); !e.empty()) return e;
    }
    if (c != '<') {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    if (j < html.size() && (html[j] == '/' || html[j] == '!')) ++j;
    std::size_t name = j;
    while (j < html.size() && IsNameChar(html[j])) ++j;
    if (j == name)
      return "'<' without a tag name at offset " + std::to_string(i);
    while (j < html.size() && html[j] != '>') {
      if (html[j] == '<')
        return "'<' inside a tag at offset " + std::to_string(j);
      if (html[j] == '"') {
        j = SkipQuoted(html, j);
        if (j == std::string_view::npos) {
          return "bad attribute value in tag at offset " + std::to_string(i);
        }
        continue;
      }
      ++j;
    }
    if (j >= html.size()) return "unclosed tag at offset " + std::to_string(i);
    i = j + 1;
  }
  return "";
}

std::string PartText(const DecodedMessage& message, std::string_view type) {
  for (const DecodedPart& part : message.parts) {
    if (part.content_type.rfind(type, 0) == 0) return part.text;
  }
  return "";
}

}  // namespace lexwatch::fuzz
