#include "cli/commands.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/logging.h"
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
                       {"agencies", r.agencies},
                       {"terms", r.terms}});
  }
  return {{"id", item.Key()},
          {"celex", item.celex.empty() ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json(item.celex)},
          {"title", item.title},
          {"link", item.link},
          {"matches", matches}};
}

void PrintItemText(const Item& item,
                   const std::vector<rules::MatchReason>& reasons,
                   std::ostream& out) {
  out << (item.celex.empty() ? "-" : item.celex);
  if (!item.doc_type.empty()) out << " (" << item.doc_type << ")";
  out << "  " << item.title << '\n';
  if (!item.link.empty()) out << "  link: " << item.link << '\n';
  if (reasons.empty()) {
    out << "  no rule matched\n";
    return;
  }
  for (const rules::MatchReason& r : reasons) {
    out << "  MATCH " << r.rule_id << " [" << r.topic << "] -> ";
    for (std::size_t i = 0; i < r.agencies.size(); ++i) {
      out << (i ? ", " : "") << r.agencies[i];
    }
    out << '\n' << "        because ";
    for (std::size_t i = 0; i < r.terms.size(); ++i) {
      out << (i ? ", " : "") << '"' << r.terms[i] << '"';
      if (i < r.fields.size()) out << " in " << r.fields[i];
    }
    out << '\n';
  }
}

}  // namespace

int Check(const std::string& config_path, std::ostream& out,
          std::ostream& err) {
  daemon::Config config;
  rules::LoadResult rules;
  if (!LoadAll(config_path, &config, &rules, err)) return kExitInvalid;
  out << config_path << ": ok: " << config.sources.size() << " sources, "
      << config.agencies.size() << " agencies, " << rules.matcher->rule_count()
      << " rules from " << config.rules_dir.string() << '\n';
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

int Status(const std::string& config_path, std::ostream& out,
           std::ostream& err) {
  daemon::ConfigResult loaded = daemon::LoadConfig(config_path);
  PrintDiagnostics(loaded.diagnostics, err);
  if (!loaded.config) return kExitInvalid;
  const daemon::Config& config = *loaded.config;
  Result<std::unique_ptr<store::Store>> store =
      store::Store::Open(config.DatabasePath());
  if (!store.ok()) {
    err << store.status().message() << '\n';
    return kExitRuntime;
  }
  Result<std::vector<store::SourceState>> sources = (*store)->ListSources();
  Result<std::map<std::string, long long>> counts = (*store)->OutboxCounts();
  if (!sources.ok() || !counts.ok()) {
    err << (sources.ok() ? counts.status() : sources.status()).message()
        << '\n';
    return kExitRuntime;
  }
  out << "Sources:\n";
  for (const daemon::SourceConfig& sc : config.sources) {
    store::SourceState st;
    st.name = sc.name;
    for (const store::SourceState& s : *sources) {
      if (s.name == sc.name) st = s;
    }
    out << "  " << sc.name << ": "
        << (st.last_error.empty() ? (st.last_poll ? "ok" : "not polled yet")
                                  : "FAILING")
        << "\n    last poll:    " << FormatTime(st.last_poll)
        << "\n    last success: " << FormatTime(st.last_success)
        << "\n    next poll:    " << FormatTime(st.next_poll)
        << "\n    last error:   "
        << (st.last_error.empty() ? "-" : st.last_error)
        << "\n    items seen:   " << st.items_seen << '\n';
  }
  out << "Outbox:";
  for (const char* state : {store::kQueued, store::kSending, store::kDeferred,
                            store::kSent, store::kFailed}) {
    auto it = counts->find(state);
    out << ' ' << state << '=' << (it == counts->end() ? 0 : it->second);
  }
  out << '\n';
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
