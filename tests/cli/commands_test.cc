#include "cli/commands.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/outbox_command.h"
#include "cli/release_command.h"
#include "store/store.h"

namespace lexwatch::cli {
namespace {

// A config and rules directory in a fresh temporary directory.
class CommandsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(testing::TempDir()) /
           ("commands_test_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "rules");
    Write("lexwatch.toml", R"(state_dir = "state"
rules_dir = "rules"
contact = "ops@example.org"
[mail]
transport = "maildir"
maildir = "out"
from = "lexwatch@example.org"
[[source]]
name = "oj-l"
url = "https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222"
[[agency]]
id = "vav"
name = "Vann- og avløpsetaten"
addresses = ["vav@example.org"]
)");
    Write("rules/water.toml", R"([[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
description = "Drinking water"
any = ["drinking water", "drikkevann"]
)");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string Config() const { return (dir_ / "lexwatch.toml").string(); }
  std::filesystem::path Db() const { return dir_ / "state" / "lexwatch.db"; }
  // The database as the daemon leaves it when it starts: created, no poll.
  void CreateDatabase() { ASSERT_TRUE(store::Store::Open(Db()).ok()); }
  std::string NoDatabaseMessage(const std::string& command) const {
    return "lexwatch " + command + ": no database at " + Db().string() +
           " (has lexwatch run yet? check state_dir in the config)\n";
  }

  std::filesystem::path dir_;
};

constexpr char kFeed[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel xmlns:dc="http://purl.org/dc/elements/1.1/">
<title>Acts of the Official Journal L</title>
<item><title>CELEX:32020L2184: Directive (EU) 2020/2184 on the quality of drinking water</title>
<link>https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELEX:32020L2184</link>
<guid>https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELLAR:1</guid></item>
<item><title>Nyheter om fiskekvoter</title><guid>x-2</guid></item>
</channel></rss>)";

TEST_F(CommandsTest, CheckAcceptsAValidSetUp) {
  std::ostringstream out, err;
  EXPECT_EQ(Check(Config(), out, err), kExitOk);
  EXPECT_EQ(err.str(), "");
  EXPECT_NE(out.str().find(": ok: 1 sources, 1 agencies, 1 rules"),
            std::string::npos);
}

TEST_F(CommandsTest, CheckNamesTheBadRuleFieldByPosition) {
  Write("rules/water.toml", R"([[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
titel = "x"
any = ["drinking water"]
)");
  std::ostringstream out, err;
  EXPECT_EQ(Check(Config(), out, err), kExitInvalid);
  EXPECT_EQ(err.str(), (dir_ / "rules/water.toml").string() +
                           ":5:1: unknown field 'titel' in rule "
                           "'water-drinking'\n");
}

TEST_F(CommandsTest, CheckLoadsTheTemplatesDirectory) {
  std::filesystem::copy(
      std::filesystem::path(LEXWATCH_SOURCE_DIR) / "config/templates",
      dir_ / "templates", std::filesystem::copy_options::recursive);
  std::ostringstream out, err;
  EXPECT_EQ(Check(Config(), out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find(", mail templates from " +
                           (dir_ / "templates").string() + "\n"),
            std::string::npos)
      << out.str();
}

TEST_F(CommandsTest, CheckNamesEveryTemplateError) {
  std::filesystem::copy(
      std::filesystem::path(LEXWATCH_SOURCE_DIR) / "config/templates",
      dir_ / "templates", std::filesystem::copy_options::recursive);
  Write("templates/nb/alert.subject.mustache", "{{#titel}}x\n");
  Write("templates/en/digest.txt.mustache", "{{agency}} {{antall\n");
  std::ostringstream out, err;
  EXPECT_EQ(Check(Config(), out, err), kExitInvalid);
  EXPECT_EQ(err.str(),
            (dir_ / "templates/nb/alert.subject.mustache").string() +
                ":1:1: Unclosed section \"titel\"\n" +
                (dir_ / "templates/en/digest.txt.mustache").string() +
                ":1:12: Unclosed tag\n");
  EXPECT_EQ(out.str(), "");
}

// The daemon reads the SMTP password as it starts: `check` (the unit's
// ExecStartPre) must fail on a file it cannot read, and say why.
TEST_F(CommandsTest, CheckNamesAnUnreadablePasswordFileAndWhy) {
  std::ifstream in(Config());
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const std::string maildir = "transport = \"maildir\"\nmaildir = \"out\"\n";
  text.replace(text.find(maildir), maildir.size(),
               "transport = \"smtp\"\nsmtp_url = \"smtp://127.0.0.1:2525\"\n"
               "user = \"lexwatch\"\npassword_file = \"smtp-password\"\n");
  Write("lexwatch.toml", text);
  std::ostringstream out, err;
  EXPECT_EQ(Check(Config(), out, err), kExitInvalid);
  EXPECT_EQ(err.str(), (dir_ / "smtp-password").string() +
                           ": cannot read password file: No such file or "
                           "directory\n");
  EXPECT_EQ(out.str(), "");
  Write("smtp-password", "secret\n");
  std::ostringstream out2, err2;
  EXPECT_EQ(Check(Config(), out2, err2), kExitOk) << err2.str();
}

TEST_F(CommandsTest, CheckRejectsAnUnknownLanguage) {
  std::ifstream in(Config());
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  text.replace(text.find("[mail]\n"), 7, "[mail]\nlanguage = \"de\"\n");
  Write("lexwatch.toml", text);
  std::ostringstream out, err;
  EXPECT_EQ(Check(Config(), out, err), kExitInvalid);
  EXPECT_EQ(err.str(), Config() +
                           ":5:12: unknown language 'de' (expected \"nb\" or "
                           "\"en\")\n");
}

TEST_F(CommandsTest, MatchJsonFollowsTheContract) {
  std::istringstream in(kFeed);
  std::ostringstream out, err;
  EXPECT_EQ(Match(Config(), {"-"}, true, in, out, err), kExitOk) << err.str();
  std::istringstream lines(out.str());
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, extra));
  nlohmann::json a = nlohmann::json::parse(first);
  EXPECT_EQ(a["id"], "celex:32020L2184");
  EXPECT_EQ(a["celex"], "32020L2184");
  EXPECT_EQ(a["title"],
            "Directive (EU) 2020/2184 on the quality of drinking water");
  EXPECT_EQ(
      a["link"],
      "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:32020L2184");
  ASSERT_EQ(a["matches"].size(), 1u);
  EXPECT_EQ(a["matches"][0]["rule"], "water-drinking");
  EXPECT_EQ(a["matches"][0]["topic"], "water");
  EXPECT_EQ(a["matches"][0]["agencies"], nlohmann::json({"vav"}));
  EXPECT_EQ(a["matches"][0]["terms"], nlohmann::json({"drinking water"}));
  EXPECT_EQ(a["matches"][0]["fields"], nlohmann::json({"title"}));
  EXPECT_EQ(a["matches"][0]["priority"], "normal");
  // The keys, in this order, are the documented contract.
  EXPECT_NE(first.find(R"("matches":[{"rule":"water-drinking",)"
                       R"("topic":"water","priority":"normal",)"
                       R"("agencies":["vav"],"terms":["drinking water"],)"
                       R"("fields":["title"]}]})"),
            std::string::npos)
      << first;
  nlohmann::json b = nlohmann::json::parse(second);
  EXPECT_TRUE(b["celex"].is_null());
  EXPECT_TRUE(b["matches"].empty());
}

TEST_F(CommandsTest, MatchJsonGivesAnUrgentRuleAndWhereEachTermWasFound) {
  Write("rules/water.toml", R"([[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
priority = "urgent"
all = ["drinking water", "2020/2184"]
)");
  std::istringstream in(kFeed);
  std::ostringstream out, err;
  EXPECT_EQ(Match(Config(), {"-"}, true, in, out, err), kExitOk) << err.str();
  nlohmann::json a =
      nlohmann::json::parse(out.str().substr(0, out.str().find('\n')));
  ASSERT_EQ(a["matches"].size(), 1u) << out.str();
  EXPECT_EQ(a["matches"][0]["priority"], "urgent");
  EXPECT_EQ(a["matches"][0]["terms"],
            nlohmann::json({"drinking water", "2020/2184"}));
  EXPECT_EQ(a["matches"][0]["fields"], nlohmann::json({"title", "title"}));
}

TEST_F(CommandsTest, MatchTextExplainsWhy) {
  std::istringstream in(kFeed);
  std::ostringstream out, err;
  EXPECT_EQ(Match(Config(), {"-"}, false, in, out, err), kExitOk);
  EXPECT_NE(out.str().find("MATCH water-drinking [water] -> vav\n"
                           "        because \"drinking water\" in title\n"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("no rule matched"), std::string::npos);
}

TEST_F(CommandsTest, MatchTextHighlightsTheWordsThatMatched) {
  std::istringstream in(kFeed);
  std::ostringstream out, err;
  EXPECT_EQ(Match(Config(), {"-"}, false, in, out, err), kExitOk);
  EXPECT_NE(out.str().find("32020L2184 (directive)  Directive (EU) 2020/2184 "
                           "on the quality of «drinking water»\n"),
            std::string::npos)
      << out.str();
}

TEST_F(CommandsTest, MatchTextMarksBracketsOfTheTermAndQuotesExactTermsOnce) {
  Write("rules/water.toml", R"toml([[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
any = ['"(EU) 2020/2184"', "Annex IV (Energy)", "drinking water"]
)toml");
  std::istringstream in(R"xml(<rss version="2.0"><channel><title>OJ</title>
<item><title>Directive (EU) 2020/2184 amending Annex IV (Energy) on drinking water</title>
<guid>x-1</guid></item></channel></rss>)xml");
  std::ostringstream out, err;
  EXPECT_EQ(Match(Config(), {"-"}, false, in, out, err), kExitOk) << err.str();
  EXPECT_EQ(
      out.str(),
      "-  Directive «(EU) 2020/2184» amending «Annex IV (Energy)» on "
      "«drinking water»\n"
      "  MATCH water-drinking [water] -> vav\n"
      "        because \"(EU) 2020/2184\" in title, \"Annex IV (Energy)\" "
      "in title, \"drinking water\" in title\n");
}

TEST_F(CommandsTest, MatchTextLeavesBracketsTheTermDoesNotReach) {
  Write("rules/water.toml", R"([[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
any = ["drinking water"]
)");
  std::istringstream in(R"xml(<rss version="2.0"><channel><title>OJ</title>
<item><title>Rules (drinking water) and [drinking water quality]</title>
<guid>x-1</guid></item></channel></rss>)xml");
  std::ostringstream out, err;
  EXPECT_EQ(Match(Config(), {"-"}, false, in, out, err), kExitOk) << err.str();
  EXPECT_EQ(out.str().substr(0, out.str().find('\n')),
            "-  Rules («drinking water») and [«drinking water» quality]");
}

TEST_F(CommandsTest, MatchReportsABrokenFeedByName) {
  Write("broken.rss", "<rss><channel><item><title>x</title></channel></rss>");
  std::istringstream in;
  std::ostringstream out, err;
  std::string path = (dir_ / "broken.rss").string();
  EXPECT_EQ(Match(Config(), {path}, false, in, out, err), kExitInvalid);
  EXPECT_EQ(err.str().rfind(path + ": XML error at offset ", 0), 0u)
      << err.str();
}

TEST_F(CommandsTest, StatusBeforeAnyPollSaysSo) {
  CreateDatabase();
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find("  oj-l: not polled yet\n"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find(
                "Outbox: queued=0 sending=0 deferred=0 held=0 sent=0 failed=0 "
                "expired=0 cancelled=0\n"),
            std::string::npos);
}

TEST_F(CommandsTest, BacktestShowsWhatACandidateWouldChange) {
  {
    auto store = store::Store::Open(dir_ / "state" / "lexwatch.db");
    ASSERT_TRUE(store.ok());
    Item drinking;
    drinking.source = "oj-l";
    drinking.celex = "32020L2184";
    drinking.title = "Directive on the quality of drinking water";
    Item sewage = drinking;
    sewage.celex = "32024L3019";
    sewage.title = "Directive concerning urban wastewater treatment";
    auto now = std::chrono::system_clock::now();
    ASSERT_TRUE((*store)->SaveItem(drinking, {}, now).ok());
    ASSERT_TRUE((*store)->SaveItem(sewage, {}, now).ok());
  }
  std::filesystem::create_directories(dir_ / "candidate");
  Write("candidate/water.toml", R"([[rule]]
id = "water-sewage"
topic = "water"
agencies = ["vav"]
any = ["urban wastewater"]
)");
  std::ostringstream out, err;
  EXPECT_EQ(
      Backtest(Config(), (dir_ / "candidate").string(), "90d", false, out, err),
      kExitOk)
      << err.str();
  EXPECT_NE(out.str().find("over 2 archived items first seen in the last 90d"),
            std::string::npos)
      << out.str();
  EXPECT_NE(
      out.str().find(
          "vav (Vann- og avløpsetaten): live 1, candidate 1 (1 new, 1 no "
          "longer sent)\n"
          "  would now be sent, by topic: water +1\n"
          "    + 32024L3019  Directive concerning urban wastewater treatment\n"
          "      rules: water-sewage\n"
          "  would no longer be sent, by topic: water -1\n"
          "    - 32020L2184  Directive on the quality of drinking water\n"
          "      rules: water-drinking\n"),
      std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("Total: 1 alert added, 1 alert removed, for 1 of "
                           "1 agencies.\n"),
            std::string::npos);
}

TEST_F(CommandsTest, BacktestRefusesABrokenCandidate) {
  std::filesystem::create_directories(dir_ / "candidate");
  Write("candidate/water.toml", "[[rule]]\nid = \"x\"\n");
  std::ostringstream out, err;
  EXPECT_EQ(
      Backtest(Config(), (dir_ / "candidate").string(), "", false, out, err),
      kExitInvalid);
  EXPECT_NE(err.str().find((dir_ / "candidate/water.toml").string() + ":"),
            std::string::npos)
      << err.str();
}

TEST_F(CommandsTest, BacktestRejectsABadWindow) {
  std::ostringstream out, err;
  EXPECT_EQ(Backtest(Config(), (dir_ / "rules").string(), "ninety days", false,
                     out, err),
            kExitUsage);
  EXPECT_EQ(err.str(),
            "--since 'ninety days': expected a duration like \"90d\", "
            "\"12h\" or \"30m\"\n");
}

TEST_F(CommandsTest, StatusJsonListsSourcesRulesAndOutbox) {
  CreateDatabase();
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err, true), kExitOk) << err.str();
  nlohmann::json j = nlohmann::json::parse(out.str());
  ASSERT_EQ(j["sources"].size(), 1u);
  EXPECT_EQ(j["sources"][0]["name"], "oj-l");
  EXPECT_EQ(j["sources"][0]["state"], "not polled yet");
  EXPECT_TRUE(j["sources"][0]["last_poll"].is_null());
  EXPECT_EQ(j["outbox"]["queued"], 0);
  EXPECT_EQ(j["outbox"]["held"], 0);
  EXPECT_TRUE(j["rules"]["count"].is_null());
  EXPECT_TRUE(j["outbox_oldest_waiting_age_seconds"].is_null());
}

