#include "cli/commands.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/backtest.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/logging.h"
#include "daemon/source_health.h"
#include "feed/feed_parser.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::cli {
namespace {

void PrintDiagnostics(const std::vector<rules::Diagnostic>& diagnostics,
                      std::ostream& err) {
  for (const rules::Diagnostic& d : diagnostics) err << d.ToString() << '\n';
}

bool HasErrors(const std::vector<rules::Diagnostic>& diagnostics) {
  for (const rules::Diagnostic& d : diagnostics) {
    if (!d.warning) return true;
  }
  return false;
}

// Loads the config and the rules, printing every diagnostic.
bool LoadAll(const std::string& config_path, daemon::Config* config,
             rules::LoadResult* rules, std::ostream& err) {
  daemon::ConfigResult loaded = daemon::LoadConfig(config_path);
  PrintDiagnostics(loaded.diagnostics, err);
  if (!loaded.config) return false;
  *config = std::move(*loaded.config);
  *rules = rules::LoadRuleDirectory(config->rules_dir, config->AgencyIds());
  PrintDiagnostics(rules->diagnostics, err);
  return rules->ok() && !HasErrors(rules->diagnostics);
}

bool ReadInput(const std::string& file, std::istream& in, std::string* bytes,
               std::ostream& err) {
  std::ostringstream text;
  if (file == "-") {
    text << in.rdbuf();
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f) {
      err << file << ": cannot read: " << std::strerror(errno) << '\n';
      return false;
    }
    text << f.rdbuf();
  }
  *bytes = text.str();
  return true;
}

