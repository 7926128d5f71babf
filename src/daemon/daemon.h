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

#include "core/clock.h"
#include "core/status.h"
#include "daemon/config.h"
#include "daemon/ingest.h"
#include "daemon/sd_notify.h"
#include "fetch/http_client.h"
#include "mail/admin_notifier.h"
#include "mail/dispatcher.h"
#include "mail/transport.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::daemon {

struct DaemonOptions {
  bool once = false;  // One full cycle, then return.
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

 private:
  struct SourceRun {
    const SourceConfig* config = nullptr;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool in_flight = false;
  };

  Status Start();
  Status LoadRules();
  // Writes a value `status` shows; a failure is logged, not fatal.
  void RecordState(const std::string& key, const std::string& value,
                   TimePoint now);
  Result<std::unique_ptr<mail::MailTransport>> MakeTransport() const;
  void ScheduleSource(SourceRun& run, TimePoint when);
  void Poll(SourceRun& run);
  // Per-host politeness: true when `run` was rescheduled because its host
  // was asked too recently.
  bool WaitForHost(SourceRun& run);
  // `state` is the source's state as Poll read it.
  void OnFetched(SourceRun& run, store::SourceState state,
                 Result<fetch::HttpResponse> response);
  Status HandleResponse(SourceRun& run, const fetch::HttpResponse& response,
                        store::SourceState& state);
  void FinishPoll(SourceRun& run, store::SourceState& state,
                  const Status& outcome,
                  std::optional<std::chrono::seconds> retry_after);
  // Admin notices from the event loop (the mail thread sends them).
  void TellAdminAboutSource(const SourceRun& run,
                            const store::SourceState& before,
                            const Status& outcome, TimePoint now);
  void Notify(const std::string& kind, const std::string& key,
              const std::string& subject, const std::string& body);
  void RequestDispatch();
  void OnDispatched(Result<mail::DispatchStats> stats);
  void ArmDispatchTimer();
  void Reload();
  void Stop();
  // systemd: WATCHDOG=1 every half interval from the event loop, so a
  // stuck loop stops the pings; STATUS= after every poll and dispatch.
  void ArmWatchdog();
  void UpdateStatus();
  std::string StatusLine();

  Config config_;
  DaemonOptions options_;
  SystemClock clock_;
  SdNotifier notifier_ = SdNotifier::FromEnvironment();
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<mail::AdminNotifier> io_admin_;  // Over store_.
  std::shared_ptr<const rules::Matcher> matcher_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<fetch::HttpClient> http_;
  std::map<std::string, SourceRun> sources_;
  // The mail side runs on its own thread with its own database connection:
  // SMTP is blocking and must not hold up polling.
  boost::asio::thread_pool mail_thread_{1};
  std::unique_ptr<store::Store> mail_store_;
  std::unique_ptr<mail::MailTransport> transport_;
  std::unique_ptr<mail::Dispatcher> dispatcher_;
  // Admin notices from the mail side; uses mail_store_, so destroyed first.
  std::unique_ptr<mail::AdminNotifier> admin_notifier_;
  boost::asio::steady_timer dispatch_timer_;
  boost::asio::steady_timer watchdog_timer_;
  std::map<std::string, bool> source_ok_;  // Outcome of each last poll.
  std::map<std::string, TimePoint> host_free_at_;
  std::map<std::string, long long> first_failure_;  // Unix seconds.
  bool dispatch_running_ = false;
  bool dispatch_again_ = false;
  int polls_pending_ = 0;  // --once: sources not yet finished.
  bool stopping_ = false;
  int exit_code_ = 0;
};

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_DAEMON_H_