TEST_F(CommandsTest, StatusJsonGivesTheRuleCountAsANumber) {
  {
    auto store = store::Store::Open(Db());
    ASSERT_TRUE(store.ok());
    auto now = std::chrono::system_clock::now();
    ASSERT_TRUE((*store)->PutState("rules.count", "31", now).ok());
    ASSERT_TRUE((*store)->PutState("rules.loaded_at", "1782806400", now).ok());
  }
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err, true), kExitOk) << err.str();
  EXPECT_EQ(nlohmann::json::parse(out.str())["rules"].dump(),
            R"({"count":31,"last_reload_error":null,)"
            R"("loaded_at":"2026-06-30 08:00:00Z"})");
  EXPECT_NE(out.str().find(R"("rules":{"count":31,)"), std::string::npos)
      << out.str();
}

// One alert queued `age` ago for vav@example.org.
void QueueAlertAged(const std::filesystem::path& db, std::chrono::seconds age) {
  auto store = store::Store::Open(db);
  ASSERT_TRUE(store.ok());
  Item item;
  item.source = "oj-l";
  item.celex = "32020L2184";
  item.title = "Directive on the quality of drinking water";
  store::NewAlert alert{"vav",
                        {"vav@example.org"},
                        "a@example.org",
                        "Subject: x\r\n\r\nx\r\n",
                        "water-drinking"};
  ASSERT_TRUE(
      (*store)
          ->SaveItem(item, {alert}, std::chrono::system_clock::now() - age)
          .ok());
}

