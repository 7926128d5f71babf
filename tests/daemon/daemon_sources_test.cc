// The daemon against faulty sources: a real Daemon (run --once, or running
// until told to stop) polls an in-process Beast server on 127.0.0.1, ingests
// into a real database and delivers into Maildirs. Each test checks the
// outbox, the admin notices or the stored source state.

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/release_command.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/source_health.h"
#include "feed/cellar_query.h"
#include "fetch/test_gzip.h"
#include "fetch/test_http_server.h"
#include "mail/temp_dir.h"
#include "store/store.h"

namespace lexwatch::daemon {
namespace {

using lexwatch::mail::testing::ListFiles;
using lexwatch::mail::testing::ReadFile;
using lexwatch::mail::testing::TempDir;
using lexwatch::test::Reply;
using lexwatch::test::TestHttpServer;
using std::chrono::hours;
using std::chrono::seconds;

constexpr auto kWatchdog = seconds(60);

// The system clock moved by an offset the test sets: timers still run in
// real time, while the daemon believes hours pass between runs.
class OffsetClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::system_clock::now() + seconds(offset_.load());
  }
  void Advance(seconds d) { offset_ += d.count(); }

 private:
  std::atomic<long long> offset_{0};
};

// Acts numbered 1..: an EUR-Lex style item with a CELEX number; every
// `kMatchEvery`th one is about drinking water (the test rule), the rest
// about fish.
constexpr int kMatchEvery = 10;

std::string Celex(int n) { return "32024R" + std::to_string(1000 + n); }

bool Matches(int n) { return n % kMatchEvery == 0; }

std::string Title(int n) {
  return std::string("Regulation (EU) 2024/") + std::to_string(1000 + n) +
         (Matches(n) ? " on the quality of drinking water"
                     : " fixing fishing opportunities for cod");
}

std::string Rss(const std::vector<int>& acts) {
  std::string items;
  for (int n : acts) {
    items += "<item><title>" + Title(n) +
             "</title><link>https://eur-lex.europa.eu/legal-content/AUTO/"
             "?uri=CELEX:" +
             Celex(n) + "</link><guid>act-" + std::to_string(n) +
             "</guid></item>\n";
  }
  return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>OJ"
         "</title><link>https://eur-lex.europa.eu/</link><description>t"
         "</description>\n" +
         items + "</channel></rss>\n";
}

std::vector<int> Range(int first, int last) {
  std::vector<int> acts;
  for (int n = first; n <= last; ++n) acts.push_back(n);
  return acts;
}

std::string SparqlResults(const std::vector<int>& acts) {
  std::string rows;
  for (int n : acts) {
    rows +=
        "<result><binding name=\"work\"><uri>http://publications.europa.eu/"
        "resource/cellar/w" +
        std::to_string(n) +
        "</uri></binding><binding name=\"celex\"><literal>" + Celex(n) +
        "</literal></binding><binding name=\"date\"><literal>2024-07-15"
        "</literal></binding><binding name=\"type\"><uri>http://"
        "publications.europa.eu/resource/authority/resource-type/REG</uri>"
        "</binding><binding name=\"title\"><literal xml:lang=\"en\">" +
        Title(n) + "</literal></binding></result>\n";
  }
  return "<?xml version=\"1.0\"?><sparql xmlns=\"http://www.w3.org/2005/"
         "sparql-results#\"><head/><results>\n" +
         rows + "</results></sparql>\n";
}

// The OFFSET of a CELLAR request target, 0 when none.
int OffsetOf(const std::string& target) {
  std::optional<std::string> decoded = feed::PercentDecode(target);
  if (!decoded) return -1;
  std::size_t at = decoded->find("OFFSET ");
  return at == std::string::npos ? 0 : std::stoi(decoded->substr(at + 7));
}

