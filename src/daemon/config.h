#ifndef LEXWATCH_DAEMON_CONFIG_H_
#define LEXWATCH_DAEMON_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/rule_set.h"

namespace lexwatch::daemon {

struct SourceConfig {
  std::string name;
  // "eurlex", "eea-news", "cellar", "rss" or "atom" (RSS 2.0, Atom 1.0 and
  // RSS 1.0 are detected from the document either way).
  std::string kind;
  std::string url;  // Resolved from the preset; file: URLs made absolute.
  std::string format = "feed";  // "feed" or "sparql" (CELLAR).
  std::string host;             // For per-host politeness; "" for file:.
  std::chrono::seconds poll_interval{3600};
  std::chrono::seconds min_host_interval{1};
  std::chrono::seconds expected_period{7200};
  bool rewrite_eea_links = false;
};

struct AgencyConfig {
  std::string id;
  std::string name;
  std::vector<std::string> addresses;  // Validated addr-specs.
};

struct MailConfig {
  std::string transport;  // "smtp" or "maildir".
  std::string from;       // "Name <addr>" or "addr", validated.
  std::string from_address;
  std::string smtp_url;
  bool starttls = true;
  std::string user;
  std::filesystem::path password_file;
  std::filesystem::path maildir;
  std::string message_id_domain;
  std::vector<std::chrono::seconds> retry_waits;
  std::chrono::seconds timeout{60};
  // Undelivered this long after queueing: expired, and the admin is told.
  std::chrono::seconds expire_after{std::chrono::hours(5 * 24)};
  // Undelivered this long: the admin is warned once per message.
  std::chrono::seconds warn_after{std::chrono::hours(4)};
  std::chrono::seconds sent_log_retention{std::chrono::hours(365 * 24)};
};

// [admin]: where notices about faults an administrator must fix go. The
// table is optional; without it notices are only logged.
struct AdminConfig {
  std::string address;  // Validated addr-spec; "" when not configured.
  std::chrono::seconds min_interval{3600};  // Per notice kind and subject.
};

struct Config {
  std::filesystem::path file;
  std::filesystem::path state_dir;
  std::filesystem::path rules_dir;
  std::string contact;
  bool allow_insecure = false;
  std::chrono::seconds fetch_timeout{60};
  std::size_t max_bytes = 32u << 20;
  MailConfig mail;
  AdminConfig admin;
  std::vector<SourceConfig> sources;
  std::vector<AgencyConfig> agencies;

  std::filesystem::path DatabasePath() const {
    return state_dir / "lexwatch.db";
  }
  std::set<std::string> AgencyIds() const;
  const AgencyConfig* FindAgency(const std::string& id) const;
};

struct ConfigResult {
  std::optional<Config> config;  // Empty when there are errors.
  std::vector<rules::Diagnostic> diagnostics;
};

// Parses a config file's text. `path` names the file in diagnostics and is
// the base for relative paths. Pure: reads nothing.
ConfigResult ParseConfig(const std::string& text,
                         const std::filesystem::path& path);

// Reads and parses the file; an unreadable file is a diagnostic.
ConfigResult LoadConfig(const std::filesystem::path& path);

// "90s", "15m", "1h", "2d" or a bare number of seconds. nullopt when bad.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_CONFIG_H_