std::string FormatTime(const std::optional<long long>& t) {
  if (!t) return "never";
  std::time_t seconds = static_cast<std::time_t>(*t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

nlohmann::ordered_json ItemJson(
    const Item& item, const std::vector<rules::MatchReason>& reasons) {
  nlohmann::ordered_json matches = nlohmann::ordered_json::array();
  for (const rules::MatchReason& r : reasons) {
    matches.push_back({{"rule", r.rule_id},
                       {"topic", r.topic},
                       {"priority", r.priority},
                       {"agencies", r.agencies},
                       {"terms", r.terms},
                       {"fields", r.fields}});
  }
  return {{"id", item.Key()},
          {"celex", item.celex.empty() ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(item.celex)},
          {"title", item.title},
          {"link", item.link},
          {"matches", matches}};
}

// Widens [*begin, *end) of `text` by a bracket just outside it when the
// range holds the other half of the pair: a match on the words of
// "(EU) 2024/3019" or "Annex IV (Energy)" is marked with both brackets, not
// as "EU) 2024/3019" or "Annex IV (Energy".
void WidenToBrackets(std::string_view text, std::size_t* begin,
                     std::size_t* end) {
  for (const auto& [open, close] : {std::pair{'(', ')'}, std::pair{'[', ']'}}) {
    int depth = 0;
    int unopened = 0;  // Closing brackets without an opening one inside.
    for (std::size_t i = *begin; i < *end; ++i) {
      if (text[i] == open) {
        ++depth;
      } else if (text[i] == close) {
        depth > 0 ? --depth : ++unopened;
      }
    }
    if (unopened == 1 && *begin > 0 && text[*begin - 1] == open) --*begin;
    if (depth == 1 && *end < text.size() && text[*end] == close) ++*end;
  }
}

// `text` with every highlighted range of `field` wrapped in « », ranges that
// overlap or touch merged first ("water" inside "drinking water").
std::string MarkUp(const std::string& text, std::string_view field,
                   const std::vector<rules::MatchReason>& reasons) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const rules::MatchReason& r : reasons) {
    for (const rules::Highlight& h : r.highlights) {
      if (h.field == field && h.begin < h.end && h.end <= text.size()) {
        std::size_t begin = h.begin;
        std::size_t end = h.end;
        WidenToBrackets(text, &begin, &end);
        ranges.emplace_back(begin, end);
      }
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < ranges.size();) {
    auto [begin, end] = ranges[i];
    for (++i; i < ranges.size() && ranges[i].first <= end; ++i) {
      end = std::max(end, ranges[i].second);
    }
    out.append(text, pos, begin - pos);
    out += "«" + text.substr(begin, end - begin) + "»";
    pos = end;
  }
  out.append(text, pos);
  return out;
}

bool HasHighlight(const std::vector<rules::MatchReason>& reasons,
                  std::string_view field) {
  for (const rules::MatchReason& r : reasons) {
    for (const rules::Highlight& h : r.highlights) {
      if (h.field == field) return true;
    }
  }
  return false;
}

void PrintItemText(const Item& item,
                   const std::vector<rules::MatchReason>& reasons,
                   std::ostream& out) {
  out << (item.celex.empty() ? "-" : item.celex);
  if (!item.doc_type.empty()) out << " (" << item.doc_type << ")";
  out << "  " << MarkUp(item.title, "title", reasons) << '\n';
  for (std::string_view field : {"summary", "author", "eurovoc", "annex"}) {
    if (HasHighlight(reasons, field)) {
      out << "  " << field << ": "
          << MarkUp(rules::FieldText(item, field), field, reasons) << '\n';
    }
  }
  if (!item.link.empty()) out << "  link: " << item.link << '\n';
  if (reasons.empty()) {
    out << "  no rule matched\n";
    return;
  }
  for (const rules::MatchReason& r : reasons) {
    out << "  MATCH " << r.rule_id << " [" << r.topic << "]";
    if (r.priority == "urgent") out << " URGENT";
    out << " -> ";
    for (std::size_t i = 0; i < r.agencies.size(); ++i) {
      out << (i ? ", " : "") << r.agencies[i];
    }
    out << '\n' << "        because ";
    for (std::size_t i = 0; i < r.terms.size(); ++i) {
      // An exact term is written in quotes already ('"(EU) 2024/3019"').
      const bool quoted = r.terms[i].starts_with('"');
      out << (i ? ", " : "") << (quoted ? "" : "\"") << r.terms[i]
          << (quoted ? "" : "\"");
      if (i < r.fields.size()) out << " in " << r.fields[i];
    }
    out << '\n';
  }
}

// A number the daemon recorded as text: a count, or a time in Unix seconds.
std::optional<long long> StateInt(
    const std::map<std::string, std::string>& states, const std::string& key) {
  auto it = states.find(key);
  if (it == states.end() || it->second.empty()) return std::nullopt;
  return std::stoll(it->second);
}

void PrintRulesState(const std::map<std::string, std::string>& states,
                     std::ostream& out) {
  auto count = states.find("rules.count");
  if (count == states.end()) return;
  out << "Rules: " << count->second << " loaded at "
      << FormatTime(StateInt(states, "rules.loaded_at")) << '\n';
  auto error = states.find("rules.error");
  if (error != states.end() && !error->second.empty()) {
    out << "  last reload REFUSED at "
        << FormatTime(StateInt(states, "rules.error_at")) << ": "
        << error->second << "\n  (the rules loaded before stay in force)\n";
  }
}

}  // namespace

int NoDatabase(std::string_view command, const std::filesystem::path& db,
               std::ostream& err) {
  err << "lexwatch " << command << ": no database at " << db.string()
      << " (has lexwatch run yet? check state_dir in the config)\n";
  return kExitRuntime;
}

std::unique_ptr<store::Store> OpenDatabaseReadOnly(
    std::string_view command, const std::filesystem::path& db,
    std::ostream& err) {
  Result<std::unique_ptr<store::Store>> store = store::Store::OpenReadOnly(db);
  if (store.ok()) return std::move(*store);
  if (store.status().IsNotFound()) {
    NoDatabase(command, db, err);
  } else {
    err << "lexwatch " << command << ": " << store.status().message() << '\n';
  }
  return nullptr;
}

