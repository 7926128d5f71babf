#include "daemon/config.h"

#include <toml++/toml.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "daemon/source_presets.h"
#include "mail/message.h"

namespace lexwatch::daemon {
namespace {

constexpr std::size_t kMinBytes = 1024;

// Collects diagnostics for one config file while walking its tables.
class Checker {
 public:
  explicit Checker(std::string path) : path_(std::move(path)) {}

  void Error(const toml::source_region& where, std::string message) {
    diagnostics_.push_back(rules::Diagnostic{
        path_, static_cast<int>(where.begin.line),
        static_cast<int>(where.begin.column), std::move(message), false});
  }

  // Reports keys of `table` not in `allowed`; `what` names the table.
  void AllowOnly(const toml::table& table, std::string_view what,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, node] : table) {
      bool known = false;
      for (std::string_view a : allowed) known = known || key.str() == a;
      if (!known) {
        Error(key.source(), "unknown field '" + std::string(key.str()) +
                                "' in " + std::string(what));
      }
    }
  }

  // The string at `key`; "" and an error when `required` and absent.
  std::string String(const toml::table& table, std::string_view key,
                     std::string_view what, bool required,
                     std::string fallback = "") {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) {
        Error(table.source(), "missing field '" + std::string(key) + "' in " +
                                  std::string(what));
      }
      return fallback;
    }
    if (!node->is_string()) {
      Error(node->source(), "'" + std::string(key) + "' must be a string");
      return fallback;
    }
    return node->as_string()->get();
  }

  bool Bool(const toml::table& table, std::string_view key, bool fallback) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    if (!node->is_boolean()) {
      Error(node->source(), "'" + std::string(key) + "' must be true or false");
      return fallback;
    }
    return node->as_boolean()->get();
  }

  std::int64_t Integer(const toml::table& table, std::string_view key,
                       std::int64_t fallback, std::int64_t min) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    if (!node->is_integer() || node->as_integer()->get() < min) {
      Error(node->source(), "'" + std::string(key) +
                                "' must be a whole number of at least " +
                                std::to_string(min));
      return fallback;
    }
    return node->as_integer()->get();
  }

  std::chrono::seconds Duration(const toml::table& table, std::string_view key,
                                std::chrono::seconds fallback,
                                std::chrono::seconds min) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    return DurationNode(*node, key, fallback, min);
  }

  std::chrono::seconds DurationNode(const toml::node& node,
                                    std::string_view key,
                                    std::chrono::seconds fallback,
                                    std::chrono::seconds min) {
    std::optional<std::chrono::seconds> d;
    if (node.is_string()) d = ParseDuration(node.as_string()->get());
    if (!d || *d < min) {
      Error(node.source(), "'" + std::string(key) +
                               "' must be a duration like \"90s\", \"15m\" "
                               "or \"1h\", of at least " +
                               std::to_string(min.count()) + "s");
      return fallback;
    }
    return *d;
  }

  // A list of strings; errors name each bad element.
  std::vector<std::string> StringList(const toml::table& table,
                                      std::string_view key) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      Error(node->source(),
            "'" + std::string(key) + "' must be a list of strings");
      return out;
    }
    for (const toml::node& element : *array) {
      if (!element.is_string()) {
        Error(element.source(),
              "'" + std::string(key) + "' must be a list of strings");
        continue;
      }
      out.push_back(element.as_string()->get());
    }
    return out;
  }

  // The array of tables at `key` ([[key]]).
  std::vector<const toml::table*> Tables(const toml::table& table,
                                         std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      Error(node->source(), "'" + std::string(key) + "' must be written as [[" +
                                std::string(key) + "]] tables");
      return out;
    }
    for (const toml::node& element : *array) {
      if (!element.is_table()) {
        Error(element.source(), "'" + std::string(key) +
                                    "' must be written as [[" +
                                    std::string(key) + "]] tables");
        continue;
      }
      out.push_back(element.as_table());
    }
    return out;
  }

  std::vector<rules::Diagnostic> Take() { return std::move(diagnostics_); }
  bool HasErrors() const { return !diagnostics_.empty(); }

 private:
  std::string path_;
  std::vector<rules::Diagnostic> diagnostics_;
};

