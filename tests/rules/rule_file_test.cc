#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "rules/rules_test_util.h"

namespace lexwatch::rules {
namespace {

using testing::CompileOne;
using testing::Messages;
using testing::OsloAgencies;
using Lines = std::vector<std::string>;

constexpr char kHeader[] =
    "[[rule]]\n"
    "id = \"water-drinking\"\n"
    "topic = \"water\"\n"
    "agencies = [\"vav\"]\n";

TEST(RuleFile, UnknownFieldIsAnErrorAtTheKey) {
  LoadResult result = CompileOne(std::string(kHeader) +
                                     "any = [\"water\"]\n"
                                     "titel = \"Water\"\n",
                                 "rules/water.toml");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{"rules/water.toml:6:1: unknown field 'titel' in rule "
                  "'water-drinking'"});
}

TEST(RuleFile, UnknownAgencyListsTheKnownOnes) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = \"w\"\ntopic = \"water\"\n"
      "agencies = [\"vav\", \"vva\"]\nany = [\"water\"]\n");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:4:20: unknown agency 'vva' (known: bym, "
                  "kli, pbe, uke, vav)"});
}

TEST(RuleFile, UnknownTopicListsTheKnownOnes) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = \"w\"\ntopic = \"watr\"\n"
      "agencies = [\"vav\"]\nany = [\"water\"]\n");
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:3:9: unknown topic 'watr' (known: planning, "
                  "procurement, state-aid, sustainability, transport, "
                  "water)"});
}

TEST(RuleFile, MissingRequiredFieldsAreReportedAtTheRuleHeader) {
  LoadResult result = CompileOne(
      "# A rule with nothing in it\n"
      "[[rule]]\n"
      "description = \"nothing\"\n");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Messages(result),
            (Lines{"rules/test.toml:2:1: missing field 'id' in rule #1",
                   "rules/test.toml:2:1: missing field 'topic' in rule #1",
                   "rules/test.toml:2:1: missing field 'agencies' in rule #1",
                   "rules/test.toml:2:1: rule #1 has no terms: give 'any' or "
                   "'all'"}));
}

TEST(RuleFile, EmptyQueryIsAnError) {
  LoadResult result = CompileOne(std::string(kHeader) +
                                 "any = []\nall = []\nnone = [\"fishing\"]\n");
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:5:1: rule 'water-drinking' has no terms: "
                  "'any' and 'all' are empty"});
}

TEST(RuleFile, WrongTypesAreErrorsAtTheValue) {
  LoadResult result = CompileOne(std::string(kHeader) +
                                 "any = \"water\"\n"
                                 "all = [\"water\", 3]\n"
                                 "description = 4\n"
                                 "enabled = \"yes\"\n"
                                 "fields = \"title\"\n");
  EXPECT_EQ(
      Messages(result),
      (Lines{"rules/test.toml:5:7: field 'any' in rule 'water-drinking' must "
             "be an array of strings",
             "rules/test.toml:6:17: field 'all' in rule 'water-drinking' must "
             "be an array of strings",
             "rules/test.toml:7:15: field 'description' in rule "
             "'water-drinking' must be a string",
             "rules/test.toml:8:11: field 'enabled' in rule 'water-drinking' "
             "must be true or false",
             "rules/test.toml:9:10: field 'fields' in rule 'water-drinking' "
             "must be an array of strings"}));
}

TEST(RuleFile, IdOfWrongTypeNamesTheRuleByNumber) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = 7\ntopic = \"water\"\nagencies = [\"vav\"]\n"
      "any = [\"water\"]\n");
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:2:6: field 'id' in rule #1 must be a "
                  "string"});
}

TEST(RuleFile, EmptyTermsAndMisplacedStarAreErrors) {
  LoadResult result = CompileOne(std::string(kHeader) +
                                 "any = [\"water\", \"\", \" - \"]\n"
                                 "none = [\"*\", \"pro*cure\"]\n");
  EXPECT_EQ(Messages(result),
            (Lines{"rules/test.toml:5:17: empty term in 'any' of rule "
                   "'water-drinking'",
                   "rules/test.toml:5:21: empty term in 'any' of rule "
                   "'water-drinking'",
                   "rules/test.toml:6:9: empty term in 'none' of rule "
                   "'water-drinking'",
                   "rules/test.toml:6:14: term 'pro*cure' in rule "
                   "'water-drinking': '*' may only end a term"}));
}

