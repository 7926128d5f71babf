#include "core/sanitize.h"

#include <gtest/gtest.h>

#include <string>

namespace lexwatch {
namespace {

TEST(SanitizeLine, KeepsPlainTextUnchanged) {
  EXPECT_EQ(SanitizeLine("Vannforsyning og bærekraft", 100),
            "Vannforsyning og bærekraft");
}

TEST(SanitizeLine, FoldsLineBreaksAndTabsToOneSpace) {
  EXPECT_EQ(SanitizeLine("one\r\ntwo\tthree\n\n four", 100),
            "one two three four");
}

TEST(SanitizeLine, FoldsLineAndParagraphSeparatorsToSpaces) {
  EXPECT_EQ(SanitizeLine("a\u2028b\u2029c", 100), "a b c");
}

TEST(SanitizeLine, FoldsNoBreakSpaceToSpace) {
  EXPECT_EQ(SanitizeLine("No\u00A0517/2014", 100), "No 517/2014");
}

TEST(SanitizeLine, TrimsBothEnds) {
  EXPECT_EQ(SanitizeLine(" \t title \r\n", 100), "title");
}

TEST(SanitizeLine, DropsControlCharacters) {
  EXPECT_EQ(SanitizeLine("a\x01"
                         "b\x1b[31mc\x7f"
                         "d",
                         100),
            "ab[31mcd");
  EXPECT_EQ(SanitizeLine(std::string("x\0y", 3), 100), "xy");
  EXPECT_EQ(SanitizeLine("c1\u0080\u009f end", 100), "c1 end");
}

TEST(SanitizeLine, DropsBidiOverrides) {
  EXPECT_EQ(SanitizeLine("abc\u202Egpj.exe\u202C", 100), "abcgpj.exe");
}

TEST(SanitizeLine, ReplacesInvalidUtf8WithReplacementCharacter) {
  EXPECT_EQ(SanitizeLine("a\xff"
                         "b",
                         100),
            "a\uFFFD"
            "b");
  // A truncated three-byte sequence is one replacement, not two.
  EXPECT_EQ(SanitizeLine("a\xE2\x82"
                         "b",
                         100),
            "a\uFFFD"
            "b");
  // Overlong encoding of '/' and a UTF-16 surrogate.
  EXPECT_EQ(SanitizeLine("\xC0\xAF", 100), "\uFFFD\uFFFD");
  EXPECT_TRUE(IsValidUtf8(SanitizeLine("\xED\xA0\x80 x", 100)));
}

TEST(SanitizeLine, LeavesShortEnoughTextUncut) {
  EXPECT_EQ(SanitizeLine("abcdef", 6), "abcdef");
}

TEST(SanitizeLine, CutsAtCharacterBoundaryWithEllipsis) {
  // "ø" is two bytes; 10 bytes leave room for 7 bytes before the ellipsis.
  const std::string out = SanitizeLine("søknad om byggetillatelse", 10);
  EXPECT_EQ(out, "søknad\u2026");
  EXPECT_LE(out.size(), 10u);
  EXPECT_TRUE(IsValidUtf8(out));
}

TEST(SanitizeLine, CutNeverSplitsAMultibyteCharacter) {
  const std::string in = "ææææææææææ";  // 20 bytes.
  for (std::size_t max = 0; max < in.size(); ++max) {
    const std::string out = SanitizeLine(in, max);
    EXPECT_LE(out.size(), max) << max;
    EXPECT_TRUE(IsValidUtf8(out)) << max;
  }
}

TEST(SanitizeLine, CutKeepsCombiningAccentWithItsLetter) {
  // "e" + U+0301 COMBINING ACUTE is one grapheme of three bytes.
  const std::string out = SanitizeLine("abe\u0301xyz", 7);
  EXPECT_EQ(out, "ab\u2026");
}

TEST(SanitizeLine, CutDropsSpaceBeforeEllipsis) {
  EXPECT_EQ(SanitizeLine("abc defgh", 7), "abc\u2026");
}

TEST(SanitizeLine, HugeInputIsCappedAtMaxBytes) {
  const std::string in(10'000'000, 'x');
  const std::string out = SanitizeLine(in, kMaxTitleBytes);
  EXPECT_EQ(out.size(), kMaxTitleBytes);
  EXPECT_TRUE(out.ends_with("\u2026"));
}

TEST(IsValidUtf8, AcceptsValidText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Plan- og bygningsloven \u00e6\u00f8\u00e5 \u20ac"));
  EXPECT_TRUE(IsValidUtf8("\U0001F600"));
}

TEST(IsValidUtf8, RejectsBrokenSequences) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // Truncated.
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // Overlong.
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // Overlong.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // Surrogate U+D800.
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // Beyond U+10FFFF.
}

TEST(HtmlToText, DropsTagsAndKeepsInlineWordsTogether) {
  EXPECT_EQ(HtmlToText("<p>Water <b>supply</b>, <a href=\"x\">link</a></p>"),
            " Water supply, link ");
}

TEST(HtmlToText, BlockTagsBecomeSpaces) {
  EXPECT_EQ(SanitizeLine(HtmlToText("<p>one</p><p>two</p>three<br/>four"), 100),
            "one two three four");
}

TEST(HtmlToText, DecodesNumericEntities) {
  EXPECT_EQ(HtmlToText("Europe&#8217;s &#x2019;x&#X2019;"),
            "Europe\u2019s \u2019x\u2019");
}

TEST(HtmlToText, DecodesNamedEntities) {
  EXPECT_EQ(HtmlToText("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"),
            "a & b <c> \"d\" 'e'");
  EXPECT_EQ(HtmlToText("&hellip;&ndash;&mdash;&euro;&lsquo;&rsquo;&ldquo;"
                       "&rdquo;&nbsp;"),
            "\u2026\u2013\u2014\u20ac\u2018\u2019\u201c\u201d\u00a0");
  EXPECT_EQ(HtmlToText("&aring;&aelig;&oslash;&Aring;&AElig;&Oslash;&eacute;"),
            "åæøÅÆØé");
}

TEST(HtmlToText, LeavesUnknownEntitiesAndStrayAmpersandsAlone) {
  EXPECT_EQ(HtmlToText("R&D &bogus; &; &#; a&b"), "R&D &bogus; &; &#; a&b");
}

TEST(HtmlToText, DropsNulAndInvalidCodePoints) {
  EXPECT_EQ(HtmlToText("a&#0;b&#xD800;c&#x110000;d&#99999999;e"), "abcde");
}

TEST(HtmlToText, SkipsScriptAndStyleContent) {
  EXPECT_EQ(SanitizeLine(HtmlToText("a<script>alert('<p>x</p>')</SCRIPT>b"
                                    "<style type=\"text/css\">p{}</style>c"),
                         100),
            "a b c");
}

TEST(HtmlToText, SkipsComments) {
  EXPECT_EQ(HtmlToText("a<!-- <p>hidden</p> -->b"), "ab");
}

TEST(HtmlToText, KeepsLessThanThatIsNotATag) {
  EXPECT_EQ(HtmlToText("a < b and 3<4"), "a < b and 3<4");
}

TEST(HtmlToText, UnterminatedMarkupDropsTheRest) {
  EXPECT_EQ(HtmlToText("text <a href=\"never closed"), "text ");
  EXPECT_EQ(HtmlToText("x<script>never closed"), "x");
  EXPECT_EQ(HtmlToText("y<!-- never closed"), "y");
}

// The ASCII fast path must classify each byte as the Unicode path does.
TEST(SanitizeLine, DropsAsciiControlsInsideAsciiRuns) {
  EXPECT_EQ(SanitizeLine("ab\x01\x02"
                         "cd\x1f"
                         "ef\x7f",
                         100),
            "abcdef");
}

TEST(SanitizeLine, FoldsCrLfVtFfInsideAsciiRunsToOneSpace) {
  EXPECT_EQ(SanitizeLine("a\r\n\x0b\x0c b\rc\nd", 100), "a b c d");
}

TEST(SanitizeLine, DropsNulWithoutSplittingOrJoiningWords) {
  EXPECT_EQ(SanitizeLine(std::string("\0ab\0\0cd \0ef\0", 11), 100), "abcd ef");
}

TEST(SanitizeLine, MixesAsciiAndNonAsciiRuns) {
  EXPECT_EQ(SanitizeLine("EØS-komiteens\u00A0\tbeslutning \u202Enr\u202C 12"
                         "\u2028\u00e6",
                         100),
            "EØS-komiteens beslutning nr 12 \u00e6");
}

TEST(SanitizeLine, ReplacesInvalidUtf8RightAfterAnAsciiRun) {
  EXPECT_EQ(SanitizeLine("abc\xff", 100), "abc\uFFFD");
  EXPECT_EQ(SanitizeLine("abc\xC3", 100), "abc\uFFFD");
  EXPECT_EQ(SanitizeLine("abc\xE2\x82"
                         "def",
                         100),
            "abc\uFFFD"
            "def");
  EXPECT_EQ(SanitizeLine("abc \x80 def", 100), "abc \uFFFD def");
}

TEST(SanitizeLine, CutsAsciiRunWithPendingSpaceAtTheLimit) {
  EXPECT_EQ(SanitizeLine("abcd efgh", 4), "a\u2026");
  EXPECT_EQ(SanitizeLine("abcdefghij", 6), "abc\u2026");
  EXPECT_EQ(SanitizeLine("ab cd", 2), "ab");
  EXPECT_EQ(SanitizeLine("abc", 2), "ab");
}

// Clean ASCII is checked eight bytes at a time: whatever its offset, a byte
// that needs work must be found, and the bytes around it kept.
TEST(SanitizeLine, FindsWhatNeedsWorkAtEveryOffset) {
  for (std::size_t k = 0; k < 20; ++k) {
    const std::string head(k, 'a');
    const std::string tail(20 - k, 'b');
    const std::string space = k == 0 ? "" : " ";  // Leading space trimmed.
    SCOPED_TRACE("offset " + std::to_string(k));
    EXPECT_EQ(SanitizeLine(head + "  " + tail, 100), head + space + tail);
    EXPECT_EQ(SanitizeLine(head + " \t" + tail, 100), head + space + tail);
    EXPECT_EQ(SanitizeLine(head + "\n" + tail, 100), head + space + tail);
    EXPECT_EQ(SanitizeLine(head + "\x7f" + tail, 100), head + tail);
    EXPECT_EQ(SanitizeLine(head + "\x1f" + tail, 100), head + tail);
    EXPECT_EQ(SanitizeLine(head + "\xC3\xA9" + tail, 100),
              head + "\xC3\xA9" + tail);
    EXPECT_EQ(SanitizeLine(head + "\xC3" + tail, 100), head + "\uFFFD" + tail);
    EXPECT_EQ(SanitizeLine(head + " ~! " + tail, 100),
              head + space + "~! " + tail);
    EXPECT_EQ(SanitizeLine(head + tail + " ", 100), head + tail);
  }
}

TEST(HtmlToText, CopiesTextBetweenStrayMarkupCharacters) {
  EXPECT_EQ(HtmlToText("a < b && c <3 &"), "a < b && c <3 &");
  EXPECT_EQ(HtmlToText("x&amp;<b>y</b>\xff&lt;"), "x&y\xff<");
}

}  // namespace
}  // namespace lexwatch