TEST_F(CommandsTest, StatusShowsHowLongTheOldestMailHasWaited) {
  QueueAlertAged(dir_ / "state" / "lexwatch.db", std::chrono::minutes(185));
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find("Outbox: queued=1 "), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("\n  oldest waiting: 3h 05m (queued "),
            std::string::npos)
      << out.str();
  std::ostringstream json;
  EXPECT_EQ(Status(Config(), json, err, true), kExitOk) << err.str();
  long long age =
      nlohmann::json::parse(json.str())["outbox_oldest_waiting_age_seconds"];
  EXPECT_GE(age, 185 * 60);
  EXPECT_LT(age, 185 * 60 + 60);
}

TEST_F(CommandsTest, StatusSaysNoneWaitsWhenTheOutboxIsEmpty) {
  CreateDatabase();
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find("expired=0 cancelled=0\n  oldest waiting: none\n"),
            std::string::npos)
      << out.str();
}

TEST_F(CommandsTest, StatusWithoutADatabaseSaysSoAndCreatesNothing) {
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err), kExitRuntime);
  EXPECT_EQ(err.str(), NoDatabaseMessage("status"));
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(Status(Config(), out, err, true), kExitRuntime);
  EXPECT_EQ(out.str(), "");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "state"));
}

TEST_F(CommandsTest, BacktestWithoutADatabaseSaysSoAndCreatesNothing) {
  std::ostringstream out, err;
  EXPECT_EQ(
      Backtest(Config(), (dir_ / "rules").string(), "90d", false, out, err),
      kExitRuntime);
  EXPECT_EQ(err.str(), NoDatabaseMessage("backtest"));
  EXPECT_EQ(out.str(), "");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "state"));
}

