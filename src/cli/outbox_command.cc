#include "cli/outbox_command.h"

#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands.h"
#include "daemon/config.h"
#include "store/store.h"

namespace lexwatch::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string Time(std::optional<long long> t) {
  if (!t) return "-";
  std::time_t seconds = static_cast<std::time_t>(*t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

Json OptionalJson(std::optional<long long> v) {
  return v ? Json(*v) : Json(nullptr);
}

std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool KnownState(const std::string& state) {
  for (const char* s : store::kOutboxStates) {
    if (state == s) return true;
  }
  return false;
}

// The header block of a stored message (up to the first empty line).
std::string Headers(const std::string& message) {
  std::size_t end = message.find("\r\n\r\n");
  return message.substr(0, end == std::string::npos ? message.size() : end + 2);
}

Json RowJson(const store::OutboxMessage& m) {
  return {{"id", m.id},
          {"state", m.state},
          {"recipient", m.recipient},
          {"agency", m.agency_id},
          {"item", m.item_key},
          {"message_id", m.message_id},
          {"attempts", m.attempts},
          {"created", m.created},
          {"next_attempt", m.next_attempt},
          {"last_attempt", OptionalJson(m.last_attempt)},
          {"sent_at", OptionalJson(m.sent_at)},
          {"last_code", m.last_code},
          {"last_reply", m.last_reply}};
}

int ListSent(store::Store& store, const OutboxArgs& args, std::ostream& out,
             std::ostream& err) {
  Result<std::vector<store::SentLogEntry>> log = store.ListSentLog(args.limit);
  if (!log.ok()) {
    err << log.status().message() << '\n';
    return kExitRuntime;
  }
  for (const store::SentLogEntry& e : *log) {
    if (args.json) {
      out << Dump({{"outbox_id", e.outbox_id},
                   {"sent_at", e.sent_at},
                   {"recipient", e.recipient},
                   {"agency", e.agency_id},
                   {"item", e.item_key},
                   {"reasons", e.reasons},
                   {"message_id", e.message_id},
                   {"reply", e.reply}})
          << '\n';
      continue;
    }
    out << Time(e.sent_at) << "  #" << e.outbox_id << "  " << e.recipient
        << "  " << e.item_key << "  <" << e.message_id << ">  " << e.reply
        << "  [" << e.reasons << "]\n";
  }
  return kExitOk;
}

int List(store::Store& store, const OutboxArgs& args, std::ostream& out,
         std::ostream& err) {
  if (!args.state.empty() && !KnownState(args.state)) {
    err << "unknown state '" << args.state
        << "' (expected queued, sending, deferred, held, sent, failed, "
           "expired or cancelled)\n";
    return kExitUsage;
  }
  if (args.state == store::kSent) return ListSent(store, args, out, err);
  std::vector<std::string> states;
  if (!args.state.empty()) states.push_back(args.state);
  Result<std::vector<store::OutboxMessage>> rows =
      store.ListMessages(states, args.limit);
  if (!rows.ok()) {
    err << rows.status().message() << '\n';
    return kExitRuntime;
  }
  for (const store::OutboxMessage& m : *rows) {
    if (args.json) {
      out << Dump(RowJson(m)) << '\n';
      continue;
    }
    out << '#' << m.id << "  " << m.state << "  attempts=" << m.attempts << "  "
        << m.recipient << "  " << m.item_key
        << "  next=" << Time(m.next_attempt) << "  " << m.last_reply << '\n';
  }
  return kExitOk;
}

// What show, retry and cancel say about an ID the outbox does not hold.
int NoSuchMessage(std::int64_t id, std::ostream& err) {
  err << "no outbox message " << id << '\n';
  return kExitInvalid;
}

int Show(store::Store& store, const OutboxArgs& args, std::ostream& out,
         std::ostream& err) {
  Result<std::optional<store::OutboxMessage>> row = store.GetMessage(*args.id);
  if (!row.ok()) {
    err << row.status().message() << '\n';
    return kExitRuntime;
  }
  if (!row->has_value()) return NoSuchMessage(*args.id, err);
  const store::OutboxMessage& m = **row;
  if (args.raw) {
    out << m.message;
    return kExitOk;
  }
  out << "id:           " << m.id << "\nstate:        " << m.state
      << "\nrecipient:    " << m.recipient << "\nagency:       " << m.agency_id
      << "\nitem:         " << m.item_key << "\nmessage-id:   <" << m.message_id
      << ">\nreasons:      " << m.reasons << "\nattempts:     " << m.attempts
      << "\ncreated:      " << Time(m.created)
      << "\nlast attempt: " << Time(m.last_attempt)
      << "\nnext attempt: " << Time(m.next_attempt)
      << "\nsent:         " << Time(m.sent_at)
      << "\nwarned:       " << Time(m.warned_at)
      << "\nlast reply:   " << (m.last_code ? std::to_string(m.last_code) : "-")
      << ' ' << m.last_reply << "\n\n"
      << Headers(m.message) << "(body not shown: lexwatch outbox show --raw "
      << m.id << ")\n";
  return kExitOk;
}

// A store status as an exit code, printing any failure.
int Report(const lexwatch::Status& s, std::ostream& err) {
  if (s.ok()) return kExitOk;
  err << s.message() << '\n';
  return s.IsNotFound() || s.IsInvalidArgument() ? kExitInvalid : kExitRuntime;
}

// Report for a change to message `id`. The store's NotFound names only the
// row ("outbox message 99"), so it is said as show says it.
int ReportChange(std::int64_t id, const lexwatch::Status& s,
                 std::ostream& err) {
  return s.IsNotFound() ? NoSuchMessage(id, err) : Report(s, err);
}

int Retry(store::Store& store, const OutboxArgs& args, std::ostream& out,
          std::ostream& err) {
  int chosen =
      (args.id ? 1 : 0) + (args.all_held ? 1 : 0) + (args.all_deferred ? 1 : 0);
  if (chosen != 1) {
    err << "outbox retry: give one of ID, --all-held or --all-deferred\n";
    return kExitUsage;
  }
  TimePoint now = std::chrono::system_clock::now();
  if (args.id) {
    if (int rc = ReportChange(*args.id, store.RetryMessage(*args.id, now), err);
        rc != 0) {
      return rc;
    }
    out << "outbox message " << *args.id << " is queued and due now\n";
    return kExitOk;
  }
  Result<int> n =
      store.RetryAll(args.all_held ? store::kHeld : store::kDeferred, now);
  if (!n.ok()) return Report(n.status(), err);
  out << *n << (args.all_held ? " held" : " deferred")
      << " messages are queued and due now\n";
  return kExitOk;
}

int Cancel(store::Store& store, const OutboxArgs& args, std::ostream& out,
           std::ostream& err) {
  if (int rc = ReportChange(
          *args.id, store.CancelMessage(*args.id, "cancelled by administrator"),
          err);
      rc != 0) {
    return rc;
  }
  out << "outbox message " << *args.id << " cancelled\n";
  return kExitOk;
}

}  // namespace

int Outbox(const OutboxArgs& args, std::ostream& out, std::ostream& err) {
  daemon::ConfigResult loaded = daemon::LoadConfig(args.config_path);
  for (const rules::Diagnostic& d : loaded.diagnostics) {
    err << d.ToString() << '\n';
  }
  if (!loaded.config) return kExitInvalid;
  const std::filesystem::path db = loaded.config->DatabasePath();
  const std::string command = "outbox " + args.action;
  // Opening would create an empty database; an operator wants to know.
  if (!std::filesystem::exists(db)) return NoDatabase(command, db, err);
  if ((args.action == "show" || args.action == "cancel") && !args.id) {
    err << "outbox " << args.action << ": give the message ID\n";
    return kExitUsage;
  }
  if (args.action == "list" || args.action == "show") {
    std::unique_ptr<store::Store> store =
        OpenDatabaseReadOnly(command, db, err);
    if (!store) return kExitRuntime;
    return args.action == "list" ? List(*store, args, out, err)
                                 : Show(*store, args, out, err);
  }
  std::unique_ptr<store::Store> store = OpenExistingDatabase(command, db, err);
  if (!store) return kExitRuntime;
  if (args.action == "retry") return Retry(*store, args, out, err);
  if (args.action == "cancel") return Cancel(*store, args, out, err);
  err << "outbox: unknown action '" << args.action << "'\n";
  return kExitUsage;
}

}  // namespace lexwatch::cli
