#include "daemon/daemon.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "core/version.h"
#include "daemon/schedule.h"
#include "daemon/source_presets.h"
#include "feed/cellar_query.h"
#include "feed/feed_parser.h"
#include "feed/sparql_results.h"
#include "fetch/curl_http_client.h"
#include "mail/maildir_transport.h"
#include "mail/notice_text.h"
#include "mail/smtp_transport.h"

namespace lexwatch::daemon {
namespace {

// The dispatch timer is armed for the next thing due on the mail side;
// this caps its sleep so a change made behind the daemon's back (`lexwatch
// outbox retry`, a wall clock set forward) is seen within the hour.
constexpr std::chrono::hours kMaxDispatchSleep(1);
// Something already due (a backlog over kDispatchBatch, a retry wait of
// "0s") waits at least this long, so a failing server is not hammered.
constexpr std::chrono::seconds kMinDispatchSleep(1);
constexpr int kDispatchBatch = 500;
constexpr int kCellarPageSize = 500;
constexpr int kCellarMaxPages = 40;
constexpr char kNoticeSourceFailing[] = "source-failing";
constexpr char kNoticeSourceSilent[] = "source-silent";
constexpr char kNoticeSourceFlood[] = "source-flood";
constexpr char kNoticeRulesRefused[] = "rules-refused";

// --once: batch after batch until what is due now is done. A batch short
// of kDispatchBatch took every due row; one that sent nothing (a server
// deferring everything, a refused login) stops it, as does the cap on
// batches, so a retry wait of "0s" cannot spin for ever.
constexpr int kOnceMaxBatches = 1000;

Result<mail::DispatchStats> RunAllDue(mail::Dispatcher& dispatcher) {
  mail::DispatchStats total;
  for (int batch = 0; batch < kOnceMaxBatches; ++batch) {
    Result<mail::DispatchStats> stats = dispatcher.RunDue(kDispatchBatch);
    if (!stats.ok()) return stats;
    total += *stats;
    if (stats->taken() < kDispatchBatch || stats->sent == 0) break;
  }
  return total;
}

std::string FormatUtc(long long unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string UserAgent(const Config& config) {
  return std::string("lexwatch/") + kVersion + " (+mailto:" + config.contact +
         ")";
}

}  // namespace

Daemon::Daemon(Config config, DaemonOptions options)
    : config_(std::move(config)),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : system_clock_),
      signals_(io_),
      dispatch_timer_(io_),
      watchdog_timer_(io_) {}

Daemon::~Daemon() { mail_thread_.join(); }

void Daemon::RequestStop() {
  boost::asio::post(io_, [this]() { Stop(); });
}

int Daemon::Run() {
  if (Status s = Start(); !s.ok()) {
    spdlog::critical("{}", s.message());
    return s.IsInvalidArgument() ? 1 : 3;
  }
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [this, &on_signal](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          Reload();
          // A refused reload's notice, and mail an administrator retried
          // (`lexwatch outbox retry`) or released (`lexwatch release`), go
          // out now.
          RequestDispatch();
          signals_.async_wait(on_signal);
          return;
        }
        spdlog::info("signal {} received: stopping", signo);
        Stop();
      };
  signals_.async_wait(on_signal);

  TimePoint now = clock_.Now();
  polls_pending_ = static_cast<int>(sources_.size());
  for (auto& [name, run] : sources_) {
    TimePoint when = now;
    if (!options_.once) {
      Result<store::SourceState> state = store_->GetSource(name);
      if (state.ok() && state->next_poll) {
        when = std::max(now, FromUnixSeconds(*state->next_poll));
      }
    }
    ScheduleSource(run, when);
  }
  if (!options_.once) {
    // Deliver what an earlier run left queued and make the digests whose
    // slots passed while it was down; this arms the dispatch timer.
    RequestDispatch();
  }
  spdlog::info("lexwatch {} started: {} sources, {} rules, {} agencies",
               kVersion, sources_.size(), matcher_->rule_count(),
               config_.agencies.size());
  // Ready only now: the database is open and the rules are loaded.
  if (Status s = notifier_.Ready(StatusLine()); !s.ok()) {
    spdlog::warn("cannot notify systemd: {}", s.message());
  }
  ArmWatchdog();
  io_.run();
  mail_thread_.join();
  return exit_code_;
}

