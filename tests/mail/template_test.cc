#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "mail/message.h"
#include "mail/mime_test_util.h"
#include "mail/temp_dir.h"
#include "mail/template_internal.h"
#include "mail/template_set.h"

namespace lexwatch::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace ::lexwatch::mail::testing;

const fs::path kShipped = fs::path(LEXWATCH_SOURCE_DIR) / "config/templates";

// A copy of the shipped templates to break.
class TemplateCopy {
 public:
  TemplateCopy() {
    fs::copy(kShipped, dir_.path() / "t", fs::copy_options::recursive);
  }
  fs::path dir() const { return dir_.path() / "t"; }
  fs::path file(const std::string& name) const { return dir() / name; }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary | std::ios::trunc) << text;
  }

 private:
  TempDir dir_;
};

std::string Error(const fs::path& dir) {
  Result<std::shared_ptr<const TemplateSet>> set = TemplateSet::Load(dir);
  return set.ok() ? "loaded" : set.status().message();
}

TEST(TemplateSet, LoadsTheShippedTemplates) {
  EXPECT_EQ(Error(kShipped), "loaded");
}

TEST(TemplateSet, BuiltInMatchesShippedFiles) {
  // Run scripts/embed-templates.py after changing config/templates.
  TemplateFiles files;
  for (const auto& lang : fs::directory_iterator(kShipped)) {
    for (const auto& f : fs::directory_iterator(lang.path())) {
      files[lang.path().filename().string()][f.path().filename().string()] =
          ReadFile(f.path());
    }
  }
  EXPECT_TRUE(files == BuiltInTemplateFiles());
}

TEST(TemplateSet, SyntaxErrorNamesFileLineAndColumn) {
  TemplateCopy t;
  t.Write("en/alert.txt.mustache", "Hello\n{{#reasons}}\nx {{heading}\n");
  EXPECT_EQ(Error(t.dir()),
            t.file("en/alert.txt.mustache").string() + ":3:3: Unclosed tag");
}

TEST(TemplateSet, UnclosedSectionIsNamed) {
  TemplateCopy t;
  t.Write("nb/_facts.html.mustache", "<p>\n  {{#celex}}{{celex}}\n");
  EXPECT_EQ(Error(t.dir()), t.file("nb/_facts.html.mustache").string() +
                                ":2:3: Unclosed section \"celex\"");
}

TEST(TemplateSet, MissingTemplateAndDirectoryAreNamed) {
  TemplateCopy t;
  fs::remove(t.file("nb/digest.subject.mustache"));
  fs::remove_all(t.file("en"));
  EXPECT_EQ(Error(t.dir()), t.file("nb/digest.subject.mustache").string() +
                                ": missing template\n" + t.file("en").string() +
                                ": missing template directory");
}

TEST(TemplateSet, UnknownVariableIsReportedWithItsPlace) {
  TemplateCopy t;
  t.Write("en/alert.subject.mustache", "[lexwatch] {{titel}}\n");
  EXPECT_EQ(Error(t.dir()), t.file("en/alert.subject.mustache").string() +
                                ":1:12: unknown variable 'titel' in "
                                "alert.subject");
}

TEST(TemplateSet, UnknownVariableInPartialIsReportedInThePartial) {
  TemplateCopy t;
  t.Write("nb/_footer.txt.mustache", "-- \n\n{{kontakt}}\n");
  EXPECT_EQ(Error(t.dir()),
            t.file("nb/_footer.txt.mustache").string() +
                ":3:1: unknown variable 'kontakt' in alert.txt\n" +
                t.file("nb/_footer.txt.mustache").string() +
                ":3:1: unknown variable 'kontakt' in digest.txt");
}

TEST(TemplateSet, UnknownPartialIsReported) {
  TemplateCopy t;
  t.Write("nb/alert.html.mustache", "{{> top.html}}\n{{> fakta.html}}\n");
  EXPECT_EQ(Error(t.dir()), t.file("nb/alert.html.mustache").string() +
                                ":2:1: unknown partial 'fakta.html' in "
                                "alert.html");
}

