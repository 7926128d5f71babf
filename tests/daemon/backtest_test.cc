#include "daemon/backtest.h"

#include <gtest/gtest.h>

namespace lexwatch::daemon {
namespace {

std::shared_ptr<const rules::Matcher> Compile(const std::string& text) {
  rules::LoadResult r =
      rules::CompileRules({{"rules/t.toml", text}}, {"vav", "uke"});
  EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? ""
                                                : r.diagnostics[0].ToString());
  return r.matcher;
}

store::ArchivedItem Archived(const std::string& celex,
                             const std::string& title) {
  store::ArchivedItem a;
  a.key = "celex:" + celex;
  a.item.celex = celex;
  a.item.title = title;
  a.item.source = "oj-l";
  return a;
}

constexpr char kLive[] = R"([[rule]]
id = "water"
topic = "water"
agencies = ["vav"]
any = ["drinking water"]
[[rule]]
id = "procurement"
topic = "procurement"
agencies = ["uke"]
any = ["public procurement"]
)";

constexpr char kCandidate[] = R"([[rule]]
id = "water"
topic = "water"
agencies = ["vav"]
any = ["drinking water", "urban wastewater"]
[[rule]]
id = "procurement"
topic = "procurement"
agencies = ["uke"]
any = ["concession contracts"]
)";

TEST(Backtest, ReportsAddedAndRemovedPerAgencyWithTopics) {
  std::vector<store::ArchivedItem> items = {
      Archived("32020L2184", "Directive on drinking water"),
      Archived("32024L3019", "Directive concerning urban wastewater treatment"),
      Archived("32014L0024", "Directive on public procurement"),
      Archived("32024R2754", "Anti-dumping duty on biodiesel"),
  };
  BacktestReport r =
      RunBacktest(items, *Compile(kLive), *Compile(kCandidate), {"vav", "uke"});
  EXPECT_EQ(r.items, 4);
  ASSERT_EQ(r.agencies.size(), 2u);
  const AgencyDiff& vav = r.agencies[0];
  EXPECT_EQ(vav.agency_id, "vav");
  EXPECT_EQ(vav.live, 1);
  EXPECT_EQ(vav.candidate, 2);
  ASSERT_EQ(vav.added.size(), 1u);
  EXPECT_EQ(vav.added[0].celex, "32024L3019");
  EXPECT_EQ(vav.added[0].rules, std::vector<std::string>{"water"});
  EXPECT_TRUE(vav.removed.empty());
  EXPECT_EQ(vav.added_by_topic, (std::map<std::string, int>{{"water", 1}}));
  const AgencyDiff& uke = r.agencies[1];
  EXPECT_EQ(uke.live, 1);
  EXPECT_EQ(uke.candidate, 0);
  ASSERT_EQ(uke.removed.size(), 1u);
  EXPECT_EQ(uke.removed[0].item_key, "celex:32014L0024");
  EXPECT_EQ(uke.removed_by_topic,
            (std::map<std::string, int>{{"procurement", 1}}));
}

TEST(Backtest, IdenticalRulesChangeNothing) {
  std::vector<store::ArchivedItem> items = {
      Archived("32020L2184", "Directive on drinking water")};
  BacktestReport r =
      RunBacktest(items, *Compile(kLive), *Compile(kLive), {"vav", "uke"});
  for (const AgencyDiff& d : r.agencies) {
    EXPECT_TRUE(d.added.empty());
    EXPECT_TRUE(d.removed.empty());
    EXPECT_EQ(d.live, d.candidate);
  }
}

}  // namespace
}  // namespace lexwatch::daemon