std::filesystem::path Resolve(const std::filesystem::path& base,
                              const std::string& value) {
  std::filesystem::path p(value);
  if (p.is_relative()) p = base / p;
  return p.lexically_normal();
}

// file:relative/path -> file:///abs/path; other URLs unchanged.
std::string ResolveUrl(const std::filesystem::path& base,
                       const std::string& url) {
  constexpr std::string_view kFile = "file:";
  if (url.rfind(kFile, 0) != 0 || url.rfind("file://", 0) == 0) return url;
  return "file://" + Resolve(base, url.substr(kFile.size())).string();
}

// Relative paths in the file are relative to the file's own directory.
std::filesystem::path Base(const Config& config) {
  std::error_code ec;
  return std::filesystem::absolute(config.file, ec).parent_path();
}

bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsLoopbackUrl(std::string_view url) {
  for (std::string_view host : {"://127.0.0.1", "://localhost", "://[::1]"}) {
    std::size_t at = url.find(host);
    if (at == std::string_view::npos) continue;
    std::size_t end = at + host.size();
    if (end == url.size() || url[end] == ':' || url[end] == '/') return true;
  }
  return false;
}

// first_run = "record" (false) or "alert" (true).
bool FirstRunAlerts(Checker& c, const toml::table& t, std::string_view what,
                    bool fallback) {
  const toml::node* node = t.get("first_run");
  if (node == nullptr) return fallback;
  std::string value = c.String(t, "first_run", what, false);
  if (!node->is_string()) return fallback;  // String reported it.
  if (value == "record") return false;
  if (value == "alert") return true;
  c.Error(node->source(), "'first_run' must be \"record\" or \"alert\"");
  return fallback;
}

void ParseFetch(Checker& c, const toml::table& root, Config& config) {
  const toml::node* node = root.get("fetch");
  if (node == nullptr) return;
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    c.Error(node->source(), "'fetch' must be a table [fetch]");
    return;
  }
  c.AllowOnly(
      *t, "[fetch]",
      {"timeout", "max_bytes", "allow_insecure", "first_run", "flood_limit"});
  config.fetch_timeout =
      c.Duration(*t, "timeout", config.fetch_timeout, std::chrono::seconds(1));
  config.max_bytes = static_cast<std::size_t>(c.Integer(
      *t, "max_bytes", static_cast<std::int64_t>(config.max_bytes), kMinBytes));
  config.allow_insecure = c.Bool(*t, "allow_insecure", false);
  config.first_run_alerts =
      FirstRunAlerts(c, *t, "[fetch]", config.first_run_alerts);
  config.flood_limit =
      static_cast<int>(c.Integer(*t, "flood_limit", config.flood_limit, 1));
}

void ParseRetryWaits(Checker& c, const toml::table& t, MailConfig& mail) {
  const toml::node* node = t.get("retry_waits");
  if (node == nullptr) {
    using std::chrono::minutes;
    mail.retry_waits = {minutes(1), minutes(5), minutes(15), minutes(30),
                        minutes(60)};
    return;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr || array->empty()) {
    c.Error(node->source(),
            "'retry_waits' must be a non-empty list of durations");
    return;
  }
  for (const toml::node& element : *array) {
    mail.retry_waits.push_back(c.DurationNode(element, "retry_waits",
                                              std::chrono::seconds(60),
                                              std::chrono::seconds(0)));
  }
}

void ParseSmtp(Checker& c, const toml::table& t, const Config& config,
               MailConfig& mail) {
  mail.smtp_url = c.String(t, "smtp_url", "[mail]", true);
  mail.starttls = c.Bool(t, "starttls", true);
  mail.user = c.String(t, "user", "[mail]", false);
  std::string password_file = c.String(t, "password_file", "[mail]", false);
  if (!password_file.empty()) {
    mail.password_file = Resolve(Base(config), password_file);
  }
  if (mail.smtp_url.empty()) return;
  const toml::node* url_node = t.get("smtp_url");
  if (mail.smtp_url.rfind("smtp://", 0) != 0 &&
      mail.smtp_url.rfind("smtps://", 0) != 0) {
    c.Error(url_node->source(),
            "'smtp_url' must start with smtp:// or smtps://");
  } else if (!mail.starttls && mail.smtp_url.rfind("smtp://", 0) == 0 &&
             !IsLoopbackUrl(mail.smtp_url)) {
    c.Error(t.get("starttls")->source(),
            "'starttls = false' is allowed only for a server on 127.0.0.1 "
            "or localhost: mail would cross the network in clear text");
  }
}