AlertInput Sample() {
  AlertInput input = SampleAlertInput();
  input.item.title =
      "CELEX:32024L1275: Directive (EU) 2024/1275 on the energy performance "
      "of buildings";
  input.to = {"postmottak@pbe.oslo.kommune.no"};
  input.from = "lexwatch <lexwatch@oslo.kommune.no>";
  input.date = FromUnixSeconds(1782813600);
  input.message_id = "abc-pbe@oslo.kommune.no";
  return input;
}

std::vector<MimePart> Parts(const RenderedMessage& m) {
  auto [headers, body] = SplitMessage(m.bytes);
  std::string type = Unfold(RawHeader(headers, "Content-Type"));
  std::size_t b = type.find("boundary=\"") + 10;
  return SplitParts(body, type.substr(b, type.find('"', b) - b));
}

std::string Text(const RenderedMessage& m, std::size_t part) {
  return DecodeQuotedPrintable(Parts(m).at(part).body);
}

TEST(TemplateSet, EditedTemplateChangesTheMail) {
  TemplateCopy t;
  t.Write("nb/alert.subject.mustache", "EU-varsel: {{subject_title}}\n");
  Result<std::shared_ptr<const TemplateSet>> set = TemplateSet::Load(t.dir());
  ASSERT_TRUE(set.ok()) << set.status().message();
  AlertInput input = Sample();
  input.templates = set->get();
  EXPECT_EQ(RenderAlert(input).subject,
            "EU-varsel: Directive (EU) 2024/1275 on the energy performance "
            "of buildings");
}

