#ifndef LEXWATCH_TESTS_MAIL_MIME_TEST_UTIL_H_
#define LEXWATCH_TESTS_MAIL_MIME_TEST_UTIL_H_

// Small, independent MIME decoders so tests check rendered mail the way a
// mail reader would, not with the encoder under test.

#include <string>
#include <string_view>
#include <vector>

namespace lexwatch::mail::testing {

inline std::string DecodeBase64(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

inline std::string DecodeQuotedPrintable(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out.push_back(in[i]);
    } else if (in.substr(i + 1, 2) == "\r\n") {
      i += 2;  // Soft line break.
    } else {
      out.push_back(static_cast<char>(
          std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    }
  }
  return out;
}

// The header section (up to the first empty line) and the body.
inline std::pair<std::string, std::string> SplitMessage(std::string_view m) {
  std::size_t end = m.find("\r\n\r\n");
  if (end == std::string_view::npos) return {std::string(m), ""};
  return {std::string(m.substr(0, end + 2)), std::string(m.substr(end + 4))};
}

// The raw (still folded) value of the first header `name`, or "".
inline std::string RawHeader(std::string_view headers, std::string_view name) {
  std::string needle = std::string(name) + ": ";
  std::size_t pos = 0;
  while (pos < headers.size()) {
    std::size_t eol = headers.find("\r\n", pos);
    if (headers.substr(pos, needle.size()) == needle) {
      std::size_t end = eol;
      while (end != std::string_view::npos && end + 2 < headers.size() &&
             (headers[end + 2] == ' ' || headers[end + 2] == '\t')) {
        end = headers.find("\r\n", end + 2);
      }
      return std::string(
          headers.substr(pos + needle.size(), end - pos - needle.size()));
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 2;
  }
  return "";
}

inline std::string Unfold(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 2) == "\r\n") {
      ++i;
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}

// Every "=?charset?B?...?=" word in `value`.
inline std::vector<std::string> EncodedWords(std::string_view value) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while ((pos = value.find("=?", pos)) != std::string_view::npos) {
    std::size_t q1 = value.find('?', pos + 2);
    std::size_t q2 = value.find('?', q1 + 1);
    std::size_t end = value.find("?=", q2 + 1);
    if (end == std::string_view::npos) break;
    words.emplace_back(value.substr(pos, end + 2 - pos));
    pos = end + 2;
  }
  return words;
}

// RFC 2047 decoding of an unfolded value: B words decoded, white space
// between adjacent encoded-words and in front of the value dropped.
inline std::string DecodeRfc2047(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  std::string out;
  std::string pending_space;
  bool last_was_word = false;
  std::size_t i = 0;
  while (i < value.size()) {
    if (value.substr(i, 2) == "=?") {
      std::size_t q1 = value.find('?', i + 2);
      std::size_t q2 = value.find('?', q1 + 1);
      std::size_t end = value.find("?=", q2 + 1);
      std::string_view payload = value.substr(q2 + 1, end - q2 - 1);
      if (!last_was_word) out += pending_space;
      pending_space.clear();
      out += DecodeBase64(payload);
      last_was_word = true;
      i = end + 2;
    } else if (value[i] == ' ' || value[i] == '\t') {
      pending_space.push_back(value[i++]);
    } else {
      out += pending_space;
      pending_space.clear();
      out.push_back(value[i++]);
      last_was_word = false;
    }
  }
  return out + pending_space;
}

inline std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (pos < text.size()) lines.emplace_back(text.substr(pos));
      break;
    }
    lines.emplace_back(text.substr(pos, eol - pos));
    pos = eol + 2;
  }
  return lines;
}

struct MimePart {
  std::string headers;
  std::string body;  // Still transfer-encoded.
};

// The parts of a multipart body with the given boundary.
inline std::vector<MimePart> SplitParts(std::string_view body,
                                        std::string_view boundary) {
  std::vector<MimePart> parts;
  std::string delimiter = "\r\n--" + std::string(boundary);
  std::string text = "\r\n" + std::string(body);
  std::size_t pos = text.find(delimiter);
  while (pos != std::string::npos) {
    std::size_t start = pos + delimiter.size();
    if (text.substr(start, 2) == "--") break;
    start += 2;  // CRLF after the boundary line.
    std::size_t next = text.find(delimiter, start);
    if (next == std::string::npos) break;
    auto [headers, part_body] = SplitMessage(text.substr(start, next - start));
    parts.push_back({headers, part_body});
    pos = next;
  }
  return parts;
}

}  // namespace lexwatch::mail::testing

#endif  // LEXWATCH_TESTS_MAIL_MIME_TEST_UTIL_H_
