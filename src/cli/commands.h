#ifndef LEXWATCH_CLI_COMMANDS_H_
#define LEXWATCH_CLI_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace lexwatch::cli {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // Invalid input or config.
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRuntime = 3;

inline constexpr char kDefaultConfig[] = "/etc/lexwatch/lexwatch.toml";

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

// `lexwatch status`: sources, rules and outbox from the database.
// With `json`, one JSON object: sources, rules, outbox counts.
int Status(const std::string& config_path, std::ostream& out, std::ostream& err,
           bool json = false);

// `lexwatch run`: the daemon, or one cycle with `once`.
int Run(const std::string& config_path, bool once, bool verbose,
        std::ostream& err);

}  // namespace lexwatch::cli

#endif  // LEXWATCH_CLI_COMMANDS_H_