TEST(RenderAlert, EnglishAndNorwegianFromTheSameInput) {
  AlertInput input = Sample();
  RenderedMessage nb = RenderAlert(input);
  input.language = "en";
  RenderedMessage en = RenderAlert(input);
  EXPECT_EQ(nb.subject,
            "[lexwatch] plan og bygg: Directive (EU) 2024/1275 on the energy "
            "performance of buildings");
  EXPECT_EQ(en.subject,
            "[lexwatch] planning and building: Directive (EU) 2024/1275 on "
            "the energy performance of buildings");
  std::string text = Text(en, 0);
  EXPECT_THAT(text, HasSubstr("New EU/EEA act that concerns Plan- og "
                              "bygningsetaten\r\n"));
  EXPECT_THAT(text, HasSubstr("CELEX: 32024L1275 (directive)\r\n"
                              "Published: 2026-06-30\r\n"));
  EXPECT_THAT(text, HasSubstr("Why you are receiving this alert:\r\n"
                              "- Energy performance of buildings (topic: "
                              "planning and building)\r\n"
                              "  Matched: «energy performance» (title)\r\n"));
  EXPECT_THAT(Text(en, 1), HasSubstr(">Open the act</a>"));
  EXPECT_THAT(Text(en, 1), HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(Text(nb, 0), HasSubstr("Hvorfor dere får dette varselet:\r\n"
                                     "- Energy performance of buildings "
                                     "(tema: plan og bygg)\r\n"
                                     "  Treff: «energy performance» "
                                     "(tittel)\r\n"));
  EXPECT_THAT(Text(nb, 1), HasSubstr(">Åpne rettsakten</a>"));
}

TEST(RenderAlert, UnknownLanguageFallsBackToNorwegian) {
  AlertInput input = Sample();
  input.language = "de";
  EXPECT_TRUE(RenderAlert(input).subject.starts_with("[lexwatch] plan og "));
}

TEST(RenderAlert, ListIdNamesAgencyUnderTheMessageIdDomain) {
  RenderedMessage m = RenderAlert(Sample());
  auto [headers, body] = SplitMessage(m.bytes);
  EXPECT_EQ(DecodeRfc2047(Unfold(RawHeader(headers, "List-Id"))),
            "Plan- og bygningsetaten <pbe.lexwatch.oslo.kommune.no>");
  EXPECT_EQ(RawHeader(headers, "List-Unsubscribe"), "");
}

DigestInput SampleDigest() {
  AlertInput a = Sample();
  DigestInput d;
  d.agency_id = "vav";
  d.agency_name = "Vann- og avløpsetaten";
  d.to = {"post@vav.oslo.kommune.no"};
  d.from = a.from;
  d.date = a.date;
  d.message_id = "digest-vav@oslo.kommune.no";
  d.cadence = "weekly";
  auto entry = [&](std::string title, std::string celex,
                   std::vector<std::pair<std::string, std::string>> rules) {
    DigestEntry e{a.item, {}};
    e.item.title = std::move(title);
    e.item.celex = std::move(celex);
    e.item.summary = "";
    for (auto& [rule, topic] : rules) {
      rules::MatchReason r = a.reasons[0];
      r.rule_id = rule;
      r.description = "Rule " + rule;
      r.topic = topic;
      e.reasons.push_back(r);
    }
    return e;
  };
  d.entries = {
      entry("Water act", "32024L0001", {{"w1", "water"}, {"p1", "planning"}}),
      entry("Planning act", "32024L0002", {{"p2", "planning"}}),
      entry("Second water act", "32024L0003", {{"w2", "water"}}),
  };
  return d;
}

TEST(RenderDigest, GroupsByFirstTopicInFixedOrderAndListsEveryReason) {
  RenderedMessage m = RenderDigest(SampleDigest());
  EXPECT_EQ(m.subject,
            "[lexwatch] Ukeoversikt: 3 nye rettsakter for Vann- og "
            "avløpsetaten");
  std::string text = Text(m, 0);
  EXPECT_THAT(text, HasSubstr("Ukeoversikt for Vann- og avløpsetaten: 3 nye "
                              "EU/EØS-rettsakter\r\n\r\n== plan og bygg\r\n\r\n"
                              "Planning act\r\n"));
  std::size_t planning = text.find("== plan og bygg");
  std::size_t water = text.find("== vann og avløp");
  ASSERT_NE(water, std::string::npos);
  EXPECT_LT(planning, water);
  EXPECT_LT(water, text.find("Water act"));
  EXPECT_LT(text.find("Water act"), text.find("Second water act"));
  EXPECT_THAT(text, HasSubstr("Hvorfor dere får denne:\r\n"
                              "- Rule w1 (tema: vann og avløp)\r\n"
                              "  Treff: «energy performance» (tittel)\r\n"
                              "- Rule p1 (tema: plan og bygg)\r\n"));
  std::string html = Text(m, 1);
  for (const char* rule : {"Rule w1", "Rule p1", "Rule p2", "Rule w2"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<strong>") + rule + "</strong>"));
  }
}

TEST(RenderDigest, EnglishDailyDigestOfOneAct) {
  DigestInput d = SampleDigest();
  d.entries.resize(1);
  d.cadence = "daily";
  d.language = "en";
  RenderedMessage m = RenderDigest(d);
  EXPECT_EQ(m.subject,
            "[lexwatch] Daily digest: 1 new act for Vann- og avløpsetaten");
  EXPECT_THAT(Text(m, 0), HasSubstr("== water and sewerage\r\n"));
}

// News from the EEA (no CELEX number) is not announced as a legal act.
TEST(RenderAlert, NewsWithoutCelexIsNotCalledAnAct) {
  AlertInput input = Sample();
  input.item.celex.clear();
  input.item.doc_type.clear();
  input.item.source = "eea-news";
  RenderedMessage nb = RenderAlert(input);
  EXPECT_THAT(Text(nb, 0), HasSubstr("Nytt fra EU/EØS som berører Plan- og "
                                     "bygningsetaten\r\n"));
  EXPECT_THAT(Text(nb, 0), Not(HasSubstr("rettsakt")));
  EXPECT_THAT(Text(nb, 1), HasSubstr(">Les saken</a>"));
  EXPECT_THAT(Text(nb, 1), Not(HasSubstr("rettsakt")));
  input.language = "en";
  RenderedMessage en = RenderAlert(input);
  EXPECT_THAT(Text(en, 0), HasSubstr("EU/EEA news that concerns Plan- og "
                                     "bygningsetaten\r\n"));
  EXPECT_THAT(Text(en, 1), HasSubstr(">Read the article</a>"));
}

TEST(RenderDigest, CountsItemsNotActsWhenNewsIsAmongThem) {
  DigestInput d = SampleDigest();
  d.entries[1].item.celex.clear();
  d.entries[1].item.doc_type.clear();
  RenderedMessage m = RenderDigest(d);
  EXPECT_EQ(m.subject,
            "[lexwatch] Ukeoversikt: 3 nye saker for Vann- og avløpsetaten");
  EXPECT_THAT(Text(m, 0), HasSubstr("Ukeoversikt for Vann- og avløpsetaten: 3 "
                                    "nye EU/EØS-saker\r\n"));
  EXPECT_THAT(Text(m, 1), HasSubstr("3 nye EU/EØS-saker"));
  EXPECT_THAT(Text(m, 1), HasSubstr(">Les saken</a>"));
  EXPECT_THAT(Text(m, 1), HasSubstr(">Åpne rettsakten</a>"));
  d.language = "en";
  d.entries.resize(2);
  d.entries.erase(d.entries.begin());
  EXPECT_EQ(RenderDigest(d).subject,
            "[lexwatch] Weekly digest: 1 new item for Vann- og avløpsetaten");
}

TEST(RenderDigest, HasAlertHeadersAndListId) {
  RenderedMessage m = RenderDigest(SampleDigest());
  auto [headers, body] = SplitMessage(m.bytes);
  EXPECT_EQ(RawHeader(headers, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(RawHeader(headers, "Message-ID"), "<digest-vav@oslo.kommune.no>");
  EXPECT_EQ(RawHeader(headers, "Date"), "Tue, 30 Jun 2026 10:00:00 +0000");
  EXPECT_EQ(DecodeRfc2047(Unfold(RawHeader(headers, "List-Id"))),
            "Vann- og avløpsetaten <vav.lexwatch.oslo.kommune.no>");
  for (const std::string& line : Lines(m.bytes)) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(RenderDigest, EscapesHostileFeedTextInHtmlOnly) {
  DigestInput d = SampleDigest();
  d.entries[0].item.title = "<img src=x onerror=alert(1)> & \"q\"";
  d.entries[0].reasons[0].description = "<b>bold</b>";
  d.entries[0].item.link = "javascript:alert(1)";
  d.agency_name = "Etat <i>&</i>";
  RenderedMessage m = RenderDigest(d);
  std::string html = Text(m, 1);
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>bold")));
  EXPECT_THAT(html, Not(HasSubstr("javascript")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt; &amp; "
                              "&quot;q&quot;"));
  EXPECT_THAT(html, HasSubstr("Etat &lt;i&gt;&amp;&lt;/i&gt;"));
  EXPECT_THAT(Text(m, 0), HasSubstr("<img src=x onerror=alert(1)> & \"q\""));
}

// The ingest thread renders alerts while the mail thread renders digests,
// from the same set.
TEST(RenderAlert, TwoThreadsRenderingFromOneSetGetTheSameBytes) {
  Result<std::shared_ptr<const TemplateSet>> set = TemplateSet::Load(kShipped);
  ASSERT_TRUE(set.ok()) << set.status().message();
  AlertInput alert = Sample();
  alert.templates = set->get();
  DigestInput digest = SampleDigestInput();
  digest.templates = set->get();
  const std::string alert_bytes = RenderAlert(alert).bytes;
  const std::string digest_bytes = RenderDigest(digest).bytes;
  int alert_diffs = 0;
  int digest_diffs = 0;
  std::thread alerts([&] {
    for (int i = 0; i < 200; ++i) {
      alert_diffs += RenderAlert(alert).bytes != alert_bytes;
    }
  });
  std::thread digests([&] {
    for (int i = 0; i < 200; ++i) {
      digest_diffs += RenderDigest(digest).bytes != digest_bytes;
    }
  });
  alerts.join();
  digests.join();
  EXPECT_EQ(alert_diffs, 0);
  EXPECT_EQ(digest_diffs, 0);
}

// Such a partial cannot be inlined; the library renders it as before.
TEST(TemplateSet, PartialIncludingItselfStillRenders) {
  TemplateCopy copy;
  copy.Write("en/_again.txt.mustache",
             "{{#digest}}{{> again.txt}}{{/digest}}again\n");
  std::ofstream(copy.file("en/alert.txt.mustache"), std::ios::app)
      << "{{> again.txt}}\n";
  Result<std::shared_ptr<const TemplateSet>> set =
      TemplateSet::Load(copy.dir());
  ASSERT_TRUE(set.ok()) << set.status().message();
  AlertInput input = Sample();
  input.language = "en";
  input.templates = set->get();
  EXPECT_THAT(Text(RenderAlert(input), 0),
              HasSubstr("Contact eu@example.org.\r\nagain"));
}

}  // namespace
}  // namespace lexwatch::mail