TEST_F(CommandsTest, OutboxWithoutADatabaseSaysSoAndCreatesNothing) {
  for (const char* action : {"list", "show", "retry", "cancel"}) {
    OutboxArgs args;
    args.config_path = Config();
    args.action = action;
    args.id = 1;
    std::ostringstream out, err;
    EXPECT_EQ(Outbox(args, out, err), kExitRuntime) << action;
    EXPECT_EQ(err.str(), NoDatabaseMessage(std::string("outbox ") + action));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "state"));
}

TEST_F(CommandsTest, ReleaseWithoutADatabaseSaysSoAndCreatesNothing) {
  std::ostringstream out, err;
  EXPECT_EQ(Release(Config(), "oj-l", out, err), kExitRuntime);
  EXPECT_EQ(err.str(), NoDatabaseMessage("release"));
  EXPECT_EQ(out.str(), "");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "state"));
}

// Sets PRAGMA user_version of the database at `db`.
void SetSchemaVersion(const std::filesystem::path& db, int version) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  std::string sql = "PRAGMA user_version = " + std::to_string(version);
  EXPECT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(handle);
}

// PRAGMA user_version of the database at `db`, read without the Store.
long long SchemaVersion(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(handle, "PRAGMA user_version", -1, &stmt, nullptr);
  long long version =
      sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return version;
}