TEST(RuleFile, UnknownItemFieldIsAnError) {
  LoadResult result = CompileOne(std::string(kHeader) +
                                 "any = [\"water\"]\nfields = [\"body\"]\n");
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:6:11: unknown item field 'body' in rule "
                  "'water-drinking' (known: summary, title)"});
}

TEST(RuleFile, ExcludedTermIsOnlyAWarning) {
  LoadResult result = CompileOne(std::string(kHeader) +
                                 "any = [\"drinking water\", \"drikkevann\"]\n"
                                 "none = [\"Drinking  Water\"]\n");
  EXPECT_TRUE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_TRUE(result.diagnostics[0].warning);
  EXPECT_EQ(result.diagnostics[0].ToString(),
            "rules/test.toml:5:8: warning: rule 'water-drinking' can never "
            "match on 'drinking water': the term is also excluded");
}

TEST(RuleFile, AllProblemsOfAFileAreReportedInFileOrder) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = \"a\"\ntopic = \"water\"\nagencies = [\"vva\"]\n"
      "zzz = 1\nany = [\"water\"]\n"
      "[[rule]]\nid = \"b\"\ntopic = \"wet\"\nagencies = [\"vav\"]\n"
      "aaa = 1\nany = [\"water\"]\n");
  EXPECT_EQ(
      Messages(result),
      (Lines{"rules/test.toml:4:13: unknown agency 'vva' (known: bym, kli, "
             "pbe, uke, vav)",
             "rules/test.toml:5:1: unknown field 'zzz' in rule 'a'",
             "rules/test.toml:9:9: unknown topic 'wet' (known: planning, "
             "procurement, state-aid, sustainability, transport, water)",
             "rules/test.toml:11:1: unknown field 'aaa' in rule 'b'"}));
}

TEST(RuleFile, DuplicateIdAcrossFilesNamesTheFirstDefinition) {
  const std::string rule = std::string(kHeader) + "any = [\"water\"]\n";
  LoadResult result =
      CompileRules({{"rules/sustainability.toml", "# x\n" + rule},
                    {"rules/water.toml", rule}},
                   OsloAgencies());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{"rules/water.toml:2:6: duplicate rule id 'water-drinking' "
                  "(first defined at rules/sustainability.toml:3:6)"});
}

TEST(RuleFile, SyntaxErrorNamesItsPosition) {
  LoadResult result =
      CompileOne("[[rule]]\nid = \"a\"\nany = [\"water\" \"avløp\"]\n",
                 "rules/water.toml");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{"rules/water.toml:3:16: syntax error while parsing array: "
                  "expected comma or closing ']', saw '\"'"});
}

TEST(RuleFile, ProblemsInSeveralFilesAreAllReported) {
  LoadResult result = CompileRules({{"rules/a.toml", "id = = 1\n"},
                                    {"rules/b.toml", "[rule]\nid = \"x\"\n"},
                                    {"rules/c.toml", "# nothing yet\n"}},
                                   OsloAgencies());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(
      Messages(result),
      (Lines{"rules/a.toml:1:6: syntax error while parsing value: could "
             "not determine value type",
             "rules/b.toml:1:1: 'rule' must be written as [[rule]] tables",
             "rules/c.toml: warning: file defines no rules"}));
}

TEST(RuleFile, UnknownTopLevelKeyIsAnError) {
  LoadResult result = CompileOne("version = 1\n");
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:1:1: unknown top-level key 'version' (rules "
                  "are [[rule]] tables)"});
}

TEST(RuleFile, StarNotDirectlyAfterTheLastWordSaysWhatToWrite) {
  LoadResult result = CompileOne(std::string(kHeader) +
                                 "any = [\"water *\", \"water-*\", "
                                 "'\"drinking water\" *', \"avløp**\"]\n"
                                 "none = [\"procure*\", '\"public "
                                 "procure*\"']\n");
  EXPECT_EQ(
      Messages(result),
      (Lines{"rules/test.toml:5:8: term 'water *' in rule 'water-drinking': "
             "'*' must directly follow the last word: write 'water*'",
             "rules/test.toml:5:19: term 'water-*' in rule 'water-drinking': "
             "'*' must directly follow the last word: write 'water*'",
             "rules/test.toml:5:30: term '\"drinking water\" *' in rule "
             "'water-drinking': '*' must directly follow the last word: "
             "write '\"drinking water*\"'",
             "rules/test.toml:5:52: term 'avløp**' in rule 'water-drinking': "
             "'*' must directly follow the last word: write 'avløp*'"}));
}

