#ifndef LEXWATCH_CLI_OUTBOX_COMMAND_H_
#define LEXWATCH_CLI_OUTBOX_COMMAND_H_

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace lexwatch::cli {

// `lexwatch outbox ACTION`, for administrators.
struct OutboxArgs {
  std::string config_path;
  std::string action;  // "list", "show", "retry" or "cancel".
  // list: only this state ("" = all); "sent" lists the sent log.
  std::string state;
  int limit = 50;
  bool json = false;  // list: one JSON object per line.
  bool raw = false;   // show: print the whole stored message.
  std::optional<std::int64_t> id;
  bool all_held = false;      // retry: every held row.
  bool all_deferred = false;  // retry: every deferred row.
};

// Runs one outbox action against the database named by the config.
// Returns kExitOk, kExitInvalid (unknown id or state, a sent message to
// cancel), kExitUsage (bad arguments) or kExitRuntime (database failure).
int Outbox(const OutboxArgs& args, std::ostream& out, std::ostream& err);

}  // namespace lexwatch::cli

#endif  // LEXWATCH_CLI_OUTBOX_COMMAND_H_