constexpr char kRule[] = R"(
[[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
any = ["drinking water"]
)";

class DaemonSourcesTest : public testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "rules");
    std::ofstream(dir_.path() / "rules" / "water.toml") << kRule;
    ring_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(2000);
    previous_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", ring_));
  }
  void TearDown() override { spdlog::set_default_logger(previous_logger_); }

  // Writes the config with these [[source]] tables (TOML) and loads it.
  Config WriteConfig(const std::string& sources,
                     const std::string& fetch_extra = "") {
    std::ofstream(ConfigPath())
        << "state_dir = \"state\"\nrules_dir = \"rules\"\n"
           "contact = \"test@example.org\"\n"
           "[fetch]\nallow_insecure = true\ntimeout = \"5s\"\n"
        << fetch_extra
        << "\n[mail]\ntransport = \"maildir\"\nmaildir = \"mail\"\n"
           "from = \"lexwatch <lexwatch@example.org>\"\n"
           "[admin]\naddress = \"admin@example.org\"\n"
           "[[agency]]\nid = \"vav\"\nname = \"Vann- og avløpsetaten\"\n"
           "addresses = [\"vav@example.org\"]\n"
        << sources;
    ConfigResult loaded = LoadConfig(ConfigPath());
    for (const rules::Diagnostic& d : loaded.diagnostics) {
      ADD_FAILURE() << d.ToString();
    }
    return loaded.config.value_or(Config());
  }

  // One [[source]] table served by the test server at `target`.
  std::string Source(const std::string& name, const std::string& target,
                     const std::string& extra = "") {
    return "\n[[source]]\nname = \"" + name + "\"\nkind = \"rss\"\nurl = \"" +
           server_.Url(target) + "\"\nmin_host_interval = \"0s\"\n" + extra;
  }
  std::string Cellar(const std::string& extra = "") {
    return "\n[[source]]\nname = \"cellar\"\nkind = \"cellar\"\nurl = \"" +
           server_.Url("/sparql") + "\"\nmin_host_interval = \"0s\"\n" + extra;
  }

  std::filesystem::path ConfigPath() const {
    return dir_.path() / "lexwatch.toml";
  }

  // Runs the daemon until it returns (--once) or, with `until`, until that
  // holds (checked every 50 ms) and then stops it. Fails on the watchdog.
  int RunDaemon(Config config, bool once = true,
                std::function<bool()> until = nullptr) {
    Daemon daemon(std::move(config), DaemonOptions{once, &clock_});
    std::future<int> done =
        std::async(std::launch::async, [&] { return daemon.Run(); });
    auto deadline = std::chrono::steady_clock::now() + kWatchdog;
    while (done.wait_for(std::chrono::milliseconds(50)) !=
           std::future_status::ready) {
      if (until && until()) daemon.RequestStop();
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "watchdog: the daemon did not finish in time";
        daemon.RequestStop();
        deadline += kWatchdog;
      }
    }
    return done.get();
  }
  int RunOnce(const Config& config) { return RunDaemon(config); }

  std::unique_ptr<store::Store> OpenStore() {
    auto store = store::Store::Open(dir_.path() / "state" / "lexwatch.db");
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }
  store::SourceState SourceState(const std::string& name) {
    return OpenStore()->GetSource(name).value();
  }
  std::vector<store::OutboxMessage> Outbox() {
    return OpenStore()->ListMessages({}, 10000).value();
  }
  // Delivered mail for `address`.
  std::vector<std::string> Mail(const std::string& address) {
    std::vector<std::string> mails;
    for (const auto& f : ListFiles(dir_.path() / "mail" / address / "new")) {
      mails.push_back(ReadFile(f));
    }
    return mails;
  }
  std::string Logs() const {
    std::string all;
    for (const std::string& line : ring_->last_formatted()) all += line;
    return all;
  }
  static bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  TempDir dir_;
  TestHttpServer server_;
  OffsetClock clock_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

