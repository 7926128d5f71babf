// Query strings in rule files: syntax, and errors with their exact place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "rules/rules_test_util.h"

namespace lexwatch::rules {
namespace {

using testing::CompileOne;
using testing::Messages;
using Lines = std::vector<std::string>;

// A rule whose query line is line 5; `query` is the TOML value as written
// ('...' puts the query's first character at column 10).
LoadResult QueryRule(const std::string& query,
                     const std::string& path = "rules/test.toml") {
  return CompileOne(
      "[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies = [\"vav\"]\n"
      "query = " +
          query + "\n",
      path);
}

Lines Errors(const std::string& query) { return Messages(QueryRule(query)); }

TEST(QueryParser, ValidQueriesCompileWithoutDiagnostics) {
  for (const char* query :
       {"'water'", "'water AND sewage'", "'water sewage'", "'water OR sewage'",
        "'water AND NOT fishing'", "'(water OR avløp) NOT \"Union waters\"'",
        "'procure* OR \"public procure*\"'", "'\"water reuse\"~3'",
        "'sewage NEAR/2 sludge NEAR/2 treatment'",
        "'title:(water OR sewage) summary:drinking'",
        "'type:directive celex:32024L* eea:true lang:en source:oj-l'",
        "'annex:XX OR eurovoc:\"water supply\" OR author:Council'",
        "'type:(directive OR regulation) AND title:water'",
        "'type:eea-decision annex:environment'", "'rock and roll or not'"}) {
    LoadResult result = QueryRule(query);
    EXPECT_TRUE(result.ok()) << query;
    EXPECT_EQ(Messages(result), Lines{}) << query;
  }
}

TEST(QueryParser, UnclosedParenthesisIsReportedAtTheEndNamingItsColumn) {
  EXPECT_EQ(QueryRule("'title:(water OR sewage'", "rules/water.toml")
                .diagnostics[0]
                .ToString(),
            "rules/water.toml:5:32: unbalanced parenthesis: '(' at column 16 "
            "is never closed");
}

TEST(QueryParser, UnopenedParenthesisIsReportedWhereItStands) {
  EXPECT_EQ(Errors("'water OR sewage)'"),
            Lines{"rules/test.toml:5:25: unbalanced parenthesis: ')' has no "
                  "matching '('"});
}

TEST(QueryParser, DanglingOperatorsAreErrors) {
  EXPECT_EQ(Errors("'water AND'"),
            Lines{"rules/test.toml:5:16: dangling operator 'AND' at end of "
                  "query"});
  EXPECT_EQ(Errors("'OR water'"),
            Lines{"rules/test.toml:5:10: dangling operator 'OR' at start of "
                  "query"});
  EXPECT_EQ(Errors("'(AND water)'"),
            Lines{"rules/test.toml:5:11: dangling operator 'AND' after '('"});
  EXPECT_EQ(Errors("'(water OR) sewage'"),
            Lines{"rules/test.toml:5:17: dangling operator 'OR' before ')'"});
  EXPECT_EQ(Errors("'water AND OR sewage'"),
            Lines{"rules/test.toml:5:20: missing term between 'AND' and "
                  "'OR'"});
  EXPECT_EQ(Errors("'water NOT'"),
            Lines{"rules/test.toml:5:16: dangling operator 'NOT' at end of "
                  "query"});
}

TEST(QueryParser, NestingBeyondTheLimitIsAnErrorNotACrash) {
  const std::string deep =
      std::string(100, '(') + "water" + std::string(100, ')');
  EXPECT_EQ(Errors("'" + deep + "'"), Lines{});
  EXPECT_EQ(Errors("'(" + deep + ")'"),
            Lines{"rules/test.toml:5:111: query nested too deeply (more than "
                  "100 levels of parentheses, NOT or field:)"});
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_EQ(Errors("'" + nots + "water'"),
            Lines{"rules/test.toml:5:414: query nested too deeply (more than "
                  "100 levels of parentheses, NOT or field:)"});
  std::string fields;
  for (int i = 0; i < 100000; ++i) fields += "title:";
  EXPECT_EQ(Errors("'" + fields + "water'"),
            Lines{"rules/test.toml:5:610: query nested too deeply (more than "
                  "100 levels of parentheses, NOT or field:)"});
}

TEST(QueryParser, UnknownFieldListsTheKnownOnes) {
  EXPECT_EQ(Errors("'water titel:sewage'"),
            Lines{"rules/test.toml:5:16: unknown field 'titel:' (known: title, "
                  "summary, author, celex, type, source, eurovoc, eea, annex, "
                  "lang)"});
}

TEST(QueryParser, UnknownTypeListsTheKnownOnes) {
  EXPECT_EQ(Errors("'type:directiv'"),
            Lines{"rules/test.toml:5:15: unknown type 'directiv' (known: "
                  "regulation, directive, decision, recommendation, proposal, "
                  "communication, judgment, corrigendum, eea-decision, "
                  "other)"});
}

TEST(QueryParser, EeaTakesOnlyTrueOrFalse) {
  EXPECT_EQ(Errors("'eea:yes'"),
            Lines{"rules/test.toml:5:14: 'eea:' takes true or false, not "
                  "'yes'"});
}

TEST(QueryParser, QueryThatCanFireOnNothingIsRefused) {
  EXPECT_EQ(Errors("'NOT fishing'"),
            Lines{"rules/test.toml:5:10: query has no term to look for (NOT "
                  "alone cannot fire)"});
  EXPECT_EQ(Errors("'water OR NOT fishing'"),
            Lines{"rules/test.toml:5:10: query has no term to look for (NOT "
                  "alone cannot fire)"});
}

TEST(QueryParser, EmptyQueriesAreErrors) {
  EXPECT_EQ(Errors("''"), Lines{"rules/test.toml:5:10: empty query"});
  EXPECT_EQ(Errors("'   '"), Lines{"rules/test.toml:5:10: empty query"});
  EXPECT_EQ(Errors("'water ()'"),
            Lines{"rules/test.toml:5:16: empty parentheses '()'"});
  EXPECT_EQ(Errors("'water \"\"'"),
            Lines{"rules/test.toml:5:16: empty phrase"});
  EXPECT_EQ(Errors("'title:'"),
            Lines{"rules/test.toml:5:10: field 'title:' needs a term"});
}

TEST(QueryParser, MalformedWordsAreErrors) {
  EXPECT_EQ(Errors("'pro*cure'"),
            Lines{"rules/test.toml:5:13: '*' may only end a word"});
  EXPECT_EQ(Errors("'water~3'"),
            Lines{"rules/test.toml:5:15: '~' may only follow a quoted phrase, "
                  "as in '\"water reuse\"~3'"});
  EXPECT_EQ(Errors("'water - sewage'"),
            Lines{"rules/test.toml:5:16: term '-' has no letters or digits"});
  EXPECT_EQ(Errors("'\"water reuse\"~x'"),
            Lines{"rules/test.toml:5:23: expected a number of words after "
                  "'~'"});
}

TEST(QueryParser, UnterminatedQuoteIsReportedAtTheEnd) {
  EXPECT_EQ(Errors("'water \"drinking water'"),
            Lines{"rules/test.toml:5:31: unterminated quote: '\"' at column 16 "
                  "is never closed"});
}

TEST(QueryParser, NearNeedsADistanceAndPlainOperands) {
  EXPECT_EQ(Errors("'sewage NEAR sludge'"),
            Lines{"rules/test.toml:5:17: NEAR needs a distance in words, as in "
                  "'NEAR/3'"});
  EXPECT_EQ(Errors("'sewage NEAR/0 sludge'"),
            Lines{"rules/test.toml:5:17: NEAR needs a distance in words, as in "
                  "'NEAR/3'"});
  EXPECT_EQ(Errors("'(a OR b) NEAR/3 c'"),
            Lines{"rules/test.toml:5:19: NEAR needs a word or phrase in a text "
                  "field on each side"});
  EXPECT_EQ(Errors("'title:a NEAR/3 b'"),
            Lines{"rules/test.toml:5:18: NEAR needs both sides in the same "
                  "fields"});
  EXPECT_EQ(Errors("'a NEAR/3 b NEAR/4 c'"),
            Lines{"rules/test.toml:5:21: NEAR distances in one chain must be "
                  "equal"});
  EXPECT_EQ(Errors("'type:directive NEAR/3 water'"),
            Lines{"rules/test.toml:5:25: NEAR needs a word or phrase in a text "
                  "field on each side"});
}

TEST(QueryParser, PositionsCountEscapesInBasicStrings) {
  // `\"` is two characters in the file and one in the query.
  EXPECT_EQ(Errors("\"\\\"water reuse\\\"~3 AND (x\""),
            Lines{"rules/test.toml:5:34: unbalanced parenthesis: '(' at column "
                  "32 is never closed"});
}

TEST(QueryParser, PositionsFollowLinesOfMultiLineStrings) {
  EXPECT_EQ(Errors("'''\nwater AND\n  (sewage OR'''"),
            Lines{"rules/test.toml:7:11: dangling operator 'OR' at end of "
                  "query"});
  EXPECT_EQ(Errors("'''(water\n AND sewage'''"),
            Lines{"rules/test.toml:6:12: unbalanced parenthesis: '(' at line "
                  "5, column 12 is never closed"});
  EXPECT_EQ(Errors("\"\"\"\nwater \\\n   AND titel:x\"\"\""),
            Lines{"rules/test.toml:7:8: unknown field 'titel:' (known: title, "
                  "summary, author, celex, type, source, eurovoc, eea, annex, "
                  "lang)"});
}

TEST(QueryParser, QueryAndListsInOneRuleIsAnError) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies = [\"vav\"]\n"
      "any = [\"water\"]\nnone = [\"fish\"]\nquery = 'sewage'\n");
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:7:9: rule 'r' gives both 'query' and 'any', "
                  "'none': write the query one way only"});
}

