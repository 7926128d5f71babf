#ifndef LEXWATCH_TESTS_DAEMON_STORE_FIXTURE_H_
#define LEXWATCH_TESTS_DAEMON_STORE_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "daemon/config.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::daemon {

// What the ingest and digest tests share: a directory of the test's own, a
// Config with mail settings, one rule file compiled against its agencies,
// and a Store on a real SQLite file in that directory.
class StoreFixture : public ::testing::Test {
 protected:
  // Call from SetUp once config_.agencies is set.
  void Open(const char* rules) {
    const ::testing::TestInfo* test =
        ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (std::string(test->test_suite_name()) + "_" +
            std::to_string(::getpid()) + "_" + test->name());
    std::filesystem::remove_all(dir_);
    config_.mail.from = "lexwatch <lexwatch@example.org>";
    config_.mail.message_id_domain = "example.org";
    rules::LoadResult loaded =
        rules::CompileRules({{"rules/water.toml", rules}}, config_.AgencyIds());
    ASSERT_TRUE(loaded.ok());
    matcher_ = loaded.matcher;
    Result<std::unique_ptr<store::Store>> store =
        store::Store::Open(dir_ / "lexwatch.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  Config config_;
  std::shared_ptr<const rules::Matcher> matcher_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_TESTS_DAEMON_STORE_FIXTURE_H_