Status Daemon::Start() {
  Result<std::unique_ptr<store::Store>> store =
      store::Store::Open(config_.DatabasePath());
  if (!store.ok()) return store.status();
  store_ = std::move(store.value());
  io_admin_ = std::make_unique<mail::AdminNotifier>(
      *store_, clock_,
      mail::AdminOptions{config_.admin.address, config_.admin.min_interval,
                         config_.mail.from, config_.mail.message_id_domain});
  if (Status s = LoadRules(); !s.ok()) return s;
  ingestor_ = std::make_unique<Ingestor>(config_, *store_, clock_);
  if (Status s = LoadTemplates(); !s.ok()) return s;

  fetch::CurlGlobalInit();
  fetch::HttpClientOptions http_options;
  http_options.user_agent = UserAgent(config_);
  http_options.allow_insecure = config_.allow_insecure;
  http_ = std::make_unique<fetch::CurlHttpClient>(io_, http_options);
  for (const SourceConfig& source : config_.sources) {
    SourceRun& run = sources_[source.name];
    run.config = &source;
    run.timer = std::make_unique<boost::asio::steady_timer>(io_);
  }

  Result<std::unique_ptr<store::Store>> mail_store =
      store::Store::Open(config_.DatabasePath());
  if (!mail_store.ok()) return mail_store.status();
  mail_store_ = std::move(mail_store.value());
  Result<int> recovered = mail_store_->RecoverInterrupted();
  if (!recovered.ok()) return recovered.status();
  if (*recovered > 0) {
    spdlog::warn(
        "{} messages were being sent when lexwatch last stopped; "
        "they will be sent again with the same Message-ID",
        *recovered);
  }
  Result<std::unique_ptr<mail::MailTransport>> transport = MakeTransport();
  if (!transport.ok()) return transport.status();
  transport_ = std::move(transport.value());
  mail::RetryPolicy policy;
  policy.waits = config_.mail.retry_waits;
  // [outbox] delivery reliability: expiry, age warnings, sent-log retention
  // and admin notices (mailed by the dispatcher on the mail thread).
  policy.give_up_after = config_.mail.expire_after;
  policy.warn_after = config_.mail.warn_after;
  policy.sent_log_retention = config_.mail.sent_log_retention;
  dispatcher_ = std::make_unique<mail::Dispatcher>(
      *mail_store_, *transport_, clock_, config_.mail.from_address, policy,
      config_.mail.language);
  admin_notifier_ = std::make_unique<mail::AdminNotifier>(
      *mail_store_, clock_,
      mail::AdminOptions{config_.admin.address, config_.admin.min_interval,
                         config_.mail.from, config_.mail.message_id_domain});
  dispatcher_->set_notifier(admin_notifier_.get());
  digester_ = std::make_unique<Digester>(config_, *mail_store_, clock_);
  digester_->set_templates(templates_);
  return StartMetrics();
}

Status Daemon::LoadTemplates() {
  Result<std::shared_ptr<const mail::TemplateSet>> loaded =
      LoadMailTemplates(config_.mail);
  if (!loaded.ok()) {
    spdlog::error("mail templates have errors:\n{}", loaded.status().message());
    return Status::InvalidArgument(
        config_.mail.templates_dir.string(),
        "mail templates have errors: " + loaded.status().message());
  }
  templates_ = *loaded;
  ingestor_->set_templates(templates_);
  // At start-up the digester is made later and takes them then.
  if (digester_) digester_->set_templates(templates_);
  spdlog::info("mail templates: {}", templates_
                                         ? config_.mail.templates_dir.string()
                                         : "built-in (no templates_dir)");
  return Status::Ok();
}