TEST(RuleFile, QuerySyntaxInAListTermIsAWarningAtTheOperator) {
  LoadResult result = CompileOne(
      std::string(kHeader) +
      "any = [\"water NEAR/3 reuse\", \"title:sewage\", \"avløp OR "
      "vann\", \"water or sewage\", \"Title: Water\"]\n"
      "none = [\"(fishing AND farming)\", 'aquaculture \"eea:true\"']\n");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(
      Messages(result),
      (Lines{"rules/test.toml:5:15: warning: term 'water NEAR/3 reuse' in "
             "'any' of rule 'water-drinking' uses the query operator "
             "'NEAR/3': lists take plain words and phrases; operators and "
             "field scopes belong in query = '...'",
             "rules/test.toml:5:31: warning: term 'title:sewage' in 'any' of "
             "rule 'water-drinking' uses the query field scope 'title:': "
             "lists take plain words and phrases; operators and field scopes "
             "belong in query = '...'",
             "rules/test.toml:5:53: warning: term 'avløp OR vann' in 'any' of "
             "rule 'water-drinking' uses the query operator 'OR': lists take "
             "plain words and phrases; operators and field scopes belong in "
             "query = '...'",
             "rules/test.toml:6:19: warning: term '(fishing AND farming)' in "
             "'none' of rule 'water-drinking' uses the query operator 'AND': "
             "lists take plain words and phrases; operators and field scopes "
             "belong in query = '...'",
             "rules/test.toml:6:48: warning: term 'aquaculture \"eea:true\"' "
             "in 'none' of rule 'water-drinking' uses the query field scope "
             "'eea:': lists take plain words and phrases; operators and field "
             "scopes belong in query = '...'"}));
}

TEST(RuleFile, TypographicQuotesGetAHintOnTheSyntaxError) {
  LoadResult result =
      CompileOne(std::string(kHeader) + "any = [“water”]\n", "rules/a.toml");
  EXPECT_EQ(Messages(result),
            Lines{"rules/a.toml:5:8: syntax error while parsing value: could "
                  "not determine value type (typographic quotes “ ” ‘ ’ are "
                  "not TOML quotes: use straight \" or ')"});
}

TEST(RuleFile, EmptyListIsReportedAtItsKey) {
  LoadResult result =
      CompileOne(std::string(kHeader) + "description = \"x\"\nany = []\n");
  EXPECT_EQ(Messages(result),
            Lines{"rules/test.toml:6:1: rule 'water-drinking' has no terms: "
                  "'any' is empty"});
}

TEST(Diagnostic, WholeFileProblemHasNoPosition) {
  Diagnostic error{"rules", 0, 0, "no rule files (*.toml) in directory"};
  Diagnostic warning{"rules/x.toml", 3, 7, "careful", true};
  EXPECT_EQ(error.ToString(), "rules: no rule files (*.toml) in directory");
  EXPECT_EQ(warning.ToString(), "rules/x.toml:3:7: warning: careful");
}

// A fresh directory under the system temp dir, removed afterwards.
class RuleDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lexwatch-rules-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  std::filesystem::path dir_;
};

TEST_F(RuleDirectory, ReadsTomlFilesSortedByNameAndNamesThemByDirectory) {
  const std::string rule = std::string(kHeader) + "any = [\"water\"]\n";
  Write("b.toml", rule);
  Write("a.toml", rule);
  Write("notes.txt", "not a rule file");
  LoadResult result = LoadRuleDirectory(dir_, OsloAgencies());
  const std::string dir = dir_.string();
  EXPECT_EQ(Messages(result),
            Lines{dir +
                  "/b.toml:2:6: duplicate rule id 'water-drinking' "
                  "(first defined at " +
                  dir + "/a.toml:2:6)"});
}

TEST_F(RuleDirectory, LoadsValidRules) {
  Write("water.toml", std::string(kHeader) + "any = [\"water\"]\n");
  LoadResult result = LoadRuleDirectory(dir_, OsloAgencies());
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.diagnostics.empty());
  EXPECT_EQ(result.matcher->rule_count(), 1u);
}

TEST_F(RuleDirectory, DirectoryWithoutRuleFilesIsAnError) {
  LoadResult result = LoadRuleDirectory(dir_, OsloAgencies());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{dir_.string() + ": no rule files (*.toml) in directory"});
}

TEST_F(RuleDirectory, MissingDirectoryIsAnError) {
  LoadResult result = LoadRuleDirectory(dir_ / "absent", OsloAgencies());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(Messages(result),
            Lines{(dir_ / "absent").string() +
                  ": cannot read rule directory: No such file or directory"});
}

}  // namespace
}  // namespace lexwatch::rules