std::unique_ptr<store::Store> OpenExistingDatabase(
    std::string_view command, const std::filesystem::path& db,
    std::ostream& err) {
  if (!std::filesystem::exists(db)) {
    NoDatabase(command, db, err);
    return nullptr;
  }
  Result<std::unique_ptr<store::Store>> store = store::Store::Open(db);
  if (store.ok()) return std::move(*store);
  err << store.status().message() << '\n';
  return nullptr;
}

int Check(const std::string& config_path, std::ostream& out,
          std::ostream& err) {
  daemon::Config config;
  rules::LoadResult rules;
  if (!LoadAll(config_path, &config, &rules, err)) return kExitInvalid;
  Result<std::shared_ptr<const mail::TemplateSet>> templates =
      daemon::LoadMailTemplates(config.mail);
  if (!templates.ok()) {
    err << templates.status().message() << '\n';
    return kExitInvalid;
  }
  // The daemon reads the password as it starts; an unreadable file would
  // stop it there, after this check had passed.
  if (config.mail.transport == "smtp") {
    Result<std::string> password = daemon::ReadSmtpPassword(config.mail);
    if (!password.ok()) {
      err << password.status().message() << '\n';
      return kExitInvalid;
    }
  }
  out << config_path << ": ok: " << config.sources.size() << " sources, "
      << config.agencies.size() << " agencies, " << rules.matcher->rule_count()
      << " rules from " << config.rules_dir.string() << ", mail templates "
      << (*templates ? "from " + config.mail.templates_dir.string()
                     : std::string("built-in"))
      << '\n';
  return kExitOk;
}

int Match(const std::string& config_path, const std::vector<std::string>& files,
          bool json, std::istream& in, std::ostream& out, std::ostream& err) {
  daemon::Config config;
  rules::LoadResult rules;
  if (!LoadAll(config_path, &config, &rules, err)) return kExitInvalid;
  int exit_code = kExitOk;
  for (const std::string& file : files) {
    std::string bytes;
    if (!ReadInput(file, in, &bytes, err)) {
      exit_code = kExitInvalid;
      continue;
    }
    std::string source = file == "-" ? "stdin" : file;
    Result<std::vector<Item>> items = feed::ParseFeed(bytes, source);
    if (!items.ok()) {
      err << items.status().message() << '\n';
      exit_code = kExitInvalid;
      continue;
    }
    for (const Item& item : *items) {
      std::vector<rules::MatchReason> reasons = rules.matcher->Match(item);
      if (json) {
        out << ItemJson(item, reasons)
                   .dump(-1, ' ', false,
                         nlohmann::ordered_json::error_handler_t::replace)
            << '\n';
      } else {
        PrintItemText(item, reasons, out);
      }
    }
  }
  return exit_code;
}

namespace {

std::string Plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void PrintChanges(char sign, const std::vector<daemon::BacktestChange>& changes,
                  std::ostream& out) {
  for (const daemon::BacktestChange& c : changes) {
    out << "    " << sign << ' ' << (c.celex.empty() ? c.item_key : c.celex)
        << "  " << c.title << "\n      rules: ";
    for (std::size_t i = 0; i < c.rules.size(); ++i) {
      out << (i ? ", " : "") << c.rules[i];
    }
    out << '\n';
  }
}

std::string TopicCounts(char sign, const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [topic, n] : counts) {
    if (!out.empty()) out += ", ";
    out += topic + " " + sign + std::to_string(n);
  }
  return out;
}