Status Daemon::LoadRules() {
  rules::LoadResult loaded =
      rules::LoadRuleDirectory(config_.rules_dir, config_.AgencyIds());
  std::string first_error;
  int errors = 0;
  for (const rules::Diagnostic& d : loaded.diagnostics) {
    if (d.warning) {
      spdlog::warn("{}", d.ToString());
    } else {
      spdlog::error("{}", d.ToString());
      if (errors++ == 0) first_error = d.ToString();
    }
  }
  if (errors > 1) {
    first_error +=
        " (and " + std::to_string(errors - 1) + " more: run lexwatch check)";
  }
  TimePoint now = clock_.Now();
  if (!loaded.ok()) {
    RecordState("rules.error", first_error, now);
    RecordState("rules.error_at", std::to_string(ToUnixSeconds(now)), now);
    return Status::InvalidArgument(config_.rules_dir.string(),
                                   "rule files have errors: " + first_error);
  }
  matcher_ = loaded.matcher;
  metrics_.SetRulesLoaded(static_cast<int>(matcher_->rule_count()));
  RecordState("rules.count", std::to_string(matcher_->rule_count()), now);
  RecordState("rules.loaded_at", std::to_string(ToUnixSeconds(now)), now);
  RecordState("rules.error", "", now);
  return Status::Ok();
}

void Daemon::RecordState(const std::string& key, const std::string& value,
                         TimePoint now) {
  if (Status s = store_->PutState(key, value, now); !s.ok()) {
    spdlog::error("cannot record {}: {}", key, s.message());
  }
}

Result<std::unique_ptr<mail::MailTransport>> Daemon::MakeTransport() const {
  const MailConfig& mail = config_.mail;
  if (mail.transport == "maildir") {
    return std::unique_ptr<mail::MailTransport>(
        std::make_unique<mail::MaildirTransport>(mail.maildir));
  }
  Result<std::string> password = ReadSmtpPassword(mail);
  if (!password.ok()) return password.status();
  mail::SmtpOptions options;
  options.url = mail.smtp_url;
  options.starttls = mail.starttls;
  options.user = mail.user;
  options.password = std::move(*password);
  options.timeout = mail.timeout;
  return std::unique_ptr<mail::MailTransport>(
      std::make_unique<mail::SmtpTransport>(options));
}

void Daemon::ScheduleSource(SourceRun& run, TimePoint when) {
  auto delay = when - clock_.Now();
  if (delay < std::chrono::seconds(0)) delay = std::chrono::seconds(0);
  run.timer->expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay));
  run.timer->async_wait([this, &run](const boost::system::error_code& ec) {
    if (!ec && !stopping_) Poll(run);
  });
}

bool Daemon::WaitForHost(SourceRun& run) {
  const std::string& host = run.config->host;
  if (host.empty()) return false;
  TimePoint now = clock_.Now();
  auto it = host_free_at_.find(host);
  if (it != host_free_at_.end() && now < it->second) {
    ScheduleSource(run, it->second);
    return true;
  }
  host_free_at_[host] = now + HostGap(run);
  return false;
}

// The strictest interval of every source on this host applies to all.
std::chrono::seconds Daemon::HostGap(const SourceRun& run) const {
  std::chrono::seconds gap = run.config->min_host_interval;
  for (const SourceConfig& other : config_.sources) {
    if (other.host == run.config->host) {
      gap = std::max(gap, other.min_host_interval);
    }
  }
  return gap;
}

void Daemon::Poll(SourceRun& run) {
  if (run.in_flight || WaitForHost(run)) return;
  // Read once here and handed to OnFetched: only this thread writes source
  // state, and in_flight keeps one poll per source at a time.
  const std::string& name = run.config->name;
  Result<store::SourceState> loaded = store_->GetSource(name);
  store::SourceState state;
  if (loaded.ok()) {
    state = std::move(*loaded);
  } else {
    spdlog::error("source={} cannot read state: {}", name,
                  loaded.status().message());
    state.name = name;
  }
  run.page = 0;
  run.rows.clear();
  run.more_pages = false;
  run.brought_new = false;
  // CELLAR: acts published since three working days before the last
  // success, so late-published acts and late metadata are caught again.
  // Fixed for every page of this poll.
  std::optional<TimePoint> since;
  if (state.last_success) since = FromUnixSeconds(*state.last_success);
  run.cellar_since = feed::CellarQueryStart(since, clock_.Now());
  run.in_flight = true;
  Fetch(run, std::move(state));
}

