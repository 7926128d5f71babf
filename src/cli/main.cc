// lexwatch: watches EU/EEA legislation and mails the agencies it affects.
#include <CLI/CLI.hpp>
#include <iostream>
#include <limits>

#include "cli/commands.h"
#include "cli/outbox_command.h"
#include "cli/release_command.h"
#include "core/version.h"
#include "daemon/logging.h"
#include "fetch/curl_http_client.h"

namespace {

// When `app` was to be given a command and its first leftover argument is
// not one, says so on `err` as "lexwatch: unknown command 'stauts'
// (commands: run, check, ...)" and returns true.
bool UnknownCommand(const CLI::App& app, std::ostream& err) {
  if (!app.parsed() || !app.get_subcommands().empty()) return false;
  const std::vector<std::string> extra = app.remaining();
  if (extra.empty() || extra.front().starts_with('-')) return false;
  // Commands nest one level deep (outbox list).
  err << (app.get_parent() ? "lexwatch " + app.get_name() : "lexwatch")
      << ": unknown command '" << extra.front() << "' (commands: ";
  const char* sep = "";
  for (const CLI::App* sub : app.get_subcommands({})) {
    err << sep << sub->get_name();
    sep = ", ";
  }
  err << ")\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lexwatch::cli;
  CLI::App app{
      "lexwatch: watches EU and EEA legislation and mails the municipal "
      "agencies it affects"};
  app.set_version_flag("--version",
                       std::string("lexwatch ") + lexwatch::kVersion);
  app.require_subcommand(1);
  std::string config = kDefaultConfig;
  bool once = false;
  bool verbose = false;
  bool json = false;
  std::vector<std::string> files;

  CLI::App* run = app.add_subcommand("run", "Run the daemon");
  run->add_option("-c,--config", config, "Config file")->capture_default_str();
  run->add_flag("--once", once,
                "Poll every source once, queue and deliver, then exit");
  run->add_flag("-v,--verbose", verbose, "Log debug lines");

  CLI::App* check =
      app.add_subcommand("check", "Validate the config and every rule file");
  check->add_option("-c,--config", config, "Config file")
      ->capture_default_str();

  CLI::App* match = app.add_subcommand(
      "match", "Show which rules match the items of feed files");
  match->add_option("-c,--config", config, "Config file")
      ->capture_default_str();
  match->add_flag("--json", json, "One JSON object per item and line");
  match->add_option("FEED_FILE", files, "Feed files; - reads stdin")
      ->required();

  std::string candidate;
  std::string since = "90d";
  CLI::App* backtest = app.add_subcommand(
      "backtest",
      "Replay the stored archive through candidate rules and show, per "
      "agency, what would change");
  backtest->add_option("-c,--config", config, "Config file")
      ->capture_default_str();
  backtest->add_option("--rules", candidate, "Directory of the candidate rules")
      ->required();
  backtest
      ->add_option("--since", since,
                   "Only items first seen within this time (e.g. 90d, "
                   "12h); \"all\" for the whole archive")
      ->capture_default_str();
  backtest->add_flag("--json", json, "One JSON object");

  CLI::App* status = app.add_subcommand(
      "status", "Show sources and the outbox from the database");
  status->add_flag("--json", json, "One JSON object");
  status->add_option("-c,--config", config, "Config file")
      ->capture_default_str();

  std::string release_source;
  CLI::App* release = app.add_subcommand(
      "release",
      "Match the items a flood hold kept back for SOURCE and queue their "
      "alerts");
  release->add_option("SOURCE", release_source, "A configured source name")
      ->required();
  release->add_option("-c,--config", config, "Config file")
      ->capture_default_str();

  // outbox list|show|retry|cancel: see cli/outbox_command.h.
  OutboxArgs outbox_args;
  std::int64_t outbox_id = 0;
  CLI::App* outbox = app.add_subcommand(
      "outbox", "Inspect the outbox, retry or cancel messages");
  outbox->require_subcommand(1);
  outbox->add_option("-c,--config", outbox_args.config_path, "Config file")
      ->default_val(std::string(kDefaultConfig))
      ->capture_default_str();
  CLI::App* outbox_list = outbox->add_subcommand(
      "list", "List messages, newest first (--state sent: the sent log)");
  outbox_list->add_option("--state", outbox_args.state,
                          "queued, sending, deferred, held, sent, failed, "
                          "expired or cancelled");
  // SQLite reads a negative LIMIT as none, and 0 would list nothing.
  outbox_list->add_option("--limit", outbox_args.limit, "At most this many")
      ->check(CLI::Range(1, std::numeric_limits<int>::max()))
      ->capture_default_str();
  outbox_list->add_flag("--json", outbox_args.json, "One JSON object a line");
  CLI::App* outbox_show =
      outbox->add_subcommand("show", "Show one message's state and headers");
  outbox_show->add_option("ID", outbox_id, "Outbox id")->required();
  outbox_show->add_flag("--raw", outbox_args.raw, "Print the whole message");
  CLI::App* outbox_retry = outbox->add_subcommand(
      "retry", "Make a message (or all held/deferred ones) due now");
  CLI::Option* retry_id =
      outbox_retry->add_option("ID", outbox_id, "Outbox id");
  outbox_retry->add_flag("--all-held", outbox_args.all_held,
                         "Every held message");
  outbox_retry->add_flag("--all-deferred", outbox_args.all_deferred,
                         "Every deferred message");
  CLI::App* outbox_cancel =
      outbox->add_subcommand("cancel", "Cancel a message not yet sent");
  outbox_cancel->add_option("ID", outbox_id, "Outbox id")->required();
  // --config is accepted before or after the action.
  for (CLI::App* sub :
       {outbox_list, outbox_show, outbox_retry, outbox_cancel}) {
    sub->add_option("-c,--config", outbox_args.config_path, "Config file")
        ->capture_default_str();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A mistyped command would otherwise read "A subcommand is required".
    if (UnknownCommand(app, std::cerr) || UnknownCommand(*outbox, std::cerr)) {
      return kExitUsage;
    }
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  // libcurl's global state must be set up before any thread starts.
  lexwatch::fetch::CurlGlobalInit();
  // Every command logs as the daemon does, to stderr: library code (e.g. the
  // ingest path `release` shares) must not write into a command's output.
  lexwatch::daemon::SetUpLogging(verbose);
  try {
    if (*run) return Run(config, once, verbose, std::cerr);
    if (*check) return Check(config, std::cout, std::cerr);
    if (*match)
      return Match(config, files, json, std::cin, std::cout, std::cerr);
    if (*backtest) {
      return Backtest(config, candidate, since == "all" ? "" : since, json,
                      std::cout, std::cerr);
    }
    if (*status) return Status(config, std::cout, std::cerr, json);
    if (*release) return Release(config, release_source, std::cout, std::cerr);
    if (*outbox) {
      for (CLI::App* sub : outbox->get_subcommands()) {
        outbox_args.action = sub->get_name();
      }
      if (*outbox_show || *outbox_cancel || (*outbox_retry && *retry_id)) {
        outbox_args.id = outbox_id;
      }
      return Outbox(outbox_args, std::cout, std::cerr);
    }
  } catch (const std::exception& e) {
    std::cerr << "lexwatch: " << e.what() << '\n';
    return kExitRuntime;
  }
  return kExitUsage;
}