TEST_F(DaemonSourcesTest, ChallengePageFailsTheSourceAndSparesTheOthers) {
  server_.Serve("/oj.rss",
                Reply()
                    .WithStatus(202)
                    .WithHeader("Content-Type", "text/html")
                    .WithBody("<html><script>challenge()</script></html>"));
  server_.Serve("/eea.rss", Reply().WithBody(Rss({10})));
  Config config =
      WriteConfig(Source("oj", "/oj.rss", "first_run = \"alert\"") +
                  Source("eea", "/eea.rss", "first_run = \"alert\""));
  EXPECT_EQ(RunOnce(config), 0);

  const std::string error =
      server_.Url("/oj.rss") + ": HTTP 202: a challenge page, not the feed";
  EXPECT_EQ(SourceState("oj").last_error, error);
  EXPECT_EQ(SourceState("oj").consecutive_failures, 1);
  EXPECT_TRUE(Contains(Logs(),
                       "source=oj poll failed (1 in a row), next try "
                       "in 60s: " +
                           error));
  EXPECT_EQ(SourceState("eea").last_error, "");
  ASSERT_EQ(Mail("vav@example.org").size(), 1u);
  EXPECT_TRUE(Contains(Outbox()[0].item_key, Celex(10)));
}

TEST_F(DaemonSourcesTest, RetryAfterIsHonouredByTheNextPoll) {
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> asked;
  server_.Handle("/oj.rss", [&](const test::RecordedRequest&) {
    std::lock_guard lock(mutex);
    asked.push_back(std::chrono::steady_clock::now());
    if (asked.size() == 1) {
      return Reply().WithStatus(429).WithHeader("Retry-After", "2");
    }
    return Reply().WithBody(Rss({10}));
  });
  Config config = WriteConfig(Source("oj", "/oj.rss", "first_run = \"alert\""));
  config.sources[0].poll_interval = seconds(1);  // Backoff alone: 1 s.
  int rc = RunDaemon(config, /*once=*/false, [&] {
    return SourceState("oj").last_success.has_value();
  });
  EXPECT_EQ(rc, 0);
  std::lock_guard lock(mutex);
  ASSERT_GE(asked.size(), 2u);
  EXPECT_GE(asked[1] - asked[0], std::chrono::milliseconds(1900));
  EXPECT_EQ(Outbox().size(), 1u);
}

TEST_F(DaemonSourcesTest, RetryAfterIsStoredAsTheNextPoll) {
  server_.Serve("/oj.rss",
                Reply().WithStatus(429).WithHeader("Retry-After", "7200"));
  Config config = WriteConfig(Source("oj", "/oj.rss"));
  EXPECT_EQ(RunOnce(config), 0);
  store::SourceState st = SourceState("oj");
  EXPECT_EQ(st.last_error, server_.Url("/oj.rss") + ": HTTP 429");
  ASSERT_TRUE(st.next_poll && st.last_poll);
  EXPECT_GE(*st.next_poll - *st.last_poll, 7199);
}

TEST_F(DaemonSourcesTest, TrickledBodyTimesOut) {
  server_.Serve("/oj.rss", Reply()
                               .WithBody(Rss(Range(1, 20)))
                               .Trickled(std::chrono::milliseconds(100)));
  Config config = WriteConfig(Source("oj", "/oj.rss"));
  config.fetch_timeout = seconds(1);
  EXPECT_EQ(RunOnce(config), 0);
  const std::string error = SourceState("oj").last_error;
  EXPECT_TRUE(Contains(error, server_.Url("/oj.rss"))) << error;
  EXPECT_TRUE(Contains(error, "timed out")) << error;
  EXPECT_EQ(OpenStore()->ItemCount().value(), 0);
}

TEST_F(DaemonSourcesTest, GzipBombHitsTheSizeCap) {
  server_.Serve("/oj.rss",
                Reply()
                    .WithHeader("Content-Encoding", "gzip")
                    .WithBody(test::TestGzip::Compress(Rss({10}), 8u << 20)));
  Config config = WriteConfig(Source("oj", "/oj.rss", "first_run = \"alert\""),
                              "max_bytes = 65536\n");
  EXPECT_EQ(RunOnce(config), 0);
  EXPECT_EQ(SourceState("oj").last_error,
            server_.Url("/oj.rss") + ": response larger than 65536 bytes");
  EXPECT_TRUE(Outbox().empty());
}