fetch::HttpRequest Daemon::MakeRequest(const SourceRun& run,
                                       const store::SourceState& state) const {
  fetch::HttpRequest request;
  request.url = run.config->url;
  if (run.config->format == "sparql") {
    request.url = feed::CellarRequestUrl(
        run.config->url,
        feed::BuildCellarQuery(run.cellar_since, kCellarPageSize,
                               run.page * kCellarPageSize));
    request.accept = feed::kSparqlResultsXml;
  } else {
    request.etag = state.etag;
    request.last_modified = state.last_modified;
  }
  request.timeout = config_.fetch_timeout;
  request.max_bytes = config_.max_bytes;
  return request;
}

void Daemon::Fetch(SourceRun& run, store::SourceState state) {
  fetch::HttpRequest request = MakeRequest(run, state);
  spdlog::debug("polling source={} url={}", run.config->name, request.url);
  http_->Fetch(request, [this, &run, state = std::move(state)](
                            Result<fetch::HttpResponse> response) mutable {
    OnFetched(run, std::move(state), std::move(response));
  });
}

void Daemon::FetchNextPage(SourceRun& run, store::SourceState state) {
  // Pages are requests like any other: the host's interval holds between
  // them too.
  TimePoint now = clock_.Now();
  TimePoint at = now;
  if (auto it = host_free_at_.find(run.config->host);
      it != host_free_at_.end()) {
    at = std::max(at, it->second);
  }
  if (!run.config->host.empty())
    host_free_at_[run.config->host] = at + HostGap(run);
  run.timer->expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(at -
                                                                      now));
  run.timer->async_wait([this, &run, state = std::move(state)](
                            const boost::system::error_code& ec) mutable {
    if (!ec && !stopping_) Fetch(run, std::move(state));
  });
}

void Daemon::OnFetched(SourceRun& run, store::SourceState state,
                       Result<fetch::HttpResponse> response) {
  state.last_poll = ToUnixSeconds(clock_.Now());
  std::optional<std::chrono::seconds> retry_after;
  Status outcome = response.status();
  if (response.ok()) {
    retry_after = response->retry_after;
    outcome = HandleResponse(run, *response, state);
  }
  if (outcome.ok() && run.more_pages) {
    FetchNextPage(run, std::move(state));
    return;
  }
  FinishPoll(run, state, outcome, retry_after);
}

Status Daemon::HandleResponse(SourceRun& run,
                              const fetch::HttpResponse& response,
                              store::SourceState& state) {
  const std::string& name = run.config->name;
  if (response.not_modified) {
    spdlog::info("source={} not modified (304)", name);
    return Status::Ok();
  }
  if (response.status == 202) {
    return Status::Unavailable(run.config->url,
                               "HTTP 202: a challenge page, not the feed");
  }
  if (response.status != 200) {
    return Status::Unavailable(run.config->url,
                               "HTTP " + std::to_string(response.status));
  }
  Result<std::vector<Item>> items = ParseBody(run, response);
  if (!items.ok()) return items.status();
  if (run.more_pages) return Status::Ok();  // Ingested with the last page.
  Result<IngestStats> stats = IngestPoll(run, *items, state);
  if (!stats.ok()) return stats.status();
  // Validators are stored only after the items: a crash in between means
  // the next poll fetches the feed again rather than skipping it.
  state.etag = response.etag;
  state.last_modified = response.last_modified;
  state.items_seen += stats->new_items;
  metrics_.CountPoll(name, stats->items, stats->new_items, stats->matched);
  spdlog::info("source={} items={} new={} matched={} queued={}", name,
               stats->items, stats->new_items, stats->matched, stats->queued);
  return Status::Ok();
}

Result<std::vector<Item>> Daemon::ParseBody(
    SourceRun& run, const fetch::HttpResponse& response) {
  const std::string& name = run.config->name;
  if (run.config->format != "sparql") {
    return feed::ParseFeed(
        response.body, name,
        feed::ParseOptions{run.config->url, run.config->rewrite_eea_links
                                                ? kEeaOrigin
                                                : std::string_view()});
  }
  int rows = 0;
  Result<std::vector<Item>> page =
      feed::ParseSparqlResults(response.body, name, &rows);
  if (!page.ok()) return page.status();
  for (Item& item : *page) run.rows.push_back(std::move(item));
  // A full page: there may be more. A server that ignores OFFSET would
  // page for ever; the cap makes that a failure the admin hears about.
  run.more_pages = rows >= kCellarPageSize;
  if (run.more_pages && ++run.page >= kCellarMaxPages) {
    run.more_pages = false;
    return Status::Unavailable(
        run.config->url, "more than " +
                             std::to_string(kCellarMaxPages * kCellarPageSize) +
                             " results in one poll; not ingested");
  }
  spdlog::debug("source={} page={} rows={}", name, run.page, rows);
  if (run.more_pages) return std::vector<Item>();
  return std::move(run.rows);
}

