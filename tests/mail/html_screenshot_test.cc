// Renders the HTML part of an alert and a digest in headless Chromium and
// checks that a page came out: the size asked for, and far more ink than a
// blank page rendered in the same run. Skipped when chromium is missing.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mail/message.h"
#include "mail/mime_test_util.h"
#include "mail/temp_dir.h"
#include "mail/template_internal.h"

namespace lexwatch::mail {
namespace {

namespace fs = std::filesystem;
using namespace ::lexwatch::mail::testing;

constexpr char kChromium[] = "/usr/bin/chromium";

std::string HtmlPart(const RenderedMessage& m) {
  auto [headers, body] = SplitMessage(m.bytes);
  std::string type = Unfold(RawHeader(headers, "Content-Type"));
  std::size_t b = type.find("boundary=\"") + 10;
  std::vector<MimePart> parts =
      SplitParts(body, type.substr(b, type.find('"', b) - b));
  return DecodeQuotedPrintable(parts.at(1).body);
}

struct Png {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uintmax_t bytes = 0;
};

// Width and height from the IHDR chunk, which always comes first.
Png ReadPng(const fs::path& path) {
  std::string data = ReadFile(path);
  Png png;
  if (data.size() < 24 || data.compare(1, 3, "PNG") != 0) return png;
  auto be32 = [&](std::size_t i) {
    return (std::uint32_t{static_cast<unsigned char>(data[i])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(data[i + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(data[i + 2])} << 8) |
           std::uint32_t{static_cast<unsigned char>(data[i + 3])};
  };
  png.width = be32(16);
  png.height = be32(20);
  png.bytes = data.size();
  return png;
}

// Screenshots `html` at width x height; the PNG's path, or "" on failure.
fs::path Screenshot(const fs::path& dir, const std::string& name,
                    const std::string& html, int width, int height) {
  fs::path page = dir / (name + ".html");
  fs::path png = dir / (name + ".png");
  std::ofstream(page, std::ios::binary) << html;
  std::string command =
      std::string(kChromium) +
      " --headless --disable-gpu --no-sandbox --hide-scrollbars"
      " --user-data-dir=" +
      (dir / "profile").string() + " --screenshot=" + png.string() +
      " --window-size=" + std::to_string(width) + "," + std::to_string(height) +
      " file://" + page.string() + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0 || !fs::exists(png)) return "";
  return png;
}

class HtmlScreenshot : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium)) {
      GTEST_SKIP() << "chromium is not installed (apt-get install chromium): "
                      "the HTML screenshots are not checked";
    }
    blank_ = Screenshot(dir_.path(), "blank", "<html><body></body></html>",
                        GetParam(), 900);
    ASSERT_FALSE(blank_.empty()) << "chromium could not render a blank page";
  }

  void Check(const std::string& name, const std::string& html) {
    int width = GetParam();
    fs::path png = Screenshot(dir_.path(), name, html, width, 900);
    ASSERT_FALSE(png.empty()) << name;
    Png shot = ReadPng(png);
    EXPECT_EQ(shot.width, static_cast<std::uint32_t>(width));
    EXPECT_EQ(shot.height, 900u);
    // Text, a coloured header bar and tables compress far worse than a
    // blank page of the same size.
    EXPECT_GT(shot.bytes, 5 * ReadPng(blank_).bytes)
        << name << ": the page looks blank";
    if (const char* keep = std::getenv("LEXWATCH_SCREENSHOT_DIR")) {
      fs::copy_file(
          png, fs::path(keep) / (name + "-" + std::to_string(width) + ".png"),
          fs::copy_options::overwrite_existing);
    }
  }

  TempDir dir_;
  fs::path blank_;
};

TEST_P(HtmlScreenshot, AlertRendersAsAPage) {
  AlertInput input = SampleAlertInput();
  input.message_id = "a-pbe@oslo.kommune.no";
  input.item.summary =
      "This Directive lays down requirements for the energy performance of "
      "new and existing buildings, with a view to a zero-emission building "
      "stock by 2050.";
  Check("alert", HtmlPart(RenderAlert(input)));
}

TEST_P(HtmlScreenshot, DigestRendersAsAPage) {
  DigestInput input = SampleDigestInput();
  input.message_id = "d-pbe@oslo.kommune.no";
  input.entries[1].item.title = "Regulation (EU) 2024/1781 on ecodesign";
  input.entries[1].reasons[0].topic = "sustainability";
  Check("digest", HtmlPart(RenderDigest(input)));
}

// A phone and a desktop window.
INSTANTIATE_TEST_SUITE_P(Widths, HtmlScreenshot, ::testing::Values(375, 800));

}  // namespace
}  // namespace lexwatch::mail
