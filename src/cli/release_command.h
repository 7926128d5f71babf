#ifndef LEXWATCH_CLI_RELEASE_COMMAND_H_
#define LEXWATCH_CLI_RELEASE_COMMAND_H_

#include <iosfwd>
#include <string>

namespace lexwatch::cli {

// `lexwatch release SOURCE`: the items a flood hold kept back for SOURCE
// are matched against the rules in force and their alerts queued through
// the daemon's ingest path, one transaction per item, each item's hold
// ended after it. Safe while the daemon runs (it only writes the
// database; a running daemon sends after its next poll or on SIGHUP).
// Returns kExitOk, kExitInvalid (config or rules invalid), kExitUsage
// (SOURCE is not configured) or kExitRuntime (database failure).
int Release(const std::string& config_path, const std::string& source,
            std::ostream& out, std::ostream& err);

}  // namespace lexwatch::cli

#endif  // LEXWATCH_CLI_RELEASE_COMMAND_H_