void PrintBacktestText(const daemon::BacktestReport& report,
                       const daemon::Config& config, std::ostream& out) {
  int added = 0, removed = 0, changed = 0;
  for (const daemon::AgencyDiff& d : report.agencies) {
    const daemon::AgencyConfig* agency = config.FindAgency(d.agency_id);
    out << d.agency_id << " (" << (agency ? agency->name : "?") << "): live "
        << d.live << ", candidate " << d.candidate;
    if (d.added.empty() && d.removed.empty()) {
      out << ", no change\n";
      continue;
    }
    ++changed;
    added += static_cast<int>(d.added.size());
    removed += static_cast<int>(d.removed.size());
    out << " (" << d.added.size() << " new, " << d.removed.size()
        << " no longer sent)\n";
    if (!d.added.empty()) {
      out << "  would now be sent, by topic: "
          << TopicCounts('+', d.added_by_topic) << '\n';
      PrintChanges('+', d.added, out);
    }
    if (!d.removed.empty()) {
      out << "  would no longer be sent, by topic: "
          << TopicCounts('-', d.removed_by_topic) << '\n';
      PrintChanges('-', d.removed, out);
    }
  }
  out << "Total: " << Plural(added, "alert", "alerts") << " added, "
      << Plural(removed, "alert", "alerts") << " removed, for " << changed
      << " of " << report.agencies.size() << " agencies.\n";
}

nlohmann::ordered_json ChangesJson(
    const std::vector<daemon::BacktestChange>& changes) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const daemon::BacktestChange& c : changes) {
    list.push_back(
        {{"id", c.item_key},
         {"celex", c.celex.empty() ? nlohmann::ordered_json(nullptr)
                                   : nlohmann::ordered_json(c.celex)},
         {"title", c.title},
         {"rules", c.rules},
         {"topics", c.topics}});
  }
  return list;
}

nlohmann::ordered_json BacktestJson(const daemon::BacktestReport& report) {
  nlohmann::ordered_json agencies = nlohmann::ordered_json::array();
  for (const daemon::AgencyDiff& d : report.agencies) {
    agencies.push_back({{"agency", d.agency_id},
                        {"live", d.live},
                        {"candidate", d.candidate},
                        {"added_by_topic", d.added_by_topic},
                        {"removed_by_topic", d.removed_by_topic},
                        {"added", ChangesJson(d.added)},
                        {"removed", ChangesJson(d.removed)}});
  }
  return {{"items", report.items}, {"agencies", agencies}};
}

}  // namespace

int Backtest(const std::string& config_path, const std::string& candidate_dir,
             const std::string& since, bool json, std::ostream& out,
             std::ostream& err) {
  daemon::Config config;
  rules::LoadResult live;
  if (!LoadAll(config_path, &config, &live, err)) return kExitInvalid;
  std::optional<TimePoint> from;
  if (!since.empty()) {
    std::optional<std::chrono::seconds> window = daemon::ParseDuration(since);
    if (!window) {
      err << "--since '" << since
          << "': expected a duration like \"90d\", \"12h\" or \"30m\"\n";
      return kExitUsage;
    }
    from = std::chrono::system_clock::now() - *window;
  }
  rules::LoadResult candidate =
      rules::LoadRuleDirectory(candidate_dir, config.AgencyIds());
  PrintDiagnostics(candidate.diagnostics, err);
  if (!candidate.ok()) return kExitInvalid;
  std::unique_ptr<store::Store> store =
      OpenDatabaseReadOnly("backtest", config.DatabasePath(), err);
  if (!store) return kExitRuntime;
  Result<std::vector<store::ArchivedItem>> items = store->ListItems(from);
  if (!items.ok()) {
    err << items.status().message() << '\n';
    return kExitRuntime;
  }
  std::vector<std::string> ids;
  for (const daemon::AgencyConfig& a : config.agencies) ids.push_back(a.id);
  daemon::BacktestReport report =
      daemon::RunBacktest(*items, *live.matcher, *candidate.matcher, ids);
  if (json) {
    out << BacktestJson(report).dump(-1, ' ', false,
                                     nlohmann::json::error_handler_t::replace)
        << '\n';
    return kExitOk;
  }
  out << "Backtest of " << candidate_dir << " ("
      << candidate.matcher->rule_count() << " rules) against the live rules "
      << config.rules_dir.string() << " (" << live.matcher->rule_count()
      << " rules), over " << report.items << " archived items"
      << (since.empty() ? "" : " first seen in the last " + since) << ".\n";
  PrintBacktestText(report, config, out);
  return kExitOk;
}