// [mail] timezone: the zone of digest slots, loaded here so `lexwatch
// check` reports an unknown zone.
void ParseTimeZone(Checker& c, const toml::table& t, MailConfig& mail) {
  mail.timezone = c.String(t, "timezone", "[mail]", false, mail.timezone);
  Result<TimeZone> zone = TimeZone::Load(mail.timezone);
  if (!zone.ok()) {
    const toml::node* at = t.get("timezone");
    c.Error(at ? at->source() : t.source(), zone.status().message());
    return;
  }
  mail.zone = std::move(*zone);
}

// "nb" or "en" in `key` of `t`, else an error; `fallback` when absent.
std::string ParseLanguage(Checker& c, const toml::table& t,
                          std::string_view what, std::string fallback) {
  std::string language = c.String(t, "language", what, false, fallback);
  if (language != "nb" && language != "en") {
    c.Error(t.get("language")->source(),
            "unknown language '" + language + "' (expected \"nb\" or \"en\")");
    return fallback;
  }
  return language;
}

// [mail] templates_dir and language. The templates themselves are loaded
// by the daemon and `check` (mail::TemplateSet).
void ParseTemplates(Checker& c, const toml::table& t, const Config& config,
                    MailConfig& mail) {
  mail.templates_dir = Resolve(
      Base(config), c.String(t, "templates_dir", "[mail]", false, "templates"));
  mail.templates_dir_set = t.contains("templates_dir");
  mail.language = ParseLanguage(c, t, "[mail]", mail.language);
}

void ParseMail(Checker& c, const toml::table& root, Config& config) {
  const toml::node* node = root.get("mail");
  if (node == nullptr || !node->is_table()) {
    c.Error(node ? node->source() : root.source(),
            "missing table [mail] (transport, from, ...)");
    return;
  }
  const toml::table& t = *node->as_table();
  c.AllowOnly(t, "[mail]",
              {"transport", "from", "smtp_url", "starttls", "user",
               "password_file", "maildir", "message_id_domain", "retry_waits",
               "timeout", "expire_after", "warn_after", "sent_log_retention",
               "timezone", "templates_dir", "language"});
  MailConfig& mail = config.mail;
  mail.transport = c.String(t, "transport", "[mail]", true);
  mail.from = c.String(t, "from", "[mail]", true);
  if (!mail.from.empty()) {
    std::string display;
    if (Status s = mail::ParseMailbox(mail.from, &display, &mail.from_address);
        !s.ok()) {
      c.Error(t.get("from")->source(), "bad 'from' address: " + s.message());
    }
  }
  mail.timeout =
      c.Duration(t, "timeout", mail.timeout, std::chrono::seconds(1));
  ParseRetryWaits(c, t, mail);
  mail.expire_after = c.Duration(t, "expire_after", mail.expire_after,
                                 std::chrono::seconds(60));
  mail.warn_after =
      c.Duration(t, "warn_after", mail.warn_after, std::chrono::seconds(60));
  mail.sent_log_retention =
      c.Duration(t, "sent_log_retention", mail.sent_log_retention,
                 std::chrono::seconds(86400));
  std::string domain = c.String(t, "message_id_domain", "[mail]", false);
  if (domain.empty()) {
    std::size_t at = mail.from_address.find('@');
    domain = at == std::string::npos ? "lexwatch.invalid"
                                     : mail.from_address.substr(at + 1);
  }
  mail.message_id_domain = domain;
  ParseTimeZone(c, t, mail);
  ParseTemplates(c, t, config, mail);
  if (mail.transport == "smtp") {
    ParseSmtp(c, t, config, mail);
  } else if (mail.transport == "maildir") {
    std::string dir = c.String(t, "maildir", "[mail]", true);
    if (!dir.empty()) mail.maildir = Resolve(Base(config), dir);
  } else if (!mail.transport.empty()) {
    c.Error(t.get("transport")->source(),
            "unknown transport '" + mail.transport +
                "' (expected \"smtp\" or \"maildir\")");
  }
}

