#ifndef LEXWATCH_DAEMON_DAEMON_H_
#define LEXWATCH_DAEMON_DAEMON_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "daemon/config.h"
#include "daemon/digester.h"
#include "daemon/env_clock.h"
#include "daemon/ingest.h"
#include "daemon/metrics.h"
#include "daemon/metrics_server.h"
#include "daemon/sd_notify.h"
#include "fetch/http_client.h"
#include "mail/admin_notifier.h"
#include "mail/dispatcher.h"
#include "mail/notice_text.h"
#include "mail/transport.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::daemon {

struct DaemonOptions {
  bool once = false;  // One full cycle, then return.
  // Tests: the wall clock to use instead of the system's. Must be
  // thread-safe and outlive the Daemon.
  const Clock* clock = nullptr;
};

// The service: polls every source on its own timer, ingests what arrives,
// and hands the outbox to a mail thread. Members are listed in start-up
// order and stop in reverse. Call Run on one thread only.
class Daemon {
 public:
  Daemon(Config config, DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Opens the database, loads the rules, runs until SIGTERM/SIGINT (or one
  // cycle with --once). Returns the process exit code: 0 ok, 1 bad rules or
  // config, 3 runtime failure (database, mail set-up).
  int Run();

  // Asks a running Run() to stop as on SIGTERM. Thread-safe.
  void RequestStop();

 private:
  struct SourceRun {
    const SourceConfig* config = nullptr;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool in_flight = false;  // From Poll to FinishPoll, pages included.
    // CELLAR paging within one poll: the page being fetched, the rows of
    // the pages before it, where the query starts, whether more may come.
    int page = 0;
    std::vector<Item> rows;
    TimePoint cellar_since;
    bool more_pages = false;
    // This poll brought an item the source never carried before.
    bool brought_new = false;
  };

  Status Start();
  Status LoadRules();
  // Loads [mail] templates_dir into templates_ and the ingestor; on error
  // the previous set stays.
  Status LoadTemplates();
  // Writes a value `status` shows; a failure is logged, not fatal.
  void RecordState(const std::string& key, const std::string& value,
                   TimePoint now);
  Result<std::unique_ptr<mail::MailTransport>> MakeTransport() const;
  void ScheduleSource(SourceRun& run, TimePoint when);
  void Poll(SourceRun& run);
  // Per-host politeness: true when `run` was rescheduled because its host
  // was asked too recently.
  bool WaitForHost(SourceRun& run);
  std::chrono::seconds HostGap(const SourceRun& run) const;
  fetch::HttpRequest MakeRequest(const SourceRun& run,
                                 const store::SourceState& state) const;
  // Starts the transfer of run.page; `state` is the source's state as Poll
  // read it, carried to FinishPoll.
  void Fetch(SourceRun& run, store::SourceState state);
  // CELLAR: fetches the next page once the host may be asked again.
  void FetchNextPage(SourceRun& run, store::SourceState state);
  void OnFetched(SourceRun& run, store::SourceState state,
                 Result<fetch::HttpResponse> response);
  Status HandleResponse(SourceRun& run, const fetch::HttpResponse& response,
                        store::SourceState& state);
  // Rows of a page; every page's rows once the last page is in.
  Result<std::vector<Item>> ParseBody(SourceRun& run,
                                      const fetch::HttpResponse& response);
  // Archives without alerting what must not alert (a new source's first
  // items, a flood, items held before), ingests the rest.
  Result<IngestStats> IngestPoll(SourceRun& run, const std::vector<Item>& items,
                                 const store::SourceState& state);
  // One poll's items as the source that brought them must treat them.
  struct PolledItems {
    std::vector<Item> quiet;    // Flood-held, or this source's recorded.
    std::vector<Item> backlog;  // Another source's recorded (when recording).
    std::vector<Item> fresh;    // Not in the archive.
    std::vector<Item> known;    // In the archive, not held for this source.
  };
  // Sorts `items`; `recording`: this is the source's first poll with
  // first_run = "record". Sets run.brought_new.
  Result<PolledItems> SortPolled(SourceRun& run, const std::vector<Item>& items,
                                 bool recording);
  // Holds `items` of `kind` (store::kHeldFlood or kHeldRecorded).
  Status HoldAll(const std::vector<Item>& items, const char* kind);
  // Refreshes the archive rows of `items` without alerts or holds.
  Status ArchiveAll(const std::vector<Item>& items);
  void TellAdminAboutFlood(const SourceRun& run, std::size_t held);
  void FinishPoll(SourceRun& run, store::SourceState& state,
                  const Status& outcome,
                  std::optional<std::chrono::seconds> retry_after);
  // Admin notices from the event loop (the mail thread sends them).
  void TellAdminAboutSource(const SourceRun& run,
                            const store::SourceState& before,
                            const Status& outcome, TimePoint now);
  // After a success: told once when the source stays silent past its
  // silent_period, once when items come again. Updates last_new_item.
  void TellAdminAboutSilence(const SourceRun& run, store::SourceState& state,
                             TimePoint now);
  void Notify(const std::string& kind, const std::string& key,
              const mail::NoticeText& text);
  // True while a notice of (kind, key) waits for its recovery note.
  bool NoticeOpen(const std::string& kind, const std::string& key);
  // Ends an open (kind, key) notice with a recovery note; nothing when none
  // is open.
  void Recovered(const std::string& kind, const std::string& key,
                 const mail::NoticeText& text);
  void RequestDispatch();
  // On the mail thread, before and after RunDue: makes the digests due
  // (false on a database failure), and finds when the mail side next has
  // work (digest slot, retry, expiry or warning, notice, held probe).
  bool MakeDueDigests();
  std::optional<TimePoint> NextMailWake();
  void OnDispatched(Result<mail::DispatchStats> stats, bool digests_ok,
                    std::optional<TimePoint> next_wake);
  // Sleeps until `when` (at most kMaxDispatchSleep; nullopt: that long),
  // then dispatches. No periodic wake-ups: RequestDispatch covers new mail.
  void ArmDispatchTimer(std::optional<TimePoint> when);
  void Reload();
  void Stop();
  // systemd: WATCHDOG=1 every half interval from the event loop, so a
  // stuck loop stops the pings; STATUS= after every poll and dispatch.
  void ArmWatchdog();
  void UpdateStatus();
  std::string StatusLine();
  // [metrics]: starts the listener (daemon mode only) and registers the
  // sources; in daemon_metrics.cc.
  Status StartMetrics();
  std::string MetricsText();
  HealthReport CheckHealth();

  Config config_;
  DaemonOptions options_;
  EnvClock system_clock_;  // LEXWATCH_FAKE_NOW: e2e tests only.
  const Clock& clock_;     // options_.clock, else system_clock_.
  SdNotifier notifier_ = SdNotifier::FromEnvironment();
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<mail::AdminNotifier> io_admin_;  // Over store_.
  std::shared_ptr<const rules::Matcher> matcher_;
  std::unique_ptr<Ingestor> ingestor_;
  std::shared_ptr<const mail::TemplateSet> templates_;
  std::unique_ptr<fetch::HttpClient> http_;
  std::map<std::string, SourceRun> sources_;
  // The mail side runs on its own thread with its own database connection:
  // SMTP is blocking and must not hold up polling.
  boost::asio::thread_pool mail_thread_{1};
  std::unique_ptr<store::Store> mail_store_;
  std::unique_ptr<mail::MailTransport> transport_;
  std::unique_ptr<mail::Dispatcher> dispatcher_;
  std::unique_ptr<Digester> digester_;  // Over mail_store_.
  // Admin notices from the mail side; uses mail_store_, so destroyed first.
  std::unique_ptr<mail::AdminNotifier> admin_notifier_;
  boost::asio::steady_timer dispatch_timer_;
  boost::asio::steady_timer watchdog_timer_;
  Metrics metrics_;  // Thread-safe: the mail thread counts deliveries.
  std::unique_ptr<MetricsServer> metrics_server_;  // Null when off.
  std::map<std::string, bool> source_ok_;          // Outcome of each last poll.
  std::map<std::string, TimePoint> host_free_at_;
  bool dispatch_running_ = false;
  bool dispatch_again_ = false;
  int polls_pending_ = 0;  // --once: sources not yet finished.
  bool stopping_ = false;
  int exit_code_ = 0;
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_DAEMON_H_
