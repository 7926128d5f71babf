#ifndef LEXWATCH_DAEMON_LOGGING_H_
#define LEXWATCH_DAEMON_LOGGING_H_

namespace lexwatch::daemon {

// Sends spdlog's default logger to stderr, one line per event. Under systemd
// (JOURNAL_STREAM set) each line starts with a syslog priority prefix such
// as "<4>" so journald keeps the level; otherwise lines carry a time stamp.
// `verbose` enables debug lines.
void SetUpLogging(bool verbose);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_LOGGING_H_
