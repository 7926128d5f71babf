#ifndef LEXWATCH_CLI_COMMANDS_H_
#define LEXWATCH_CLI_COMMANDS_H_

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lexwatch::store {
class Store;
}  // namespace lexwatch::store

namespace lexwatch::cli {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // Invalid input or config.
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRuntime = 3;

inline constexpr char kDefaultConfig[] = "/etc/lexwatch/lexwatch.toml";

// What a command that needs the database says when there is none at `db`:
// "lexwatch status: no database at /var/lib/lexwatch/lexwatch.db (has
// lexwatch run yet? check state_dir in the config)". Returns kExitRuntime.
int NoDatabase(std::string_view command, const std::filesystem::path& db,
               std::ostream& err);

// Opens the existing database at `db` for reading only (see
// store::Store::OpenReadOnly), for `command` ("status", "outbox list"). When
// there is none or it cannot be read, prints why on `err` as one line and
// returns nullptr (exit with kExitRuntime).
std::unique_ptr<store::Store> OpenDatabaseReadOnly(
    std::string_view command, const std::filesystem::path& db,
    std::ostream& err);

// Opens the existing database at `db` for writing, for `command`
// ("release", "outbox retry"), without ever creating one: when there is
// none, says so as NoDatabase does; when it cannot be opened, prints why.
// Either way returns nullptr (exit with kExitRuntime).
std::unique_ptr<store::Store> OpenExistingDatabase(
    std::string_view command, const std::filesystem::path& db,
    std::ostream& err);

// `lexwatch check`: every problem as "path:line:col: message" on `err`.
int Check(const std::string& config_path, std::ostream& out, std::ostream& err);

// `lexwatch match`: parses feed files ("-" is `in`) and explains, per item,
// which rules fire and why. Opens no database, sends nothing.
int Match(const std::string& config_path, const std::vector<std::string>& files,
          bool json, std::istream& in, std::ostream& out, std::ostream& err);

// `lexwatch backtest`: replays the archived items first seen within `since`
// ("90d"; "" for all) through the live rules and the candidate rules in
// `candidate_dir`, and reports per agency what would change.
int Backtest(const std::string& config_path, const std::string& candidate_dir,
             const std::string& since, bool json, std::ostream& out,
             std::ostream& err);

// `lexwatch status`: sources, rules and outbox from the database, which it
// only reads (kExitRuntime when there is none).
// With `json`, one JSON object: sources, rules, outbox counts.
int Status(const std::string& config_path, std::ostream& out, std::ostream& err,
           bool json = false);

// `lexwatch run`: the daemon, or one cycle with `once`.
int Run(const std::string& config_path, bool once, bool verbose,
        std::ostream& err);

}  // namespace lexwatch::cli

#endif  // LEXWATCH_CLI_COMMANDS_H_