Result<IngestStats> Daemon::IngestPoll(SourceRun& run,
                                       const std::vector<Item>& items,
                                       const store::SourceState& state) {
  const std::string& name = run.config->name;
  const bool recording = !state.last_success && !run.config->first_run_alerts;
  Result<PolledItems> polled = SortPolled(run, items, recording);
  if (!polled.ok()) return polled.status();
  std::vector<Item>& fresh = polled->fresh;
  std::vector<Item>& known = polled->known;
  if (Status s = ArchiveAll(polled->quiet); !s.ok()) return s;
  IngestStats extra;
  extra.items = static_cast<int>(polled->quiet.size());
  if (recording) {
    if (Status s = HoldAll(polled->backlog, store::kHeldRecorded); !s.ok()) {
      return s;
    }
    if (Status s = HoldAll(fresh, store::kHeldRecorded); !s.ok()) return s;
    spdlog::info(
        "source={} first poll: recorded {} new items without alerting "
        "(first_run = \"record\")",
        name, fresh.size());
    extra.items += static_cast<int>(polled->backlog.size() + fresh.size());
    extra.new_items = static_cast<int>(fresh.size());
    fresh.clear();
  }
  std::vector<Item> flood;
  for (Item& item : fresh) {
    bool matched = !matcher_->Match(item).empty();
    (matched ? flood : known).push_back(std::move(item));
  }
  if (static_cast<int>(flood.size()) > run.config->flood_limit) {
    if (Status s = HoldAll(flood, store::kHeldFlood); !s.ok()) return s;
    spdlog::warn(
        "source={} flood: {} new matches in one poll (flood_limit {}), "
        "held without alerting until `lexwatch release {}`",
        name, flood.size(), run.config->flood_limit, name);
    extra.items += static_cast<int>(flood.size());
    extra.new_items += static_cast<int>(flood.size());
    extra.matched += static_cast<int>(flood.size());
    TellAdminAboutFlood(run, flood.size());
  } else {
    for (Item& item : flood) known.push_back(std::move(item));
  }
  Result<IngestStats> stats = ingestor_->Ingest(known, *matcher_);
  if (!stats.ok()) return stats;
  stats->items += extra.items;
  stats->new_items += extra.new_items;
  stats->matched += extra.matched;
  return stats;
}

Result<Daemon::PolledItems> Daemon::SortPolled(SourceRun& run,
                                               const std::vector<Item>& items,
                                               bool recording) {
  const std::string& name = run.config->name;
  std::vector<std::string> keys;
  for (const Item& item : items) keys.push_back(item.Key());
  // A flood hold keeps an act from every source until `lexwatch release`
  // (delayed, not lost). A recorded hold is one source's backlog: it keeps
  // only that source quiet, so an act a new source recorded before the
  // established feeds listed it is still alerted when they do.
  Result<std::set<std::string>> flood =
      store_->HeldKeys(store::kHeldFlood, "", keys);
  if (!flood.ok()) return flood.status();
  Result<std::set<std::string>> own =
      store_->HeldKeys(store::kHeldRecorded, name, keys);
  if (!own.ok()) return own.status();
  // A recording first poll records other sources' backlog too (nobody was
  // alerted about it), so this source stays quiet about it later.
  Result<std::set<std::string>> recorded =
      recording ? store_->HeldKeys(store::kHeldRecorded, "", keys)
                : Result<std::set<std::string>>(std::set<std::string>());
  if (!recorded.ok()) return recorded.status();
  Result<std::set<std::string>> carried = store_->KeysSeenBy(name, keys);
  if (!carried.ok()) return carried.status();
  PolledItems polled;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!carried->count(keys[i])) run.brought_new = true;
    if (flood->count(keys[i]) || own->count(keys[i])) {
      polled.quiet.push_back(items[i]);
    } else if (recorded->count(keys[i])) {
      polled.backlog.push_back(items[i]);
    } else {
      // Archived items are ingested as always (late metadata re-matches
      // them); new ones may be a first run's backlog or a flood.
      Result<bool> archived = store_->HasItem(keys[i]);
      if (!archived.ok()) return archived.status();
      (*archived ? polled.known : polled.fresh).push_back(items[i]);
    }
  }
  return polled;
}