namespace {

long long UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "45s", "12m", "3h 05m", "2d 04h": how long mail has waited.
std::string FormatAge(long long seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%llds", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm", seconds / 60);
  } else if (seconds < 86400) {
    std::snprintf(buf, sizeof buf, "%lldh %02lldm", seconds / 3600,
                  seconds % 3600 / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldd %02lldh", seconds / 86400,
                  seconds % 86400 / 3600);
  }
  return buf;
}

nlohmann::ordered_json OptionalJson(const std::optional<long long>& n) {
  return n ? nlohmann::ordered_json(*n) : nullptr;
}

nlohmann::ordered_json TimeJson(const std::optional<long long>& t) {
  return t ? nlohmann::ordered_json(FormatTime(t)) : nullptr;
}

void PrintStatusJson(const daemon::Config& config,
                     const std::vector<store::SourceState>& sources,
                     const std::map<std::string, long long>& counts,
                     const std::map<std::string, std::string>& states,
                     const std::map<std::string, long long>& held,
                     std::optional<long long> oldest_age, std::ostream& out) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const daemon::SourceConfig& sc : config.sources) {
    store::SourceState st;
    st.name = sc.name;
    for (const store::SourceState& s : sources) {
      if (s.name == sc.name) st = s;
    }
    list.push_back({{"name", sc.name},
                    {"state", daemon::HealthJson(daemon::HealthOf(
                                  sc, st, std::chrono::system_clock::now()))},
                    {"last_poll", TimeJson(st.last_poll)},
                    {"last_success", TimeJson(st.last_success)},
                    {"next_poll", TimeJson(st.next_poll)},
                    {"last_error", st.last_error.empty()
                                       ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(st.last_error)},
                    {"consecutive_failures", st.consecutive_failures},
                    {"items_seen", st.items_seen},
                    {"last_new_item", TimeJson(st.last_new_item)},
                    {"held", held.count(sc.name) ? held.at(sc.name) : 0}});
  }
  nlohmann::ordered_json outbox = nlohmann::ordered_json::object();
  for (const char* state : store::kOutboxStates) {
    auto it = counts.find(state);
    outbox[state] = it == counts.end() ? 0 : it->second;
  }
  auto value = [&](const char* key) -> nlohmann::ordered_json {
    auto it = states.find(key);
    if (it == states.end() || it->second.empty()) return nullptr;
    return it->second;
  };
  nlohmann::ordered_json rules = {
      {"count", OptionalJson(StateInt(states, "rules.count"))},
      {"loaded_at", TimeJson(StateInt(states, "rules.loaded_at"))},
      {"last_reload_error", value("rules.error")}};
  out << nlohmann::ordered_json{{"sources", list},
                                {"rules", rules},
                                {"outbox", outbox},
                                {"outbox_oldest_waiting_age_seconds",
                                 OptionalJson(oldest_age)}}
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
      << '\n';
}

// "Digests:" with one line per agency on a digest cadence or with acts
// still waiting for one; nothing when there are none.
lexwatch::Status PrintDigests(const daemon::Config& config, store::Store& store,
                              std::ostream& out) {
  Result<std::vector<store::DigestQueue>> queues = store.DigestQueues();
  if (!queues.ok()) return queues.status();
  std::map<std::string, long long> waiting;
  for (const store::DigestQueue& q : *queues) waiting[q.agency_id] = q.pending;
  bool header = false;
  for (const daemon::AgencyConfig& a : config.agencies) {
    if (!a.cadence.digest() && waiting.count(a.id) == 0) continue;
    if (!header) out << "Digests (" << config.mail.timezone << "):\n";
    header = true;
    out << "  " << a.id << " (" << a.cadence.ToString()
        << "): " << waiting[a.id] << " waiting\n";
  }
  return lexwatch::Status::Ok();
}

}  // namespace