void ParseAdmin(Checker& c, const toml::table& root, Config& config) {
  const toml::node* node = root.get("admin");
  if (node == nullptr) return;
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    c.Error(node->source(), "'admin' must be a table [admin]");
    return;
  }
  c.AllowOnly(*t, "[admin]", {"address", "min_interval"});
  AdminConfig& admin = config.admin;
  admin.address = c.String(*t, "address", "[admin]", true);
  if (!admin.address.empty()) {
    if (Status s = mail::ValidateAddress(admin.address); !s.ok()) {
      c.Error(t->get("address")->source(),
              "bad admin 'address': " + s.message());
    }
  }
  admin.min_interval = c.Duration(*t, "min_interval", admin.min_interval,
                                  std::chrono::seconds(60));
}

// "127.0.0.1:9464" or "[::1]:9464" into address and port; false when the
// text is not of that shape.
bool SplitListen(std::string_view text, std::string& address,
                 std::uint16_t& port) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return false;
  }
  std::string_view host = text.substr(0, colon);
  std::string_view digits = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return false;  // IPv6 needs brackets.
  }
  unsigned value = 0;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value == 0 ||
      value > 65535) {
    return false;
  }
  address = std::string(host);
  port = static_cast<std::uint16_t>(value);
  return true;
}

void ParseMetrics(Checker& c, const toml::table& root, Config& config) {
  const toml::node* node = root.get("metrics");
  if (node == nullptr) return;
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    c.Error(node->source(), "'metrics' must be a table [metrics]");
    return;
  }
  c.AllowOnly(*t, "[metrics]", {"listen"});
  std::string listen = c.String(*t, "listen", "[metrics]", true);
  if (listen.empty()) return;
  const toml::source_region& at = t->get("listen")->source();
  std::string address;
  std::uint16_t port = 0;
  boost::system::error_code ec;
  boost::asio::ip::address ip;
  if (SplitListen(listen, address, port)) {
    ip = boost::asio::ip::make_address(address, ec);
  }
  if (address.empty() || ec) {
    c.Error(at,
            "'listen' must be an IP address and port, like "
            "\"127.0.0.1:9464\" or \"[::1]:9464\"");
    return;
  }
  if (!ip.is_loopback()) {
    c.Error(at, "'listen' address " + address +
                    " is not a loopback address: /metrics and /healthz are "
                    "served to this machine only (127.0.0.1 or [::1])");
    return;
  }
  config.metrics.address = address;
  config.metrics.port = port;
}

std::optional<std::chrono::seconds> OptionalDuration(Checker& c,
                                                     const toml::table& t,
                                                     std::string_view key) {
  if (t.get(key) == nullptr) return std::nullopt;
  return c.Duration(t, key, std::chrono::seconds(1), std::chrono::seconds(0));
}

// Resolves the preset (kind + feed/myrss/url) of one [[source]] table.
void ResolveSourceTable(Checker& c, const toml::table& t, const Config& config,
                        SourceConfig& s) {
  PresetSpec spec;
  spec.kind = s.kind;
  spec.feed = c.String(t, "feed", "[[source]]", false);
  spec.myrss = c.String(t, "myrss", "[[source]]", false);
  spec.url = c.String(t, "url", "[[source]]", false);
  spec.poll_interval = s.poll_interval;
  spec.min_host_interval = OptionalDuration(c, t, "min_host_interval");
  spec.expected_period = OptionalDuration(c, t, "expected_period");
  spec.silent_period = OptionalDuration(c, t, "silent_period");
  Result<SourcePlan> plan = ResolveSource(spec);
  if (!plan.ok()) {
    const toml::node* at = t.get("kind");
    c.Error(at ? at->source() : t.source(),
            "source '" + s.name + "': " + plan.status().message());
    return;
  }
  bool allowed =
      plan->url.rfind("https://", 0) == 0 ||
      (config.allow_insecure &&
       (plan->url.rfind("file:", 0) == 0 ||
        (plan->url.rfind("http://", 0) == 0 && IsLoopbackUrl(plan->url))));
  if (!allowed) {
    const toml::node* at = t.get("url");
    c.Error(at ? at->source() : t.source(),
            "url must use https:// (file: and http://127.0.0.1 only with "
            "[fetch] allow_insecure = true)");
  }
  s.url = ResolveUrl(Base(config), plan->url);
  s.format = plan->format;
  s.host = plan->host;
  s.min_host_interval = plan->min_host_interval;
  s.expected_period = plan->expected_period;
  s.silent_period = plan->silent_period;
  s.rewrite_eea_links = plan->rewrite_eea_links;
}