TEST(QueryParser, FieldsListDoesNotApplyToAQuery) {
  EXPECT_EQ(Messages(CompileOne(
                "[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies = "
                "[\"vav\"]\nfields = [\"title\"]\nquery = 'sewage'\n")),
            Lines{"rules/test.toml:5:10: field 'fields' in rule 'r' applies to "
                  "'any', 'all' and 'none' lists; in a query write title: or "
                  "summary:"});
}

TEST(QueryParser, QueryOfWrongTypeIsAnError) {
  EXPECT_EQ(Errors("3"),
            Lines{"rules/test.toml:5:9: field 'query' in rule 'r' must be a "
                  "string"});
}

TEST(QueryParser, PriorityMustBeUrgentOrNormal) {
  EXPECT_EQ(Messages(CompileOne(
                "[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies = "
                "[\"vav\"]\nany = [\"water\"]\npriority = \"high\"\n")),
            Lines{"rules/test.toml:6:12: unknown priority 'high' in rule 'r' "
                  "(known: normal, urgent)"});
}

TEST(QueryWarnings, RequiredAndExcludedTermInAQuery) {
  LoadResult result = QueryRule("'water AND sewage AND NOT Water'");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:5:10: warning: rule 'r' can never match: "
                  "term 'water' is required and also excluded"});
}

