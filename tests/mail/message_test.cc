#include "mail/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mail/mime_test_util.h"

namespace lexwatch::mail {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace ::lexwatch::mail::testing;

AlertInput SampleInput() {
  AlertInput input;
  input.item.source = "eurlex-oj-l";
  input.item.title =
      "CELEX:32024L1275: Directive (EU) 2024/1275 of the European Parliament "
      "and of the Council on the energy performance of buildings";
  input.item.link =
      "https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELEX:32024L1275";
  input.item.celex = "32024L1275";
  input.item.doc_type = "directive";
  input.item.published = 1782770400;  // 2026-06-29T22:00:00Z, Oslo midnight.
  rules::MatchReason reason;
  reason.rule_id = "energi-bygg";
  reason.topic = "Energi";
  reason.description = "Energikrav til bygninger";
  reason.agencies = {"pbe"};
  reason.terms = {"energy performance", "buildings"};
  reason.fields = {"title", "title"};
  input.reasons = {reason};
  input.agency_id = "pbe";
  input.agency_name = "Plan- og bygningsetaten";
  input.to = {"postmottak@pbe.oslo.kommune.no", "eu@pbe.oslo.kommune.no"};
  input.from = "lexwatch <lexwatch@oslo.kommune.no>";
  input.date = FromUnixSeconds(1782813600);  // 2026-06-30T10:00:00Z
  input.message_id = MakeMessageId(input.item.Key(), input.agency_id,
                                   "lexwatch.oslo.kommune.no");
  return input;
}

struct Rendered {
  RenderedMessage message;
  std::string headers;
  std::string body;
  std::vector<MimePart> parts;
};

Rendered Render(const AlertInput& input) {
  Rendered r;
  r.message = RenderAlert(input);
  std::tie(r.headers, r.body) = SplitMessage(r.message.bytes);
  std::string type = Unfold(RawHeader(r.headers, "Content-Type"));
  std::size_t b = type.find("boundary=\"");
  if (b != std::string::npos) {
    std::string boundary = type.substr(b + 10, type.find('"', b + 10) - b - 10);
    r.parts = SplitParts(r.body, boundary);
  }
  return r;
}

std::string PartText(const Rendered& r, std::size_t i) {
  return DecodeQuotedPrintable(r.parts.at(i).body);
}

TEST(RenderAlert, IsMultipartAlternativeWithPlainAndHtmlParts) {
  Rendered r = Render(SampleInput());
  EXPECT_EQ(
      Unfold(RawHeader(r.headers, "Content-Type")),
      "multipart/alternative; boundary=\"=_lexwatch_" +
          r.message.bytes.substr(r.message.bytes.find("=_lexwatch_") + 11, 24) +
          "\"");
  ASSERT_EQ(r.parts.size(), 2u);
  EXPECT_EQ(RawHeader(r.parts[0].headers, "Content-Type"),
            "text/plain; charset=utf-8");
  EXPECT_EQ(RawHeader(r.parts[0].headers, "Content-Transfer-Encoding"),
            "quoted-printable");
  EXPECT_EQ(RawHeader(r.parts[1].headers, "Content-Type"),
            "text/html; charset=utf-8");
  EXPECT_EQ(RawHeader(r.parts[1].headers, "Content-Transfer-Encoding"),
            "quoted-printable");
  EXPECT_TRUE(r.message.bytes.ends_with("--\r\n"));
}

TEST(RenderAlert, WritesTheRequiredHeaders) {
  AlertInput input = SampleInput();
  Rendered r = Render(input);
  EXPECT_EQ(RawHeader(r.headers, "From"),
            "lexwatch <lexwatch@oslo.kommune.no>");
  EXPECT_EQ(RawHeader(r.headers, "To"),
            "postmottak@pbe.oslo.kommune.no, eu@pbe.oslo.kommune.no");
  EXPECT_EQ(RawHeader(r.headers, "Date"), "Tue, 30 Jun 2026 10:00:00 +0000");
  EXPECT_EQ(RawHeader(r.headers, "Message-ID"), "<" + input.message_id + ">");
  EXPECT_EQ(r.message.message_id, input.message_id);
  EXPECT_EQ(RawHeader(r.headers, "MIME-Version"), "1.0");
  EXPECT_EQ(RawHeader(r.headers, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(RawHeader(r.headers, "X-Lexwatch-Item"), "celex:32024L1275");
}

TEST(RenderAlert, SubjectNamesTopicAndTitleWithoutCelexPrefix) {
  Rendered r = Render(SampleInput());
  EXPECT_EQ(r.message.subject,
            "[lexwatch] Energi: Directive (EU) 2024/1275 of the European "
            "Parliament and of the Council on the energy performance of "
            "buildings");
  // ASCII stays readable, folded at spaces.
  EXPECT_EQ(Unfold(RawHeader(r.headers, "Subject")), r.message.subject);
}

TEST(RenderAlert, UsesCrlfLineEndsOnlyAndShortLines) {
  AlertInput input = SampleInput();
  input.item.summary = std::string(3000, 'x');  // One very long line.
  input.item.title = "Forordning om " + std::string(400, 'y');
  std::string bytes = RenderAlert(input).bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(bytes[i - 1], '\r') << "bare LF at " << i;
    }
    if (bytes[i] == '\r') {
      ASSERT_LT(i + 1, bytes.size());
      EXPECT_EQ(bytes[i + 1], '\n') << "bare CR at " << i;
    }
  }
  for (const std::string& line : Lines(bytes)) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(RenderAlert, EncodesNorwegianSubjectInDecodableShortWords) {
  AlertInput input = SampleInput();
  input.reasons[0].topic = "Vannforsyning og avløp";
  input.item.title =
      "Direktiv om kvaliteten på drikkevann: særlige krav til små "
      "vannverk, økt tilsyn og ærlig rapportering for åtte år";
  Rendered r = Render(input);
  std::string raw = RawHeader(r.headers, "Subject");
  EXPECT_EQ(DecodeRfc2047(Unfold(raw)), r.message.subject);
  EXPECT_THAT(r.message.subject, HasSubstr("Vannforsyning og avløp: Direktiv"));
  std::vector<std::string> words = EncodedWords(raw);
  ASSERT_GE(words.size(), 2u);
  for (const std::string& word : words) {
    EXPECT_LE(word.size(), 75u) << word;
    // Each word decodes on its own to whole characters.
    std::string decoded = DecodeBase64(word.substr(10, word.size() - 12));
    EXPECT_FALSE(decoded.empty());
    EXPECT_NE(static_cast<unsigned char>(decoded[0]) & 0xC0, 0x80u) << word;
  }
  std::vector<std::string> lines = Lines("Subject: " + raw);
  for (const std::string& line : lines) EXPECT_LT(line.size(), 78u) << line;
  for (unsigned char c : r.headers) EXPECT_LT(c, 0x80) << "8-bit header";
}

TEST(RenderAlert, ShortensVeryLongTitleAtCharacterBoundary) {
  AlertInput input = SampleInput();
  input.item.title = "";
  for (int i = 0; i < 100; ++i) input.item.title += "æøå ";
  RenderedMessage m = RenderAlert(input);
  EXPECT_TRUE(m.subject.ends_with("…")) << m.subject;
  EXPECT_LT(m.subject.size(), 400u);
  std::string prefix = "[lexwatch] Energi: ";
  ASSERT_TRUE(m.subject.starts_with(prefix));
  EXPECT_EQ(m.subject.substr(prefix.size()),
            input.item.title.substr(0, 120 / 4 * 7) + "…");
}

TEST(RenderAlert, EscapesFeedTextInHtmlPart) {
  AlertInput input = SampleInput();
  input.item.title = "Bygg & anlegg <script>alert('x')</script> \"sitat\"";
  input.reasons[0].description = "Regel <b>fet</b>";
  input.agency_name = "Etat & co";
  Rendered r = Render(input);
  ASSERT_EQ(r.parts.size(), 2u);
  std::string html = PartText(r, 1);
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("<b>fet")));
  EXPECT_THAT(html,
              HasSubstr("Bygg &amp; anlegg &lt;script&gt;alert(&#39;x&#39;)"
                        "&lt;/script&gt; &quot;sitat&quot;"));
  EXPECT_THAT(html, HasSubstr("Regel &lt;b&gt;fet&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("Ny EU/EØS-rettsakt som berører Etat &amp; co"));
  // The plain part is plain text: no escaping there.
  EXPECT_THAT(PartText(r, 0), HasSubstr("<script>alert('x')</script>"));
}

TEST(RenderAlert, LinksOnlyHttpUrls) {
  AlertInput input = SampleInput();
  Rendered good = Render(input);
  EXPECT_THAT(PartText(good, 1),
              HasSubstr("<a href=\"https://eur-lex.europa.eu/./legal-content/"
                        "AUTO/?uri=CELEX:32024L1275\""));
  EXPECT_THAT(PartText(good, 0),
              HasSubstr("Lenke: https://eur-lex.europa.eu/./legal-content/"
                        "AUTO/?uri=CELEX:32024L1275\r\n"));

  input.item.link = "javascript:alert(document.cookie)";
  Rendered bad = Render(input);
  EXPECT_THAT(bad.message.bytes, Not(HasSubstr("javascript")));
  EXPECT_THAT(PartText(bad, 1), Not(HasSubstr("<a ")));
  EXPECT_THAT(PartText(bad, 0), Not(HasSubstr("Lenke:")));
}

TEST(RenderAlert, TitleWithLineBreaksCannotInjectHeaders) {
  AlertInput input = SampleInput();
  input.item.title = "Act\r\nBcc: victim@example.com\r\n\r\nbody";
  input.reasons[0].topic = "T\nX-Evil: 1";
  Rendered r = Render(input);
  EXPECT_EQ(RawHeader(r.headers, "Bcc"), "");
  EXPECT_EQ(RawHeader(r.headers, "X-Evil"), "");
  for (const std::string& line : Lines(r.headers)) {
    EXPECT_FALSE(line.starts_with("Bcc")) << line;
    EXPECT_FALSE(line.starts_with("X-Evil")) << line;
  }
  EXPECT_EQ(DecodeRfc2047(Unfold(RawHeader(r.headers, "Subject"))),
            "[lexwatch] T X-Evil: 1: Act  Bcc: victim@example.com    body");
}

TEST(RenderAlert, SameInputGivesIdenticalBytes) {
  AlertInput input = SampleInput();
  input.item.title = "Forordning om vannforsyning – særlige krav";
  EXPECT_EQ(RenderAlert(input).bytes, RenderAlert(input).bytes);
  AlertInput other = input;
  other.message_id = "other@lexwatch.oslo.kommune.no";
  EXPECT_NE(RenderAlert(input).bytes, RenderAlert(other).bytes);
}

TEST(RenderAlert, KnownTopicsAreNamedInNorwegian) {
  AlertInput input = SampleInput();
  input.reasons[0].topic = "state-aid";
  Rendered r = Render(input);
  EXPECT_EQ(r.message.subject.rfind("[lexwatch] offentlig støtte: ", 0), 0u)
      << r.message.subject;
  EXPECT_THAT(PartText(r, 0), HasSubstr("(tema: offentlig støtte)\r\n"));
}

TEST(RenderAlert, QueryFieldsAreNamedInNorwegian) {
  AlertInput input = SampleInput();
  input.reasons[0].terms = {"circular economy"};
  input.reasons[0].fields = {"eurovoc"};
  Rendered r = Render(input);
  EXPECT_THAT(PartText(r, 0),
              HasSubstr("Treff: «circular economy» (EuroVoc-emneord)\r\n"));
}

TEST(RenderAlert, ExactTermsAreShownWithoutTheirRuleQuotes) {
  AlertInput input = SampleInput();
  input.reasons[0].terms = {"\"(EU) 2024/1275\"", "buildings"};
  input.reasons[0].fields = {"title", "title"};
  Rendered r = Render(input);
  EXPECT_THAT(PartText(r, 0),
              HasSubstr("Treff: «(EU) 2024/1275» (tittel), «buildings» "
                        "(tittel)\r\n"));
}

TEST(RenderAlert, PlainPartExplainsTheMatchInNorwegian) {
  Rendered r = Render(SampleInput());
  std::string text = PartText(r, 0);
  EXPECT_THAT(text, HasSubstr("Ny EU/EØS-rettsakt som berører "
                              "Plan- og bygningsetaten\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nDirective (EU) 2024/1275 of the European "
                              "Parliament and of the Council on the energy "
                              "performance of buildings\r\n"));
  EXPECT_THAT(text, HasSubstr("CELEX: 32024L1275 (direktiv)\r\n"));
  EXPECT_THAT(text, HasSubstr("Publisert: 30.06.2026\r\n"));
  EXPECT_THAT(text, HasSubstr("- Energikrav til bygninger (tema: Energi)\r\n"
                              "  Treff: «energy performance» (tittel), "
                              "«buildings» (tittel)\r\n"));
  EXPECT_THAT(text, HasSubstr("sendt automatisk av lexwatch"));
  EXPECT_THAT(text, HasSubstr("Kontakt den som forvalter varslingsreglene"));
}

TEST(RenderAlert, FooterNamesContactWhenGiven) {
  AlertInput input = SampleInput();
  input.contact = "EU-koordinator, eu@byr.oslo.kommune.no";
  Rendered r = Render(input);
  EXPECT_THAT(PartText(r, 0),
              HasSubstr("Kontakt EU-koordinator, eu@byr.oslo.kommune.no."));
  EXPECT_THAT(PartText(r, 1),
              HasSubstr("Kontakt EU-koordinator, eu@byr.oslo.kommune.no."));
}

TEST(RenderAlert, LeavesInvalidAddressesOutOfHeaders) {
  AlertInput input = SampleInput();
  input.to = {"ok@pbe.oslo.kommune.no", "a@b.no\r\nBcc: x@y.no"};
  input.from = "Oslo\r\nBcc: x@y.no <lexwatch@oslo.kommune.no>";
  Rendered r = Render(input);
  EXPECT_EQ(RawHeader(r.headers, "To"), "ok@pbe.oslo.kommune.no");
  EXPECT_EQ(RawHeader(r.headers, "From"), "lexwatch@localhost.invalid");
  EXPECT_EQ(RawHeader(r.headers, "Bcc"), "");
}

TEST(RenderAlert, EncodesNonAsciiSenderName) {
  AlertInput input = SampleInput();
  input.from = "Byrådsavdeling for næring <lexwatch@oslo.kommune.no>";
  Rendered r = Render(input);
  std::string from = RawHeader(r.headers, "From");
  EXPECT_EQ(DecodeRfc2047(Unfold(from)),
            "Byrådsavdeling for næring <lexwatch@oslo.kommune.no>");
  EXPECT_TRUE(from.starts_with("=?UTF-8?B?"));
}

TEST(RenderAlert, HasNoPublicationLineWithoutDate) {
  AlertInput input = SampleInput();
  input.item.published.reset();
  EXPECT_THAT(PartText(Render(input), 0), Not(HasSubstr("Publisert")));
}

TEST(EncodeHeader, LeavesShortAsciiAlone) {
  EXPECT_EQ(EncodeHeader("Hello world", 9), "Hello world");
}

TEST(EncodeHeader, FoldsLongAsciiAtSpaces) {
  std::string value;
  for (int i = 0; i < 30; ++i) value += "word" + std::to_string(i) + " ";
  value.pop_back();
  std::string encoded = EncodeHeader(value, 9);
  EXPECT_EQ(Unfold(encoded), value);
  EXPECT_THAT(encoded, HasSubstr("\r\n "));
  for (const std::string& line : Lines("Subject: " + encoded)) {
    EXPECT_LE(line.size(), 76u);
  }
}

TEST(EncodeHeader, EncodesTextThatLooksLikeAnEncodedWord) {
  std::string encoded = EncodeHeader("=?UTF-8?B?SGk=?=", 9);
  EXPECT_TRUE(encoded.starts_with("=?UTF-8?B?"));
  EXPECT_EQ(DecodeRfc2047(Unfold(encoded)), "=?UTF-8?B?SGk=?=");
}

TEST(EncodeHeader, NeverSplitsUtf8SequencesAtAnyOffset) {
  std::string value;
  for (int i = 0; i < 40; ++i) value += "ø€𝄞a";  // 2, 3, 4 and 1 octets.
  for (std::size_t used = 0; used < 80; ++used) {
    std::string encoded = EncodeHeader(value, used);
    ASSERT_EQ(DecodeRfc2047(Unfold(encoded)), value) << used;
    for (const std::string& word : EncodedWords(encoded)) {
      ASSERT_LE(word.size(), 75u);
      std::string part = DecodeBase64(word.substr(10, word.size() - 12));
      unsigned char first = static_cast<unsigned char>(part[0]);
      ASSERT_NE(first & 0xC0, 0x80u) << "word starts mid-character";
    }
    std::vector<std::string> lines = Lines(encoded);
    if (!lines[0].empty()) {
      ASSERT_LE(used + lines[0].size(), 76u) << used;
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
      ASSERT_LE(lines[i].size(), 76u);
      ASSERT_EQ(lines[i][0], ' ');
    }
  }
}

TEST(EncodeHeader, ReplacesControlCharacters) {
  EXPECT_EQ(EncodeHeader("a\r\nb\tc", 9), "a  b c");
}

TEST(MakeMessageId, IsStableAndDistinguishesItemsAndAgencies) {
  std::string id = MakeMessageId("celex:32024L1275", "pbe", "lw.example.no");
  EXPECT_EQ(id, MakeMessageId("celex:32024L1275", "pbe", "lw.example.no"));
  EXPECT_NE(id, MakeMessageId("celex:32024L1276", "pbe", "lw.example.no"));
  EXPECT_NE(id, MakeMessageId("celex:32024L1275", "bym", "lw.example.no"));
  EXPECT_THAT(id,
              ::testing::MatchesRegex("[0-9a-f]{32}-pbe@lw\\.example\\.no"));
}

TEST(MakeMessageId, KeepsOnlyMessageIdCharacters) {
  std::string id = MakeMessageId("k", "a b>c", "bad host>\r\n");
  EXPECT_THAT(id, ::testing::MatchesRegex("[0-9a-f]{32}-a_b_c@badhost"));
  EXPECT_THAT(MakeMessageId("k", "x", ""), HasSubstr("@lexwatch.invalid"));
}

TEST(ValidateAddress, AcceptsOrdinaryAddresses) {
  EXPECT_TRUE(ValidateAddress("postmottak@pbe.oslo.kommune.no").ok());
  EXPECT_TRUE(ValidateAddress("first.last+tag@example.no").ok());
  EXPECT_TRUE(ValidateAddress("x@a-b.example").ok());
}

TEST(ValidateAddress, RejectsSmtpCommandInjection) {
  Status s = ValidateAddress("a@b.no\r\nRCPT TO:<x@y>");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(),
            "invalid address \"a@b.no\\r\\nRCPT TO:<x@y>\": contains a control "
            "character");
}

TEST(ValidateAddress, NamesWhatIsWrong) {
  auto message = [](std::string_view a) {
    return ValidateAddress(a).message();
  };
  EXPECT_EQ(message(""), "invalid address \"\": empty");
  EXPECT_EQ(message("a b@c.no"),
            "invalid address \"a b@c.no\": contains a space");
  EXPECT_EQ(message("ab.no"), "invalid address \"ab.no\": missing '@'");
  EXPECT_EQ(message("a@b@c.no"),
            "invalid address \"a@b@c.no\": more than one '@'");
  EXPECT_EQ(message("@c.no"), "invalid address \"@c.no\": empty local part");
  EXPECT_EQ(message("a@localhost"),
            "invalid address \"a@localhost\": domain has no dot");
  EXPECT_EQ(message("a@c..no"),
            "invalid address \"a@c..no\": empty label in domain");
  EXPECT_EQ(message("a.@c.no"),
            "invalid address \"a.@c.no\": empty label in local part");
  EXPECT_EQ(message("<a@c.no>"),
            "invalid address \"<a@c.no>\": contains a '<'");
  EXPECT_EQ(message("a,b@c.no"),
            "invalid address \"a,b@c.no\": contains a ','");
  EXPECT_EQ(message("bjørn@c.no"),
            "invalid address \"bjørn@c.no\": contains a non-ASCII character");
  EXPECT_EQ(message("a@c_d.no"),
            "invalid address \"a@c_d.no\": bad character in domain");
  EXPECT_EQ(
      message("a@-c.no"),
      "invalid address \"a@-c.no\": domain label starts or ends with '-'");
}

TEST(ParseMailbox, SplitsNameAndAddress) {
  std::string name, addr;
  ASSERT_TRUE(
      ParseMailbox("Lexwatch Oslo <lw@oslo.kommune.no>", &name, &addr).ok());
  EXPECT_EQ(name, "Lexwatch Oslo");
  EXPECT_EQ(addr, "lw@oslo.kommune.no");
  ASSERT_TRUE(ParseMailbox("  lw@oslo.kommune.no ", &name, &addr).ok());
  EXPECT_EQ(name, "");
  EXPECT_EQ(addr, "lw@oslo.kommune.no");
  ASSERT_TRUE(
      ParseMailbox("\"Oslo, \\\"EU\\\"\" <lw@oslo.kommune.no>", &name, &addr)
          .ok());
  EXPECT_EQ(name, "Oslo, \"EU\"");
  ASSERT_TRUE(ParseMailbox("<lw@oslo.kommune.no>", &name, &addr).ok());
  EXPECT_EQ(name, "");
  EXPECT_EQ(addr, "lw@oslo.kommune.no");
}

TEST(ParseMailbox, RejectsBadMailboxes) {
  EXPECT_EQ(
      ParseMailbox("Name <lw@oslo.kommune.no", nullptr, nullptr).message(),
      "invalid mailbox \"Name <lw@oslo.kommune.no\": expected \"Name "
      "<address>\"");
  EXPECT_EQ(ParseMailbox("Name <lw@oslo>", nullptr, nullptr).message(),
            "invalid address \"lw@oslo\": domain has no dot");
  EXPECT_EQ(
      ParseMailbox("Na\r\nme <lw@oslo.kommune.no>", nullptr, nullptr).message(),
      "invalid mailbox \"Na\\r\\nme <lw@oslo.kommune.no>\": control character "
      "in display name");
  EXPECT_TRUE(
      ParseMailbox("a <b> <c@d.no>", nullptr, nullptr).IsInvalidArgument());
}

}  // namespace
}  // namespace lexwatch::mail