void ParseSources(Checker& c, const toml::table& root, Config& config) {
  std::set<std::string> names;
  for (const toml::table* t : c.Tables(root, "source")) {
    c.AllowOnly(*t, "[[source]]",
                {"name", "kind", "url", "feed", "myrss", "poll_interval",
                 "min_host_interval", "expected_period", "silent_period",
                 "first_run", "flood_limit"});
    SourceConfig s;
    s.name = c.String(*t, "name", "[[source]]", true);
    s.kind = c.String(*t, "kind", "[[source]]", false, "rss");
    s.poll_interval = c.Duration(*t, "poll_interval", s.poll_interval,
                                 std::chrono::seconds(60));
    if (!s.name.empty() && !IsName(s.name)) {
      c.Error(t->get("name")->source(),
              "source name '" + s.name +
                  "' may use only a-z, 0-9, '-', '_' and '.'");
    } else if (!s.name.empty() && !names.insert(s.name).second) {
      c.Error(t->get("name")->source(), "duplicate source '" + s.name + "'");
    }
    s.first_run_alerts =
        FirstRunAlerts(c, *t, "[[source]]", config.first_run_alerts);
    s.flood_limit =
        static_cast<int>(c.Integer(*t, "flood_limit", config.flood_limit, 1));
    ResolveSourceTable(c, *t, config, s);
    config.sources.push_back(std::move(s));
  }
  if (config.sources.empty()) {
    c.Error(root.source(), "no [[source]] configured");
  }
}

void ParseAgencyCadence(Checker& c, const toml::table& t, AgencyConfig& a) {
  std::string text = c.String(t, "cadence", "[[agency]]", false, "immediate");
  Result<Cadence> cadence = ParseCadence(text);
  if (!cadence.ok()) {
    c.Error(t.get("cadence")->source(),
            "agency '" + a.id + "': " + cadence.status().message());
    return;
  }
  a.cadence = *cadence;
}

void ParseAgencies(Checker& c, const toml::table& root, Config& config) {
  std::set<std::string> ids;
  for (const toml::table* t : c.Tables(root, "agency")) {
    c.AllowOnly(*t, "[[agency]]",
                {"id", "name", "addresses", "cadence", "language"});
    AgencyConfig a;
    a.id = c.String(*t, "id", "[[agency]]", true);
    a.name = c.String(*t, "name", "[[agency]]", true);
    if (!a.id.empty() && !IsName(a.id)) {
      c.Error(
          t->get("id")->source(),
          "agency id '" + a.id + "' may use only a-z, 0-9, '-', '_' and '.'");
    } else if (!a.id.empty() && !ids.insert(a.id).second) {
      c.Error(t->get("id")->source(), "duplicate agency '" + a.id + "'");
    }
    a.addresses = c.StringList(*t, "addresses");
    const toml::node* list = t->get("addresses");
    if (list == nullptr || a.addresses.empty()) {
      c.Error(
          list ? list->source() : t->source(),
          "agency '" + a.id + "' needs at least one address in 'addresses'");
    } else if (const toml::array* array = list->as_array()) {
      for (std::size_t i = 0; i < a.addresses.size() && i < array->size();
           ++i) {
        if (Status s = mail::ValidateAddress(a.addresses[i]); !s.ok()) {
          c.Error((*array)[i].source(), "bad address: " + s.message());
        }
      }
    }
    ParseAgencyCadence(c, *t, a);
    if (t->contains("language")) {
      a.language = ParseLanguage(c, *t, "[[agency]]", "");
    }
    config.agencies.push_back(std::move(a));
  }
  if (config.agencies.empty()) {
    c.Error(root.source(), "no [[agency]] configured");
  }
}

}  // namespace