TEST_F(DaemonSourcesTest, CellarFillsTheGapWhenTheFeedOverflows) {
  // Acts 101-150 appear and fall out of the 100-item window between two
  // polls of the feed; CELLAR's answer still has them.
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 100))));
  server_.HandlePath("/sparql", [](const test::RecordedRequest&) {
    return Reply().WithBody(SparqlResults(Range(90, 200)));
  });
  const std::string oj = Source("oj", "/oj.rss", "first_run = \"alert\"");
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);
  EXPECT_EQ(Outbox().size(), 10u);
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(151, 250))));
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);
  EXPECT_EQ(Outbox().size(), 20u);  // 160, 170, ... 250: 150 and 110-140 lost.
  EXPECT_EQ(RunOnce(WriteConfig(oj + Cellar("first_run = \"alert\""))), 0);
  std::set<std::string> alerted;
  for (const store::OutboxMessage& m : Outbox()) alerted.insert(m.item_key);
  EXPECT_EQ(alerted.size(), 25u);
  for (int n = 10; n <= 250; n += 10) {
    EXPECT_EQ(alerted.count("celex:" + Celex(n)), 1u) << n;
  }
  EXPECT_EQ(Mail("vav@example.org").size(), 25u);
}

TEST_F(DaemonSourcesTest, CellarPagesThroughTwelveHundredResults) {
  server_.HandlePath("/sparql", [](const test::RecordedRequest& r) {
    int offset = OffsetOf(r.target);
    std::vector<int> page;
    for (int n = offset + 1; n <= std::min(offset + 500, 1200); ++n) {
      page.push_back(n);
    }
    return Reply().WithBody(SparqlResults(page));
  });
  // 120 matches in one poll: above the default flood limit.
  Config config =
      WriteConfig(Cellar("first_run = \"alert\"\n"
                         "flood_limit = 200\n"));
  EXPECT_EQ(RunOnce(config), 0);

  std::vector<test::RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(OffsetOf(requests[0].target), 0);
  EXPECT_EQ(OffsetOf(requests[1].target), 500);
  EXPECT_EQ(OffsetOf(requests[2].target), 1000);
  for (const test::RecordedRequest& r : requests) {
    EXPECT_EQ(r.Header("Accept"), "application/sparql-results+xml");
  }
  EXPECT_EQ(OpenStore()->ItemCount().value(), 1200);
  EXPECT_EQ(Outbox().size(), 120u);
  EXPECT_EQ(SourceState("cellar").items_seen, 1200);
}

TEST_F(DaemonSourcesTest, FirstRunRecordsWithoutAlerting) {
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 30))));
  const std::string oj = Source("oj", "/oj.rss");  // first_run: "record".
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(OpenStore()->ItemCount().value(), 30);
  EXPECT_TRUE(Contains(Logs(),
                       "source=oj first poll: recorded 30 new items without "
                       "alerting (first_run = \"record\")"));

  // The recorded items stay quiet; a new act alerts.
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 40))));
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);
  ASSERT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(Outbox()[0].item_key, "celex:" + Celex(40));
}

TEST_F(DaemonSourcesTest,
       EstablishedSourceAlertsAnActAnotherFirstPollRecorded) {
  // oj runs established; `new` is added and its first poll records act 10
  // before oj lists it. When oj does, vav is alerted; `new` stays quiet
  // about its own backlog.
  server_.Serve("/oj.rss", Reply().WithBody(Rss({1})));
  server_.Serve("/new.rss", Reply().WithBody(Rss({10})));
  const std::string oj = Source("oj", "/oj.rss");
  const std::string added = Source("new", "/new.rss");
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);
  EXPECT_EQ(RunOnce(WriteConfig(oj + added)), 0);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_TRUE(Contains(Logs(),
                       "source=new first poll: recorded 1 new items without "
                       "alerting (first_run = \"record\")"));

  server_.Serve("/oj.rss", Reply().WithBody(Rss({1, 10})));
  EXPECT_EQ(RunOnce(WriteConfig(oj + added)), 0);
  ASSERT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(Outbox()[0].item_key, "celex:" + Celex(10));
  EXPECT_EQ(Outbox()[0].agency_id, "vav");
  EXPECT_TRUE(Contains(Logs(), "source=oj items=2 new=0 matched=1 queued=1"));
  EXPECT_TRUE(Contains(Logs(), "source=new items=1 new=0 matched=0 queued=0"));
  EXPECT_EQ(Mail("vav@example.org").size(), 1u);
}