TEST(QueryWarnings, RequiredAndExcludedTermInLists) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies = [\"vav\"]\n"
      "any = [\"sewage\"]\nall = [\"waters\"]\nnone = [\"fish\", \"water\"]\n");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:6:8: warning: rule 'r' can never match: "
                  "term 'waters' is required and also excluded"});
}

TEST(QueryWarnings, ExcludedTermInOtherFieldsIsNoWarning) {
  EXPECT_EQ(Messages(QueryRule("'title:water AND NOT summary:water'")),
            Lines{});
  EXPECT_EQ(Messages(QueryRule("'water AND NOT \"water\"'")), Lines{});
}

TEST(QueryWarnings, RuleFiringOnCommonWordsAlone) {
  EXPECT_EQ(Messages(QueryRule("'\"of the\" OR water'")),
            Lines{"rules/test.toml:5:10: warning: rule 'r' matches almost "
                  "everything: '\"of the\"' is a very common word"});
  EXPECT_EQ(
      Messages(CompileOne("[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies "
                          "= [\"vav\"]\nany = [\"vann\", \"EU\", \"og\"]\n")),
      Lines{"rules/test.toml:5:16: warning: rule 'r' matches almost "
            "everything: 'EU' is a very common word"});
  EXPECT_EQ(Messages(QueryRule("'ab*'")),
            Lines{"rules/test.toml:5:10: warning: rule 'r' matches almost "
                  "everything: 'ab*' is a very common word"});
}

TEST(QueryWarnings, CommonWordsWithARealTermAreFine) {
  EXPECT_EQ(Messages(QueryRule("'the AND water'")), Lines{});
  EXPECT_EQ(Messages(QueryRule("'\"water of the\" OR 5G OR lang:en'")),
            Lines{});
}

}  // namespace
}  // namespace lexwatch::rules