Status Daemon::ArchiveAll(const std::vector<Item>& items) {
  TimePoint now = clock_.Now();
  return store_->InTransaction([&]() -> Status {
    for (const Item& item : items) {
      if (Result<int> saved = store_->SaveItem(item, {}, now); !saved.ok()) {
        return saved.status();
      }
    }
    return Status::Ok();
  });
}

Status Daemon::HoldAll(const std::vector<Item>& items, const char* kind) {
  // An item this source holds already keeps its hold: HoldItem only
  // refreshes it. One transaction (one fsync) for the lot: a first poll of
  // a CELLAR source can bring thousands. Nothing is held unless all are.
  TimePoint now = clock_.Now();
  return store_->InTransaction([&]() -> Status {
    for (const Item& item : items) {
      if (Status s = store_->HoldItem(item, kind, now); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

void Daemon::FinishPoll(SourceRun& run, store::SourceState& state,
                        const Status& outcome,
                        std::optional<std::chrono::seconds> retry_after) {
  TimePoint now = clock_.Now();
  run.in_flight = false;
  run.rows.clear();
  TellAdminAboutSource(run, state, outcome, now);
  if (outcome.ok()) {
    TellAdminAboutSilence(run, state, now);
    state.last_success = ToUnixSeconds(now);
    state.last_error.clear();
    state.consecutive_failures = 0;
    state.failing_since.reset();
    metrics_.SetLastSuccess(run.config->name, *state.last_success);
  } else {
    state.last_error = outcome.message();
    ++state.consecutive_failures;
    if (!state.failing_since) state.failing_since = ToUnixSeconds(now);
    metrics_.CountPollFailure(run.config->name);
  }
  TimePoint next = NextPollTime(now, run.config->poll_interval,
                                state.consecutive_failures, retry_after);
  state.next_poll = ToUnixSeconds(next);
  if (!outcome.ok()) {
    spdlog::error(
        "source={} poll failed ({} in a row), next try in {}s: {}",
        run.config->name, state.consecutive_failures,
        std::chrono::duration_cast<std::chrono::seconds>(next - now).count(),
        outcome.message());
  }
  if (Status s = store_->PutSource(state); !s.ok()) {
    spdlog::error("source={} cannot record poll: {}", run.config->name,
                  s.message());
    exit_code_ = 3;
  }
  source_ok_[run.config->name] = outcome.ok();
  UpdateStatus();
  if (options_.once) {
    if (--polls_pending_ == 0) RequestDispatch();
    return;
  }
  RequestDispatch();
  if (!stopping_) ScheduleSource(run, next);
}

void Daemon::TellAdminAboutSource(const SourceRun& run,
                                  const store::SourceState& before,
                                  const Status& outcome, TimePoint now) {
  const std::string& name = run.config->name;
  bool was_failing = before.consecutive_failures > 0;
  if (outcome.ok()) {
    if (!was_failing) return;
    // Told once when it broke, told once when it recovers.
    mail::NoticeText text =
        mail::SourceRecoveredNotice(config_.mail.language, name);
    Recovered(kNoticeSourceFailing, name, text);
    return;
  }
  // Failing for longer than the source's expected period, counted from the
  // last success, or from the first failure (kept in the database, so a
  // restart does not reset it) when it never succeeded.
  long long since = before.last_success.value_or(
      before.failing_since.value_or(ToUnixSeconds(now)));
  if (ToUnixSeconds(now) - since < run.config->expected_period.count()) return;
  if (NoticeOpen(kNoticeSourceFailing, name)) return;  // Told already.
  mail::NoticeText text =
      mail::SourceFailingNotice(config_.mail.language, name, run.config->url,
                                FormatUtc(since), outcome.message());
  Notify(kNoticeSourceFailing, name, text);
}

void Daemon::TellAdminAboutSilence(const SourceRun& run,
                                   store::SourceState& state, TimePoint now) {
  const std::string& name = run.config->name;
  const long long t = ToUnixSeconds(now);
  if (run.brought_new || !state.last_new_item) {
    // Watched from its first success; news ends a silence.
    state.last_new_item = t;
    if (run.brought_new) {
      mail::NoticeText text =
          mail::SourceNewAgainNotice(config_.mail.language, name);
      Recovered(kNoticeSourceSilent, name, text);
    }
    return;
  }
  const long long since = *state.last_new_item;
  if (t - since < run.config->silent_period.count()) return;
  if (NoticeOpen(kNoticeSourceSilent, name)) return;  // Told already.
  mail::NoticeText text = mail::SourceSilentNotice(
      config_.mail.language, name, run.config->url, FormatUtc(since));
  Notify(kNoticeSourceSilent, name, text);
}

void Daemon::TellAdminAboutFlood(const SourceRun& run, std::size_t held) {
  const std::string& name = run.config->name;
  mail::NoticeText text = mail::SourceFloodNotice(
      config_.mail.language, name, held, run.config->flood_limit);
  Notify(kNoticeSourceFlood, name, text);
}

// Records an admin notice on this thread's store and marks (kind, key)
// open until Recovered. Failures are logged.
void Daemon::Notify(const std::string& kind, const std::string& key,
                    const mail::NoticeText& text) {
  if (!io_admin_) return;
  Result<bool> r = io_admin_->Notify(kind, key, text.subject, text.body);
  if (!r.ok()) {
    spdlog::error("admin notice: {}", r.status().message());
    return;
  }
  RecordState("notice-open." + kind + "." + key, "1", clock_.Now());
}

bool Daemon::NoticeOpen(const std::string& kind, const std::string& key) {
  Result<std::map<std::string, std::string>> states = store_->GetStates();
  if (!states.ok()) return false;
  auto it = states->find("notice-open." + kind + "." + key);
  return it != states->end() && !it->second.empty();
}

void Daemon::Recovered(const std::string& kind, const std::string& key,
                       const mail::NoticeText& text) {
  if (!io_admin_ || !NoticeOpen(kind, key)) return;
  (void)io_admin_->Resolve(kind, key);
  RecordState("notice-open." + kind + "." + key, "", clock_.Now());
  Result<bool> r =
      io_admin_->Notify(kind + "-recovered", key, text.subject, text.body);
  if (!r.ok()) spdlog::error("admin notice: {}", r.status().message());
}

void Daemon::RequestDispatch() {
  if (dispatch_running_) {
    dispatch_again_ = true;
    return;
  }
  dispatch_running_ = true;
  auto guard = boost::asio::make_work_guard(io_);
  boost::asio::post(mail_thread_, [this, guard]() {
    bool digests_ok = MakeDueDigests();
    Result<mail::DispatchStats> stats =
        options_.once ? RunAllDue(*dispatcher_)
                      : dispatcher_->RunDue(kDispatchBatch);
    if (stats.ok()) metrics_.CountMail(*stats);
    std::optional<TimePoint> next = NextMailWake();
    boost::asio::post(io_, [this, stats, digests_ok, next, guard]() {
      OnDispatched(stats, digests_ok, next);
    });
  });
}

bool Daemon::MakeDueDigests() {
  Result<DigestStats> digests = digester_->RunDue();
  if (!digests.ok()) {
    spdlog::error("digests: {}", digests.status().message());
    return false;
  }
  return true;
}

std::optional<TimePoint> Daemon::NextMailWake() {
  std::optional<TimePoint> next;
  Result<std::optional<TimePoint>> mail = dispatcher_->NextWake();
  Result<std::optional<TimePoint>> digest = digester_->NextDue();
  for (const auto* r : {&mail, &digest}) {
    if (!r->ok()) {
      spdlog::error("next dispatch: {}", r->status().message());
    } else if (**r && (!next || ***r < *next)) {
      next = **r;
    }
  }
  return next;
}

void Daemon::OnDispatched(Result<mail::DispatchStats> stats, bool digests_ok,
                          std::optional<TimePoint> next_wake) {
  dispatch_running_ = false;
  if (!digests_ok) exit_code_ = 3;
  if (!stats.ok()) {
    spdlog::error("outbox: {}", stats.status().message());
    exit_code_ = 3;
  } else if (stats->taken() + stats->notices > 0) {
    spdlog::info(
        "outbox: sent={} deferred={} failed={} held={} expired={} notices={}",
        stats->sent, stats->deferred, stats->failed, stats->held,
        stats->expired, stats->notices);
  }
  if (options_.once) {
    Stop();
    return;
  }
  if (stopping_) return;
  if (dispatch_again_) {
    dispatch_again_ = false;
    RequestDispatch();  // Arms the timer when it is done.
    return;
  }
  // The daemon is about to sleep until the next poll or mail: hand the pages
  // that parsing and rendering freed back to the kernel, in both threads'
  // malloc arenas, so that resident memory stays that of an idle daemon.
  malloc_trim(0);
  ArmDispatchTimer(next_wake);
}

void Daemon::ArmDispatchTimer(std::optional<TimePoint> when) {
  auto delay = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      when ? *when - clock_.Now() : kMaxDispatchSleep);
  delay = std::clamp<std::chrono::steady_clock::duration>(
      delay, kMinDispatchSleep, kMaxDispatchSleep);
  spdlog::debug(
      "next dispatch in {}s",
      std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  dispatch_timer_.expires_after(delay);
  dispatch_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    RequestDispatch();
  });
}

void Daemon::Reload() {
  spdlog::info("SIGHUP: reloading rules from {}", config_.rules_dir.string());
  (void)notifier_.Reloading();
  if (Status s = LoadTemplates(); !s.ok()) {
    spdlog::error("the previous mail templates stay in force");
  }
  std::shared_ptr<const rules::Matcher> previous = matcher_;
  if (Status s = LoadRules(); !s.ok()) {
    matcher_ = previous;
    spdlog::error("reload refused, the previous rules stay in force: {}",
                  s.message());
    (void)notifier_.Ready(StatusLine() + "; rules reload REFUSED");
    mail::NoticeText text = mail::RulesRefusedNotice(
        config_.mail.language, config_.rules_dir.string(), s.message());
    Notify(kNoticeRulesRefused, config_.rules_dir.string(), text);
    return;
  }
  if (io_admin_)
    (void)io_admin_->Resolve(kNoticeRulesRefused, config_.rules_dir.string());
  spdlog::info("reloaded {} rules", matcher_->rule_count());
  (void)notifier_.Ready(StatusLine());
}

void Daemon::ArmWatchdog() {
  std::optional<std::chrono::microseconds> interval = notifier_.watchdog();
  if (!interval || stopping_) return;
  watchdog_timer_.expires_after(*interval / 2);
  watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    // A database that cannot be written is not healthy: stop the pings
    // and let systemd restart the service.
    if (exit_code_ == 0) (void)notifier_.Watchdog();
    ArmWatchdog();
  });
}

void Daemon::UpdateStatus() {
  if (notifier_.enabled()) (void)notifier_.SetStatus(StatusLine());
}

std::string Daemon::StatusLine() {
  int ok = 0, failing = 0;
  for (const auto& [name, good] : source_ok_) (good ? ok : failing)++;
  std::string line = std::to_string(sources_.size()) + " sources (" +
                     std::to_string(ok) + " ok, " + std::to_string(failing) +
                     " failing), " + std::to_string(matcher_->rule_count()) +
                     " rules";
  Result<std::map<std::string, long long>> counts = store_->OutboxCounts();
  if (counts.ok()) {
    long long waiting = (*counts)[store::kQueued] +
                        (*counts)[store::kDeferred] +
                        (*counts)[store::kSending] + (*counts)[store::kHeld];
    line += ", " + std::to_string(waiting) + " mails waiting";
  }
  return line;
}

void Daemon::Stop() {
  if (stopping_) return;
  stopping_ = true;
  (void)notifier_.Stopping();
  watchdog_timer_.cancel();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  dispatch_timer_.cancel();
  if (metrics_server_) metrics_server_->Stop();
  for (auto& [name, run] : sources_) run.timer->cancel();
  // Dropping the client cancels transfers in flight; their callbacks do not
  // run, and nothing was recorded for them, so the next start polls again.
  boost::asio::post(io_, [this]() { http_.reset(); });
}

}  // namespace lexwatch::daemon
