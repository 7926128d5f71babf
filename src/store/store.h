#ifndef LEXWATCH_STORE_STORE_H_
#define LEXWATCH_STORE_STORE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/item.h"
#include "core/result.h"
#include "core/status.h"

struct sqlite3;

namespace lexwatch::store {

namespace internal {
class StatementCache;
}  // namespace internal

// What lexwatch remembers about one configured source between polls.
struct SourceState {
  std::string name;
  std::string etag;
  std::string last_modified;
  std::optional<long long> last_poll;     // Unix seconds.
  std::optional<long long> last_success;  // Unix seconds.
  std::optional<long long> next_poll;     // Unix seconds.
  std::string last_error;                 // "" after a success.
  int consecutive_failures = 0;
  long long items_seen = 0;  // Items parsed from this source, all polls.
  // When the source last brought an item it had never carried before (set
  // at its first success too); `status` and the silent-source notice.
  std::optional<long long> last_new_item;  // Unix seconds.
  // The first failure of the current run of failures; nullopt while ok.
  std::optional<long long> failing_since;  // Unix seconds.
};

// Kinds of held item. `flood`: one poll brought more new matches than the
// source's flood_limit; kept from alerting until `lexwatch release`.
// `recorded`: archived by a new source's first poll; never alerted when
// that source brings it again, but an established source bringing the act
// alerts it as usual. An act may be held by several sources.
inline constexpr char kHeldFlood[] = "flood";
inline constexpr char kHeldRecorded[] = "recorded";

// Outbox states. A row goes queued -> sending -> sent, or back to deferred
// (retried when next_attempt is due), or to failed (permanent). `held`: the
// server refused our login (a configuration fault); kept, never due, until
// a later send succeeds or an administrator retries it. `expired`: still
// undelivered after the queue lifetime. `cancelled`: by an administrator.
inline constexpr char kQueued[] = "queued";
inline constexpr char kSending[] = "sending";
inline constexpr char kSent[] = "sent";
inline constexpr char kDeferred[] = "deferred";
inline constexpr char kFailed[] = "failed";
inline constexpr char kHeld[] = "held";
inline constexpr char kExpired[] = "expired";
inline constexpr char kCancelled[] = "cancelled";

// Every outbox state, in the order `status` and `outbox list` show them.
inline constexpr const char* kOutboxStates[] = {
    kQueued, kSending, kDeferred, kHeld, kSent, kFailed, kExpired, kCancelled};

// One message to one recipient.
struct OutboxMessage {
  std::int64_t id = 0;
  std::string item_key;
  std::string agency_id;
  std::string recipient;
  std::string message_id;  // Without angle brackets.
  std::string message;     // The full RFC 5322 message, CRLF line ends.
  std::string reasons;     // Human summary of the rules that matched.
  std::string state;
  int attempts = 0;
  long long created = 0;       // Unix seconds.
  long long next_attempt = 0;  // Unix seconds.
  std::string last_reply;
  std::optional<long long> sent_at;
  // When the last MarkSending happened; nullopt before the first attempt.
  std::optional<long long> last_attempt;
  int last_code = 0;  // Last SMTP reply code; 0 when none (connection error).
  // When the administrator was warned that this row is old and undelivered.
  std::optional<long long> warned_at;
};

// One successful delivery, as kept for the sent-log retention period.
struct SentLogEntry {
  std::int64_t id = 0;
  std::int64_t outbox_id = 0;
  std::string item_key;
  std::string agency_id;
  std::string recipient;
  std::string reasons;
  std::string message_id;
  std::string reply;
  long long sent_at = 0;  // Unix seconds.
};

// Admin notice states: `pending` until mailed, `sent`, or `logged` when no
// admin address is configured (the log line is the notice).
inline constexpr char kNoticePending[] = "pending";
inline constexpr char kNoticeSent[] = "sent";
inline constexpr char kNoticeLogged[] = "logged";

// The latest notice to the administrator for one key ("mail-held/smtp").
struct AdminNotice {
  std::string key;
  std::string kind;
  std::string subject;
  std::string recipient;  // The admin address; "" when only logged.
  std::string message;    // Rendered RFC 5322 message; "" when only logged.
  std::string state;
  long long created = 0;  // Start of the rate-limiting window.
  int suppressed = 0;     // Notices for this key dropped since `created`.
  int attempts = 0;
  long long next_attempt = 0;
  std::string last_reply;
  std::optional<long long> sent_at;
};

// An item from the archive, as the matcher saw it when it arrived.
struct ArchivedItem {
  std::string key;
  Item item;                 // source is the first source that carried it.
  long long first_seen = 0;  // Unix seconds.
};

// A rendered alert for one agency about one item, to queue for each of the
// agency's recipients.
struct NewAlert {
  std::string agency_id;
  std::vector<std::string> recipients;
  std::string message_id;
  std::string message;
  std::string reasons;
};

// An act waiting for one agency's digest.
struct PendingEntry {
  std::string item_key;
  std::string agency_id;
  std::string entry;      // The daemon's encoding of the item and its reasons.
  std::string summary;    // Human summary of the reasons, for logs.
  long long created = 0;  // Unix seconds; set by SaveItem.
};

// What SaveItem wrote.
struct SaveCounts {
  int queued = 0;   // Outbox rows.
  int pending = 0;  // Digest entries added or refreshed.
};

// A rendered digest, to queue for each of the agency's recipients.
struct NewDigest {
  std::vector<std::string> recipients;
  std::string message_id;
  std::string message;
  std::string reasons;  // For the outbox's reasons column and the sent log.
};

// Per agency with acts waiting for its digest.
struct DigestQueue {
  std::string agency_id;
  long long pending = 0;
  long long oldest_created = 0;        // Unix seconds.
  std::optional<long long> last_slot;  // Of the agency's latest digest.
};

// What the dispatcher must wake up for next, as Unix seconds; nullopt when
// nothing of that kind waits.
struct OutboxWake {
  std::optional<long long> next_attempt;  // Earliest queued or deferred row.
  // When the oldest row that can expire (queued, deferred) began to wait,
  // and the oldest undelivered (also held) row not yet warned about; see
  // Store::ExpiringSince.
  std::optional<long long> oldest_undelivered;
  std::optional<long long> oldest_unwarned;
  std::optional<long long> next_notice;  // Earliest pending admin notice.
  bool held = false;                     // Some row is held.
};

// The SQLite database under the state directory: item archive, source state
// and the outbox. One Store per thread: open one per thread that needs it
// (WAL lets them share the file). Not thread-safe.
class Store {
 public:
  // Opens or creates the database (WAL, synchronous=FULL, foreign_keys=ON,
  // busy timeout), creating the parent directory and applying migrations.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& path);
  // Opens an existing database for reading only, for the commands that
  // inspect it: creates, migrates and writes nothing (SQLite may leave empty
  // -wal and -shm files beside it, owned as it is). NotFound when there is
  // no file at `path`; IoError when its schema is not the one this build
  // reads (older: the daemon upgrades it when it starts; newer: a newer
  // lexwatch wrote it).
  static Result<std::unique_ptr<Store>> OpenReadOnly(
      const std::filesystem::path& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Runs `fn` in one IMMEDIATE transaction, committed (one sync to disk)
  // only when it returns ok: on failure nothing written through this Store
  // inside it stays. The Store's writes inside join it, each still
  // all-or-nothing on its own; reads see them. Not reentrant across Stores:
  // other connections wait (busy timeout) until it ends, so keep it short.
  Status InTransaction(const std::function<Status()>& fn);

  // The agencies that already have an outbox row for `item_key`.
  Result<std::set<std::string>> AlertedAgencies(const std::string& item_key);

  // In one IMMEDIATE transaction: inserts or refreshes the item in the
  // archive (keyed by item.Key(); the (source, guid) sighting is recorded),
  // and inserts one outbox row per alert recipient unless a row for that
  // (item, agency, recipient) exists. Returns the number of outbox rows
  // inserted. Nothing is written on failure.
  Result<int> SaveItem(const Item& item, const std::vector<NewAlert>& alerts,
                       TimePoint now);

  // SaveItem with digests, in the same one transaction: an alert for an
  // agency whose digest already holds the item is dropped, and one for an
  // agency still waiting for it takes it out of the digest (sent alone
  // instead). Each of `pending` is added, or refreshed while it waits,
  // unless that agency has an outbox row for the item.
  Result<SaveCounts> SaveItem(const Item& item,
                              const std::vector<NewAlert>& alerts,
                              const std::vector<PendingEntry>& pending,
                              TimePoint now);

  // --- Digests ----------------------------------------------------------
  // The agencies that have the item in a digest (true) or waiting for one
  // (false).
  Result<std::map<std::string, bool>> DigestStates(const std::string& item_key);
  // Agencies with entries waiting, by agency id.
  Result<std::vector<DigestQueue>> DigestQueues();
  // In one IMMEDIATE transaction: reads the entries waiting for
  // `agency_id`'s digest, oldest first; unless there are none or a digest
  // for (agency_id, slot) exists, calls `render` with them, records the
  // digest, queues one outbox row per recipient (item_key: the first
  // entry's) and marks the entries as the digest's. Returns how many
  // entries the digest took (0: nothing written). Nothing is written when
  // `render` or the database fails.
  Result<int> SaveDigest(
      const std::string& agency_id, TimePoint slot,
      const std::function<Result<NewDigest>(const std::vector<PendingEntry>&)>&
          render,
      TimePoint now);

  // The times the dispatcher's next wake-up depends on.
  Result<OutboxWake> OutboxWakeTimes();

  // True when an item with this key is in the archive.
  Result<bool> HasItem(const std::string& item_key);

  // The stored state, or a fresh SourceState{name} when never polled.
  Result<SourceState> GetSource(const std::string& name);
  Status PutSource(const SourceState& state);
  Result<std::vector<SourceState>> ListSources();

  // Rows in queued or deferred whose next_attempt <= now, oldest first,
  // without their text (`message` is empty; MessageText reads it when the
  // row is sent), so a batch of hundreds holds no megabytes of mail.
  Result<std::vector<OutboxMessage>> DueMessages(TimePoint now, int limit);
  // The stored RFC 5322 text of row `id`; NotFound when there is none.
  Result<std::string> MessageText(std::int64_t id);
  // Rows left in `sending` by a crash go back to queued. Returns how many.
  Result<int> RecoverInterrupted();
  // Committed before the transport connects, but not synced: a killed
  // process keeps the mark; a power cut may undo it, leaving the row due as
  // before (see store_outbox.cc).
  Status MarkSending(std::int64_t id, TimePoint now);
  Status MarkSent(std::int64_t id, const std::string& reply, TimePoint now);
  Status MarkDeferred(std::int64_t id, const std::string& reply,
                      TimePoint next_attempt);
  Status MarkFailed(std::int64_t id, const std::string& reply, TimePoint now);
  Result<std::optional<OutboxMessage>> GetMessage(std::int64_t id);

  // --- Delivery reliability (schema v3) ---------------------------------
  // Records the outcome of an attempt that did not deliver: `state` is
  // deferred, failed, held or expired; `code` the last SMTP reply code (0
  // for none). NotFound when the row is missing.
  Status MarkAttempted(std::int64_t id, std::string_view state,
                       const std::string& reply, int code,
                       TimePoint next_attempt);
  // Rows in any of `states` (all states when empty), newest first, at most
  // `limit`; without their text, as DueMessages.
  Result<std::vector<OutboxMessage>> ListMessages(
      const std::vector<std::string>& states, int limit);
  // A row waits from when it was queued, or from when an administrator or
  // a successful login probe last put it back in the queue (RetryMessage,
  // RetryAll, ReleaseHeld). Both lists are oldest first and without the
  // text, as DueMessages: after an outage there may be thousands.
  //
  // Queued and deferred rows waiting since `waited_since` or earlier: the
  // queue lifetime is over. Held rows never expire: a refused login is the
  // configuration's fault, and the mail goes once it is fixed.
  Result<std::vector<OutboxMessage>> ExpiringSince(TimePoint waited_since);
  // Queued, deferred and held rows waiting since `waited_since` or earlier
  // that the admin was not warned about since they last entered the queue.
  Result<std::vector<OutboxMessage>> UnwarnedSince(TimePoint waited_since);
  Status MarkWarned(const std::vector<std::int64_t>& ids, TimePoint now);
  // The oldest held row, if any, without its text (the dispatcher's probe
  // reads that when it sends it).
  Result<std::optional<OutboxMessage>> OldestHeld();
  // Held rows become queued and due at `now`. Returns how many.
  Result<int> ReleaseHeld(TimePoint now);
  // Makes row `id` queued and due at `now`, whatever its state but sent or
  // sending (InvalidArgument then, naming the state); NotFound when missing.
  Status RetryMessage(std::int64_t id, TimePoint now);
  // Every row in `state` becomes queued and due at `now`. Returns how many.
  Result<int> RetryAll(std::string_view state, TimePoint now);
  // Marks row `id` cancelled with `reason` as its last reply, unless it is
  // sent or being sent (InvalidArgument naming the state).
  Status CancelMessage(std::int64_t id, const std::string& reason);

  // The sent log, newest first, at most `limit` entries. MarkSent appends
  // to it in the same transaction as the state change.
  Result<std::vector<SentLogEntry>> ListSentLog(int limit);
  // Deletes sent-log entries older than `before`. Returns how many.
  Result<int> PruneSentLog(TimePoint before);

  // Records a notice unless one for notice.key was recorded less than
  // `min_interval` before notice.created: then only its suppressed count
  // grows. True when recorded. One IMMEDIATE transaction, so stores on
  // several threads rate-limit together.
  Result<bool> RecordNotice(const AdminNotice& notice,
                            std::chrono::seconds min_interval);
  // Pending notices whose next_attempt <= now, oldest first.
  Result<std::vector<AdminNotice>> DueNotices(TimePoint now);
  Status MarkNoticeSent(const std::string& key, const std::string& reply,
                        TimePoint now);
  Status MarkNoticeDeferred(const std::string& key, const std::string& reply,
                            TimePoint next_attempt);
  // Forgets the notice for `key` (sent or not), so the next problem of that
  // kind notifies at once. Returns true when an unsent one was dropped.
  Result<bool> ResolveNotice(const std::string& key);
  Result<std::vector<AdminNotice>> ListNotices();

  // --- Held items (source health) -------------------------------------
  // In one IMMEDIATE transaction: records the item in the archive as
  // SaveItem does, without alerts, and marks it held for item.source with
  // `kind` (kHeldFlood or kHeldRecorded) unless item.source holds it
  // already (with either kind).
  Status HoldItem(const Item& item, std::string_view kind, TimePoint now);
  // Those of `keys` held as `kind` by `source`, or by any source when
  // `source` is empty.
  Result<std::set<std::string>> HeldKeys(std::string_view kind,
                                         std::string_view source,
                                         const std::vector<std::string>& keys);
  // Those of `keys` that `source` has carried before.
  Result<std::set<std::string>> KeysSeenBy(
      const std::string& source, const std::vector<std::string>& keys);
  // The archived items held by `source` as kHeldFlood, oldest first.
  Result<std::vector<ArchivedItem>> FloodHeldItems(const std::string& source);
  // Ends the flood hold of one item (every source's); `recorded` holds
  // stay. True when it was flood-held.
  Result<bool> Unhold(const std::string& item_key);
  // kHeldFlood counts by source (sources with none are absent).
  Result<std::map<std::string, long long>> FloodHeldCounts();

  // Items first seen at or after `since` (all when nullopt), oldest first.
  Result<std::vector<ArchivedItem>> ListItems(std::optional<TimePoint> since);

  // Small named values the daemon records for `status` (rules loaded, last
  // reload error). PutState overwrites.
  Status PutState(const std::string& key, const std::string& value,
                  TimePoint now);
  // Every stored value by key.
  Result<std::map<std::string, std::string>> GetStates();

  // Outbox row counts by state (every state present, zero when none).
  Result<std::map<std::string, long long>> OutboxCounts();
  // When the oldest row not yet delivered (queued, sending, deferred or
  // held) was queued, in unix seconds; nullopt when none waits.
  Result<std::optional<long long>> OldestWaitingCreated();
  Result<long long> ItemCount();

  // The value of PRAGMA `name` on this connection, as text ("wal", "2").
  // For tests and diagnostics; `name` must be a bare pragma name.
  Result<std::string> ReadPragma(const std::string& name);

 private:
  explicit Store(sqlite3* db);
  // NotFound, or InvalidArgument "... it is sent, not <verb>".
  Status CheckChangeable(std::int64_t id, const char* verb);
  // `path` names the file in error messages, as the caller spelled it.
  Store(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
  // Every statement with fixed SQL text, prepared once per connection.
  std::unique_ptr<internal::StatementCache> cache_;
};

}  // namespace lexwatch::store

#endif  // LEXWATCH_STORE_STORE_H_
