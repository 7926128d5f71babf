#ifndef LEXWATCH_DAEMON_CONFIG_H_
#define LEXWATCH_DAEMON_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/cadence.h"
#include "daemon/time_zone.h"
#include "mail/template_set.h"
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
  // Answering, but no item it never carried before for this long: the
  // admin is told once, and again when items come.
  std::chrono::seconds silent_period{std::chrono::hours(96)};
  bool rewrite_eea_links = false;
  // A source never polled successfully before: true alerts its items like
  // any other; false (first_run = "record") archives them without alerting.
  bool first_run_alerts = false;
  // More new matches than this in one poll are held, not alerted, until
  // `lexwatch release`.
  int flood_limit = 50;
};

struct AgencyConfig {
  std::string id;
  std::string name;
  std::vector<std::string> addresses;  // Validated addr-specs.
  // When the agency hears about non-urgent acts: at once (default) or in
  // a daily or weekly digest at a local time in [mail] timezone.
  Cadence cadence;
  // "nb" or "en": the agency's mail language; "" = [mail] language.
  std::string language{};
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
  // The zone of digest slots ([[agency]] cadence): its name, and its rules
  // loaded from the tz database while parsing.
  std::string timezone = "Europe/Oslo";
  TimeZone zone;
  // The mail templates (mail::TemplateSet) and their default language.
  // Default: "templates" next to the config file.
  std::filesystem::path templates_dir;
  bool templates_dir_set = false;  // The key was given.
  std::string language = "nb";
};

// [admin]: where notices about faults an administrator must fix go. The
// table is optional; without it notices are only logged.
struct AdminConfig {
  std::string address;  // Validated addr-spec; "" when not configured.
  std::chrono::seconds min_interval{3600};  // Per notice kind and subject.
};

// [metrics]: GET /metrics and /healthz over HTTP on a loopback address.
// Off when the table is absent.
struct MetricsConfig {
  std::string address;  // An IP literal: 127.0.0.1, ::1, ...; "" when off.
  std::uint16_t port = 0;
  bool enabled() const { return !address.empty(); }
};

struct Config {
  std::filesystem::path file;
  std::filesystem::path state_dir;
  std::filesystem::path rules_dir;
  std::string contact;
  bool allow_insecure = false;
  std::chrono::seconds fetch_timeout{60};
  std::size_t max_bytes = 32u << 20;
  // [fetch] defaults of the [[source]] keys first_run and flood_limit.
  bool first_run_alerts = false;
  int flood_limit = 50;
  MailConfig mail;
  AdminConfig admin;
  MetricsConfig metrics;
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
// the base for relative paths. Reads nothing but [mail] timezone's file in
// /usr/share/zoneinfo.
ConfigResult ParseConfig(const std::string& text,
                         const std::filesystem::path& path);

// Reads and parses the file; an unreadable file is a diagnostic.
ConfigResult LoadConfig(const std::filesystem::path& path);

// "90s", "15m", "1h", "2d" or a bare number of seconds. nullopt when bad.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

// The templates of [mail] templates_dir, parsed and test-rendered. When
// the key is not set and the default directory does not exist, null: the
// built-in templates (mail::TemplateSet::BuiltIn()) are used. Errors name
// each file as "path:line:col: message", one per line.
Result<std::shared_ptr<const mail::TemplateSet>> LoadMailTemplates(
    const MailConfig& mail);

// The SMTP password: [mail] password_file, else the systemd credential
// $CREDENTIALS_DIRECTORY/smtp-password when there is one, else "" (no
// login). A file that cannot be read is an error naming it and why
// ("/etc/lexwatch/smtp-password: cannot read password file: Permission
// denied"); `check` reads it too, so the unit's ExecStartPre catches it.
Result<std::string> ReadSmtpPassword(const MailConfig& mail);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_CONFIG_H_