TEST_F(DaemonSourcesTest,
       SourcesFirstPollingTogetherStayQuietAboutTheirBacklog) {
  // A fresh installation: both sources record act 10 on their first polls
  // and keep quiet about it afterwards, whichever polled first.
  server_.Serve("/a.rss", Reply().WithBody(Rss({10})));
  server_.Serve("/b.rss", Reply().WithBody(Rss({10})));
  const std::string both = Source("a", "/a.rss") + Source("b", "/b.rss");
  EXPECT_EQ(RunOnce(WriteConfig(both)), 0);
  EXPECT_EQ(RunOnce(WriteConfig(both)), 0);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(OpenStore()
                ->HeldKeys(store::kHeldRecorded, "a", {"celex:" + Celex(10)})
                .value()
                .size(),
            1u);
  EXPECT_EQ(OpenStore()
                ->HeldKeys(store::kHeldRecorded, "b", {"celex:" + Celex(10)})
                .value()
                .size(),
            1u);
}

TEST_F(DaemonSourcesTest, FloodHeldActStaysQuietForOtherSourcesUntilReleased) {
  server_.Serve("/oj.rss", Reply().WithBody(Rss({10, 20})));
  server_.Serve("/eea.rss", Reply().WithBody(Rss({1})));
  const std::string oj =
      Source("oj", "/oj.rss", "first_run = \"alert\"\nflood_limit = 1\n");
  const std::string eea = Source("eea", "/eea.rss", "first_run = \"alert\"");
  EXPECT_EQ(RunOnce(WriteConfig(oj + eea)), 0);
  EXPECT_EQ(OpenStore()->FloodHeldCounts().value(),
            (std::map<std::string, long long>{{"oj", 2}}));
  server_.Serve("/eea.rss", Reply().WithBody(Rss({1, 10})));
  EXPECT_EQ(RunOnce(WriteConfig(oj + eea)), 0);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_TRUE(Contains(Logs(), "source=eea items=2 new=0 matched=0 queued=0"));

  std::ostringstream out, err;
  EXPECT_EQ(cli::Release(ConfigPath().string(), "oj", out, err), 0);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(Outbox().size(), 2u);
  EXPECT_TRUE(OpenStore()->FloodHeldCounts().value().empty());
}

TEST_F(DaemonSourcesTest, FloodIsHeldToldOnceAndReleasedThroughIngest) {
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 10))));
  const std::string oj =
      Source("oj", "/oj.rss", "first_run = \"alert\"\nflood_limit = 5\n");
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);  // One match: alerted.
  ASSERT_EQ(Outbox().size(), 1u);

  // Eight new matching acts in one poll: more than 5.
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 90))));
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);
  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);  // Still held, no second notice.
  EXPECT_EQ(Outbox().size(), 1u);
  EXPECT_EQ(OpenStore()->FloodHeldCounts().value(),
            (std::map<std::string, long long>{{"oj", 8}}));
  std::vector<std::string> admin = Mail("admin@example.org");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_TRUE(Contains(admin[0], "Kilden oj: 8 nye treff holdt tilbake"));
  EXPECT_TRUE(Contains(admin[0], "lexwatch release oj"));
  std::ostringstream status, status_err;
  EXPECT_EQ(cli::Status(ConfigPath().string(), status, status_err), 0);
  EXPECT_TRUE(Contains(status.str(),
                       "\n    held:         8 new matches kept back by the "
                       "flood limit (lexwatch release oj)\n"))
      << status.str();

  std::ostringstream out, err;
  EXPECT_EQ(cli::Release(ConfigPath().string(), "oj", out, err), 0);
  EXPECT_EQ(out.str(),
            "source 'oj': released 8 of 8 held items; 8 match the rules in "
            "force, 8 messages queued (a running daemon sends them after "
            "its next poll, or at once on systemctl reload lexwatch)\n");
  EXPECT_EQ(err.str(), "");
  EXPECT_TRUE(OpenStore()->FloodHeldCounts().value().empty());
  EXPECT_EQ(Outbox().size(), 9u);

  EXPECT_EQ(RunOnce(WriteConfig(oj)), 0);  // Delivers; alerts nothing new.
  EXPECT_EQ(Outbox().size(), 9u);
  EXPECT_EQ(Mail("vav@example.org").size(), 9u);

  std::ostringstream again, again_err;
  EXPECT_EQ(cli::Release(ConfigPath().string(), "oj", again, again_err), 0);
  EXPECT_EQ(again.str(), "source 'oj': nothing held\n");
}