TEST_F(CommandsTest, StatusRefusesAnOlderSchemaWithoutUpgradingIt) {
  CreateDatabase();
  ASSERT_TRUE(store::Store::Open(dir_ / "state" / "latest.db").ok());
  SetSchemaVersion(Db(), 3);
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err), kExitRuntime);
  const long long latest = SchemaVersion(dir_ / "state" / "latest.db");
  EXPECT_EQ(err.str(), "lexwatch status: " + Db().string() +
                           ": database schema version 3 is older than this "
                           "lexwatch reads (" +
                           std::to_string(latest) +
                           "); start the daemon once to upgrade it\n");
  EXPECT_EQ(SchemaVersion(Db()), 3);
}

TEST_F(CommandsTest, StatusRefusesAFileThatIsNotALexwatchDatabase) {
  std::filesystem::create_directories(dir_ / "state");
  Write("state/lexwatch.db", "");
  std::ostringstream out, err;
  EXPECT_EQ(Status(Config(), out, err), kExitRuntime);
  EXPECT_EQ(err.str(), "lexwatch status: " + Db().string() +
                           ": not a lexwatch database (no schema)\n");
  EXPECT_EQ(std::filesystem::file_size(Db()), 0u);
}

}  // namespace
}  // namespace lexwatch::cli