std::set<std::string> Config::AgencyIds() const {
  std::set<std::string> ids;
  for (const AgencyConfig& a : agencies) ids.insert(a.id);
  return ids;
}

const AgencyConfig* Config::FindAgency(const std::string& id) const {
  for (const AgencyConfig& a : agencies) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  std::string_view unit(end, text.data() + text.size() - end);
  long long scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (scale == 0 || value > (1LL << 40) / scale) return std::nullopt;
  return std::chrono::seconds(value * scale);
}

ConfigResult ParseConfig(const std::string& text,
                         const std::filesystem::path& path) {
  ConfigResult result;
  Checker c(path.string());
  toml::table root;
  try {
    root = toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    c.Error(e.source(), std::string(e.description()));
    result.diagnostics = c.Take();
    return result;
  }
  Config config;
  config.file = path;
  c.AllowOnly(root, "the top level",
              {"state_dir", "rules_dir", "contact", "fetch", "mail", "admin",
               "metrics", "source", "agency"});
  std::error_code ec;
  std::filesystem::path base =
      std::filesystem::absolute(path, ec).parent_path();
  config.state_dir = Resolve(base, c.String(root, "state_dir", "the top level",
                                            false, "/var/lib/lexwatch"));
  config.rules_dir = Resolve(base, c.String(root, "rules_dir", "the top level",
                                            false, "/etc/lexwatch/rules"));
  config.contact = c.String(root, "contact", "the top level", true);
  if (!config.contact.empty()) {
    if (Status s = mail::ValidateAddress(config.contact); !s.ok()) {
      c.Error(root.get("contact")->source(),
              "bad 'contact' address: " + s.message());
    }
  }
  ParseFetch(c, root, config);
  ParseMail(c, root, config);
  ParseAdmin(c, root, config);
  ParseMetrics(c, root, config);
  ParseSources(c, root, config);
  ParseAgencies(c, root, config);
  if (!c.HasErrors()) result.config = std::move(config);
  result.diagnostics = c.Take();
  return result;
}

ConfigResult LoadConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigResult result;
    result.diagnostics.push_back(rules::Diagnostic{
        path.string(), 0, 0,
        "cannot read config file: " + std::string(std::strerror(errno)),
        false});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path);
}

Result<std::shared_ptr<const mail::TemplateSet>> LoadMailTemplates(
    const MailConfig& mail) {
  std::error_code ec;
  if (!mail.templates_dir_set &&
      !std::filesystem::exists(mail.templates_dir, ec)) {
    return std::shared_ptr<const mail::TemplateSet>();
  }
  // Set, but not there: most likely an install that copied the config and
  // not the templates. Say so once, instead of once per language.
  if (!std::filesystem::is_directory(mail.templates_dir, ec)) {
    return Status::InvalidArgument(
        "[mail] templates_dir",
        "no directory " + mail.templates_dir.string() +
            " (copy config/templates/ from the lexwatch sources there, or "
            "remove templates_dir to use the built-in templates)");
  }
  return mail::TemplateSet::Load(mail.templates_dir);
}

Result<std::string> ReadSmtpPassword(const MailConfig& mail) {
  std::filesystem::path file = mail.password_file;
  if (file.empty()) {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr) return std::string();
    file = std::filesystem::path(dir) / "smtp-password";
    if (!std::filesystem::exists(file)) return std::string();
  }
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int error = errno;
    return Status::IoError(
        file.string(),
        std::string("cannot read password file") +
            (error != 0 ? std::string(": ") + std::strerror(error)
                        : std::string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string password = text.str();
  while (!password.empty() &&
         (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  return password;
}

}  // namespace lexwatch::daemon