int Status(const std::string& config_path, std::ostream& out, std::ostream& err,
           bool json) {
  daemon::ConfigResult loaded = daemon::LoadConfig(config_path);
  PrintDiagnostics(loaded.diagnostics, err);
  if (!loaded.config) return kExitInvalid;
  const daemon::Config& config = *loaded.config;
  std::unique_ptr<store::Store> store =
      OpenDatabaseReadOnly("status", config.DatabasePath(), err);
  if (!store) return kExitRuntime;
  Result<std::vector<store::SourceState>> sources = store->ListSources();
  Result<std::map<std::string, long long>> counts = store->OutboxCounts();
  if (!sources.ok() || !counts.ok()) {
    err << (sources.ok() ? counts.status() : sources.status()).message()
        << '\n';
    return kExitRuntime;
  }
  Result<std::map<std::string, std::string>> states = store->GetStates();
  if (!states.ok()) {
    err << states.status().message() << '\n';
    return kExitRuntime;
  }
  Result<std::optional<long long>> oldest = store->OldestWaitingCreated();
  if (!oldest.ok()) {
    err << oldest.status().message() << '\n';
    return kExitRuntime;
  }
  std::optional<long long> oldest_age;
  if (*oldest) oldest_age = std::max(0LL, UnixNow() - **oldest);
  Result<std::map<std::string, long long>> held = store->FloodHeldCounts();
  if (!held.ok()) {
    err << held.status().message() << '\n';
    return kExitRuntime;
  }
  if (json) {
    PrintStatusJson(config, *sources, *counts, *states, *held, oldest_age, out);
    return kExitOk;
  }
  out << "Sources:\n";
  for (const daemon::SourceConfig& sc : config.sources) {
    store::SourceState st;
    st.name = sc.name;
    for (const store::SourceState& s : *sources) {
      if (s.name == sc.name) st = s;
    }
    out << "  " << sc.name << ": "
        << daemon::HealthText(
               daemon::HealthOf(sc, st, std::chrono::system_clock::now()))
        << "\n    last poll:    " << FormatTime(st.last_poll)
        << "\n    last success: " << FormatTime(st.last_success)
        << "\n    next poll:    " << FormatTime(st.next_poll)
        << "\n    last error:   "
        << (st.last_error.empty() ? "-" : st.last_error)
        << "\n    items seen:   " << st.items_seen
        << "\n    last new:     " << FormatTime(st.last_new_item) << '\n';
    if (auto it = held->find(sc.name); it != held->end()) {
      out << "    held:         " << it->second
          << " new matches kept back by the flood limit (lexwatch release "
          << sc.name << ")\n";
    }
  }
  PrintRulesState(*states, out);
  out << "Outbox:";
  for (const char* state : store::kOutboxStates) {
    auto it = counts->find(state);
    out << ' ' << state << '=' << (it == counts->end() ? 0 : it->second);
  }
  out << "\n  oldest waiting: "
      << (oldest_age
              ? FormatAge(*oldest_age) + " (queued " + FormatTime(*oldest) + ")"
              : std::string("none"))
      << '\n';
  if (lexwatch::Status s = PrintDigests(config, *store, out); !s.ok()) {
    err << s.message() << '\n';
    return kExitRuntime;
  }
  return kExitOk;
}

int Run(const std::string& config_path, bool once, bool verbose,
        std::ostream& err) {
  daemon::SetUpLogging(verbose);
  daemon::ConfigResult loaded = daemon::LoadConfig(config_path);
  PrintDiagnostics(loaded.diagnostics, err);
  if (!loaded.config) return kExitInvalid;
  daemon::Daemon d(std::move(*loaded.config), daemon::DaemonOptions{once});
  return d.Run();
}

}  // namespace lexwatch::cli
