#include "mail/message.h"

#include <fmt/format.h>

#include <optional>

#include "mail/mime.h"
#include "mail/sha256.h"

namespace lexwatch::mail {
namespace {

// Header lines stay within RFC 2047's 76 octets (RFC 5322 asks for < 78).
constexpr std::size_t kHeaderLineMax = 76;
constexpr std::size_t kEncodedWordMax = 75;
constexpr std::size_t kEncodedWordOverhead = 12;  // "=?UTF-8?B?" "?="
constexpr std::size_t kMaxAddressLength = 254;
constexpr std::size_t kMaxLocalPartLength = 64;

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// For error messages: the text with control characters made visible.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out.append("\\r");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      out.append(fmt::format("\\x{:02x}", u));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Dot-atom rules: no empty label (leading, trailing or doubled dots).
bool HasBadDots(std::string_view s) {
  return s.empty() || s.front() == '.' || s.back() == '.' ||
         s.find("..") != std::string_view::npos;
}

// The first problem with the characters of `address`, or "".
std::string BadCharacter(std::string_view address) {
  for (char c : address) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) return "non-ASCII character";
    if (u < 0x20 || u == 0x7f) return "control character";
  }
  for (char c : address) {
    if (c == ' ') return "space";
    if (std::string_view("<>,;\"()[]\\:").find(c) != std::string_view::npos) {
      return fmt::format("'{}'", c);
    }
  }
  return {};
}

std::string_view BadDomain(std::string_view domain) {
  if (domain.empty()) return "empty domain";
  if (domain.find('.') == std::string_view::npos) return "domain has no dot";
  if (HasBadDots(domain)) return "empty label in domain";
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    std::string_view label = domain.substr(start, dot - start);
    if (label.size() > 63) return "domain label longer than 63 octets";
    if (label.front() == '-' || label.back() == '-') {
      return "domain label starts or ends with '-'";
    }
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-';
      if (!ok) return "bad character in domain";
    }
    start = dot + 1;
  }
  return {};
}

// Folds printable ASCII at spaces so every line fits; nullopt when a word is
// too long to fit on a line of its own.
std::optional<std::string> FoldAtSpaces(std::string_view value,
                                        std::size_t used) {
  std::string out;
  std::size_t column = used;
  std::size_t start = 0;
  bool first = true;
  while (start <= value.size()) {
    std::size_t space = value.find(' ', start);
    if (space == std::string_view::npos) space = value.size();
    std::string_view word = value.substr(start, space - start);
    if (!first) {
      if (!word.empty() && column + 1 + word.size() > kHeaderLineMax) {
        out.append("\r\n");
        column = 0;
      }
      out.push_back(' ');
      ++column;
    }
    out.append(word);
    column += word.size();
    if (column > kHeaderLineMax) return std::nullopt;
    first = false;
    start = space + 1;
  }
  return out;
}

// Splits valid UTF-8 into B encoded-words at character boundaries.
std::string EncodeWords(std::string_view value, std::size_t used) {
  std::string out;
  std::size_t room = used < kHeaderLineMax ? kHeaderLineMax - used : 0;
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t word_max = std::min(room, kEncodedWordMax);
    std::size_t max_bytes = word_max > kEncodedWordOverhead
                                ? (word_max - kEncodedWordOverhead) / 4 * 3
                                : 0;
    if (max_bytes < 4) {  // Not even one character fits: start a new line.
      out.append("\r\n ");
      room = kHeaderLineMax - 1;
      continue;
    }
    std::size_t end = i;
    while (end < value.size()) {
      std::size_t len = Utf8CharLength(value, end);
      if (len == 0) len = 1;  // Callers pass clean text; stay total anyway.
      if (end + len - i > max_bytes) break;
      end += len;
    }
    out.append("=?UTF-8?B?")
        .append(Base64Encode(value.substr(i, end - i)))
        .append("?=");
    i = end;
    room = 0;  // The next word goes on a continuation line.
  }
  return out;
}

}  // namespace

std::string EncodeHeader(std::string_view utf8, std::size_t used) {
  std::string clean = CleanUtf8(utf8);
  // "=?" in plain text could be read as an encoded-word: encode it instead.
  if (IsPrintableAscii(clean) && clean.find("=?") == std::string::npos) {
    if (std::optional<std::string> folded = FoldAtSpaces(clean, used)) {
      return *folded;
    }
  }
  return EncodeWords(clean, used);
}

Status ValidateAddress(std::string_view address) {
  auto invalid = [&](std::string_view why) {
    return Status::InvalidArgument("invalid address " + Quote(address), why);
  };
  if (address.empty()) return invalid("empty");
  if (std::string bad = BadCharacter(address); !bad.empty()) {
    return invalid("contains a " + bad);
  }
  if (address.size() > kMaxAddressLength) return invalid("too long");
  std::size_t at = address.find('@');
  if (at == std::string_view::npos) return invalid("missing '@'");
  if (address.find('@', at + 1) != std::string_view::npos) {
    return invalid("more than one '@'");
  }
  std::string_view local = address.substr(0, at);
  if (local.empty()) return invalid("empty local part");
  if (local.size() > kMaxLocalPartLength) return invalid("local part too long");
  if (HasBadDots(local)) return invalid("empty label in local part");
  if (std::string_view bad = BadDomain(address.substr(at + 1)); !bad.empty()) {
    return invalid(bad);
  }
  return Status::Ok();
}

Status ParseMailbox(std::string_view mailbox, std::string* display_name,
                    std::string* address) {
  std::string_view text = Trim(mailbox);
  std::string_view name;
  std::string_view addr = text;
  std::size_t lt = text.find('<');
  if (lt != std::string_view::npos) {
    if (text.back() != '>' || text.find('>') != text.size() - 1) {
      return Status::InvalidArgument("invalid mailbox " + Quote(mailbox),
                                     "expected \"Name <address>\"");
    }
    addr = text.substr(lt + 1, text.size() - lt - 2);
    name = Trim(text.substr(0, lt));
  }
  if (Status s = ValidateAddress(addr); !s.ok()) return s;
  std::string unquoted;
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("invalid mailbox " + Quote(mailbox),
                                     "control character in display name");
    }
    if (name[i] == '\\' && i + 1 < name.size()) ++i;
    unquoted.push_back(name[i]);
  }
  if (display_name != nullptr) *display_name = std::move(unquoted);
  if (address != nullptr) *address = std::string(addr);
  return Status::Ok();
}

std::string MakeMessageId(std::string_view item_key, std::string_view agency_id,
                          std::string_view domain) {
  std::string input(item_key);
  input.push_back('\0');
  input.append(agency_id);
  // Only dot-atom characters may stand in a msg-id; the hash keeps ids of
  // agencies that differ only in dropped characters apart.
  std::string agency;
  for (char c : agency_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_';
    agency.push_back(ok ? c : '_');
  }
  std::string host;
  for (char c : domain) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (ok) host.push_back(c);
  }
  if (HasBadDots(host)) host = "lexwatch.invalid";
  std::string id = Sha256Hex(input, 16);
  if (!agency.empty()) id.append("-").append(agency);
  return id + "@" + host;
}

}  // namespace lexwatch::mail
