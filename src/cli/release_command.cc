#include "cli/release_command.h"

#include <ostream>

#include "cli/commands.h"
#include "core/clock.h"
#include "daemon/config.h"
#include "daemon/ingest.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace lexwatch::cli {
namespace {

bool PrintDiagnostics(const std::vector<rules::Diagnostic>& diagnostics,
                      std::ostream& err) {
  bool errors = false;
  for (const rules::Diagnostic& d : diagnostics) {
    err << d.ToString() << '\n';
    errors = errors || !d.warning;
  }
  return errors;
}

std::string SourceNames(const daemon::Config& config) {
  std::string names;
  for (const daemon::SourceConfig& s : config.sources) {
    names += (names.empty() ? "" : ", ") + s.name;
  }
  return names;
}

struct Released {
  int items = 0;
  int matched = 0;
  int queued = 0;
  int pending = 0;  // Acts added to agencies' next digests.
  int failed = 0;
};

// Each item goes through Ingestor::Ingest, the path every polled item
// takes: matched with the rules in force, alerts for agencies not yet
// alerted queued with the item in one transaction. The hold ends only
// after that committed, so a crash in between releases the item again
// next time, and the outbox's (item, agency, recipient) key keeps that
// from mailing twice.
Released ReleaseAll(const daemon::Config& config, store::Store& store,
                    const rules::Matcher& matcher,
                    std::shared_ptr<const mail::TemplateSet> templates,
                    const std::vector<store::ArchivedItem>& held,
                    std::ostream& err) {
  SystemClock clock;
  daemon::Ingestor ingestor(config, store, clock);
  ingestor.set_templates(std::move(templates));  // As the daemon renders.
  Released r;
  for (const store::ArchivedItem& a : held) {
    if (a.item.Key() != a.key) {
      err << a.key << ": cannot rebuild the item's key; left held\n";
      ++r.failed;
      continue;
    }
    Result<daemon::IngestStats> stats = ingestor.Ingest({a.item}, matcher);
    Result<bool> unheld =
        stats.ok() ? store.Unhold(a.key) : Result<bool>(stats.status());
    if (!unheld.ok()) {
      err << a.key << ": " << unheld.status().message() << '\n';
      ++r.failed;
      continue;
    }
    ++r.items;
    r.matched += stats->matched;
    r.queued += stats->queued;
    r.pending += stats->pending;
  }
  return r;
}

}  // namespace

int Release(const std::string& config_path, const std::string& source,
            std::ostream& out, std::ostream& err) {
  daemon::ConfigResult loaded = daemon::LoadConfig(config_path);
  PrintDiagnostics(loaded.diagnostics, err);
  if (!loaded.config) return kExitInvalid;
  const daemon::Config& config = *loaded.config;
  bool known = false;
  for (const daemon::SourceConfig& s : config.sources) {
    known = known || s.name == source;
  }
  if (!known) {
    err << "lexwatch release: unknown source '" << source
        << "' (configured: " << SourceNames(config) << ")\n";
    return kExitUsage;
  }
  rules::LoadResult rules =
      rules::LoadRuleDirectory(config.rules_dir, config.AgencyIds());
  if (PrintDiagnostics(rules.diagnostics, err) || !rules.ok()) {
    return kExitInvalid;
  }
  Result<std::shared_ptr<const mail::TemplateSet>> templates =
      daemon::LoadMailTemplates(config.mail);
  if (!templates.ok()) {
    err << templates.status().message() << '\n';
    return kExitInvalid;
  }
  // Without a database nothing can be held; opening must not create one.
  std::unique_ptr<store::Store> store =
      OpenExistingDatabase("release", config.DatabasePath(), err);
  if (!store) return kExitRuntime;
  Result<std::vector<store::ArchivedItem>> held = store->FloodHeldItems(source);
  if (!held.ok()) {
    err << held.status().message() << '\n';
    return kExitRuntime;
  }
  if (held->empty()) {
    out << "source '" << source << "': nothing held\n";
    return kExitOk;
  }
  Released r =
      ReleaseAll(config, *store, *rules.matcher, *templates, *held, err);
  out << "source '" << source << "': released " << r.items << " of "
      << held->size() << " held items; " << r.matched
      << " match the rules in force, " << r.queued << " messages queued";
  if (r.pending > 0) out << ", " << r.pending << " acts added to digests";
  out << " (a running daemon sends them after its next poll, or at once on "
         "systemctl reload lexwatch)\n";
  return r.failed == 0 ? kExitOk : kExitRuntime;
}

}  // namespace lexwatch::cli
