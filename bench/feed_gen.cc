#include "bench/feed_gen.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "bench/title_corpus.h"

namespace lexwatch::bench {
namespace {

constexpr std::string_view kItemOpen = "  <item>";
constexpr std::string_view kItemClose = "</item>\n";

// English titles from the corpus, drawn in batches so a feed of any size
// needs no guess of how many it will use.
class TitleSource {
 public:
  explicit TitleSource(std::uint64_t seed) : seed_(seed) {}

  const std::string& Next() {
    while (next_ == batch_.size() || batch_[next_].language != "en") {
      if (next_ == batch_.size())
        Refill();
      else
        ++next_;
    }
    return batch_[next_++].title;
  }

 private:
  void Refill() {
    batch_ = MakeItems(1024, seed_ * 1000003 + refills_++);
    next_ = 0;
  }

  std::uint64_t seed_;
  std::uint64_t refills_ = 0;
  std::vector<Item> batch_;
  std::size_t next_ = 0;
};

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Replaces the text between `open` and `close` (first occurrence).
void ReplaceBetween(std::string& s, std::string_view open,
                    std::string_view close, std::string_view with) {
  std::size_t a = s.find(open);
  if (a == std::string::npos) return;
  a += open.size();
  std::size_t b = s.find(close, a);
  if (b == std::string::npos) return;
  s.replace(a, b - a, with);
}

// "Fri, 05 Jul 2024 00:00:00 +0200" for a day counted from 2020-01-01.
std::string PubDate(std::size_t day) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                          "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  sys_days d = sys_days{2020y / January / 1} + days{static_cast<int>(day)};
  year_month_day ymd{d};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %d 00:00:00 +0200",
                kDays[weekday{d}.c_encoding()], unsigned{ymd.day()},
                kMonths[unsigned{ymd.month()} - 1], int{ymd.year()});
  return buf;
}

std::string CellarId(std::size_t serial) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08zx-0000-11ef-a251-01aa75ed71a1", serial);
  return buf;
}

std::string MakeItem(std::string block, std::size_t serial,
                     const std::string& title) {
  const std::string celex = SerialCelex(serial);
  ReplaceBetween(block, "<title>", "</title>",
                 "CELEX:" + celex + ": " + EscapeXml(title));
  // Links that name a CELEX number name the new one; OJ links stay.
  std::size_t link = block.find("<link>");
  std::size_t at = block.find("uri=CELEX:", link);
  if (link != std::string::npos && at != std::string::npos) {
    ReplaceBetween(block,
                   "<link>https://eur-lex.europa.eu/./legal-content/"
                   "AUTO/?uri=CELEX:",
                   "</link>", celex);
  }
  ReplaceBetween(block, "uri=CELLAR:", "</guid>", CellarId(serial));
  ReplaceBetween(block, "<pubDate>", "</pubDate>", PubDate(serial % 2000));
  return block;
}

}  // namespace

std::string SerialCelex(std::size_t serial) {
  static constexpr char kTypes[] = {'R', 'L', 'D', 'R', 'R'};
  char buf[32];
  std::snprintf(buf, sizeof buf, "3%04zu%c%04zu", 1980 + serial / 10000,
                kTypes[serial % 5], serial % 10000);
  return buf;
}

std::filesystem::path EurlexFixture(const std::filesystem::path& source_dir) {
  return source_dir / "tests" / "data" / "fixtures" / "eurlex-oj-l.rss";
}

Result<FeedShape> ReadFeedShape(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": cannot read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  FeedShape shape;
  std::size_t pos = text.find(kItemOpen);
  if (pos == std::string::npos) {
    return Status::InvalidArgument(path.string() + ": no <item>");
  }
  shape.head = text.substr(0, pos);
  while (pos != std::string::npos &&
         text.compare(pos, kItemOpen.size(), kItemOpen) == 0) {
    std::size_t end = text.find(kItemClose, pos);
    if (end == std::string::npos) break;
    end += kItemClose.size();
    shape.items.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  shape.tail = text.substr(pos);
  return shape;
}

std::string GenerateFeed(const FeedShape& shape, const FeedSpec& spec) {
  TitleSource titles(spec.seed + spec.first_serial);
  std::string out = shape.head;
  for (std::size_t i = 0;; ++i) {
    if (spec.min_bytes > 0 ? out.size() + shape.tail.size() >= spec.min_bytes
                           : i >= spec.items) {
      break;
    }
    const std::size_t serial = spec.first_serial + i;
    out += MakeItem(shape.items[i % shape.items.size()], serial, titles.Next());
  }
  out += shape.tail;
  return out;
}

}  // namespace lexwatch::bench