TEST_F(DaemonSourcesTest, FloodNoticeFollowsTheMailLanguage) {
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 10))));
  Config config = WriteConfig(
      Source("oj", "/oj.rss", "first_run = \"alert\"\nflood_limit = 5\n"));
  config.mail.language = "en";
  EXPECT_EQ(RunOnce(config), 0);
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 90))));
  EXPECT_EQ(RunOnce(config), 0);
  std::vector<std::string> admin = Mail("admin@example.org");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_TRUE(Contains(
      admin[0], "Subject: [lexwatch] Source oj: 8 new matches held back"))
      << admin[0];
}

TEST_F(DaemonSourcesTest, ReleaseOfAnUnknownSourceIsAUsageError) {
  WriteConfig(Source("oj", "/oj.rss") + Source("eea", "/eea.rss"));
  std::ostringstream out, err;
  EXPECT_EQ(cli::Release(ConfigPath().string(), "oj-l", out, err), 2);
  EXPECT_EQ(err.str(),
            "lexwatch release: unknown source 'oj-l' (configured: oj, eea)\n");
  EXPECT_EQ(out.str(), "");
}

TEST_F(DaemonSourcesTest, SilentSourceTellsTheAdminOnceAndOnNews) {
  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 3))));
  const std::string oj = Source("oj", "/oj.rss", "silent_period = \"2h\"\n");
  Config config = WriteConfig(oj);
  for (int poll = 0; poll < 6; ++poll) {
    EXPECT_EQ(RunOnce(config), 0);
    clock_.Advance(hours(1));
  }
  std::vector<std::string> admin = Mail("admin@example.org");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_TRUE(Contains(admin[0], "Kilden oj har ikke gitt nye saker siden"));
  EXPECT_EQ(HealthOf(config.sources[0], SourceState("oj"), clock_.Now()),
            SourceHealth::kSilent);
  EXPECT_EQ(SourceState("oj").last_error, "");  // Silent, not failing.

  server_.Serve("/oj.rss", Reply().WithBody(Rss(Range(1, 4))));
  EXPECT_EQ(RunOnce(config), 0);
  EXPECT_EQ(RunOnce(config), 0);
  admin = Mail("admin@example.org");
  ASSERT_EQ(admin.size(), 2u);
  EXPECT_EQ(HealthOf(config.sources[0], SourceState("oj"), clock_.Now()),
            SourceHealth::kOk);
  bool recovered = false;
  for (const std::string& m : admin) {
    recovered = recovered || Contains(m, "Kilden oj har nye saker igjen");
  }
  EXPECT_TRUE(recovered);
}

TEST_F(DaemonSourcesTest, NeverSuccessfulSourceCountsFromItsFirstFailure) {
  // Each run --once is a new process: the first failure must come from the
  // database, not from memory.
  server_.Serve("/oj.rss", Reply().WithStatus(500));
  Config config =
      WriteConfig(Source("oj", "/oj.rss", "expected_period = \"2h\"\n"));
  EXPECT_EQ(RunOnce(config), 0);
  const long long first = SourceState("oj").failing_since.value();
  clock_.Advance(hours(3));
  EXPECT_EQ(RunOnce(config), 0);
  clock_.Advance(hours(1));
  EXPECT_EQ(RunOnce(config), 0);
  EXPECT_EQ(SourceState("oj").failing_since, first);
  std::vector<std::string> admin = Mail("admin@example.org");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_TRUE(Contains(admin[0], "Kilden oj har feilet siden"));
}

// Late CELLAR metadata re-matches a known act and alerts only the agency
// not yet alerted: tests/e2e/e2e_test.py
// CellarMetadataRematchesWithoutAlertingTwice (the real binary, nginx and
// aiosmtpd).

}  // namespace
}  // namespace lexwatch::daemon
