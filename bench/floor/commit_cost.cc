// What "one synced commit per mail" costs at the least (issue 7, run by
// bench/floors.sh): N durable writes, without the rest of a cycle.
//
// Usage: commit_cost raw FILE N          N x (pwrite 4 KiB + fdatasync)
//        commit_cost sqlite DB N FULL|OFF
//            N SQLite transactions in WAL mode, each marking one queued
//            row sent and logging the reply, as a dispatcher does per
//            mail; synchronous=FULL syncs every commit, OFF none.
// Prints the CPU (user, system) and wall time of the N commits alone, set-up
// excluded, as `commits=N user_s=U sys_s=S wall_s=W`. Exits 0 on success,
// 1 when a step fails (naming it on stderr), 2 on bad arguments.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/floor/loop_timer.h"

namespace {

using lexwatch::bench::PrintLoop;
using lexwatch::bench::ReadUsage;
using lexwatch::bench::Usage;

constexpr int kPageBytes = 4096;
// About one rendered alert: the queued rows are as large as real ones, so
// the WAL frames a commit writes are too.
constexpr size_t kBodyBytes = 3000;

bool Fail(const std::string& step, const std::string& why) {
  std::fprintf(stderr, "commit_cost: %s: %s\n", step.c_str(), why.c_str());
  return false;
}

bool FailErrno(const std::string& step) {
  return Fail(step, std::strerror(errno));
}

bool RawCommits(const char* path, int n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return FailErrno(std::string("open ") + path);
  char page[kPageBytes];
  std::memset(page, 'x', sizeof(page));
  Usage start, end;
  bool ok = ReadUsage(&start);
  for (int i = 0; ok && i < n; ++i) {
    // A new page each time, as an appended WAL frame is.
    ssize_t written = pwrite(fd, page, sizeof(page), off_t{i} * kPageBytes);
    if (written != kPageBytes) {
      ok = written < 0 ? FailErrno("pwrite") : Fail("pwrite", "short write");
    } else if (fdatasync(fd) != 0) {
      ok = FailErrno("fdatasync");
    }
  }
  ok = ok && ReadUsage(&end);
  if (close(fd) != 0) ok = FailErrno("close");
  if (ok) PrintLoop("commits", n, start, end);
  return ok;
}

// Closes the database and finalises statements on every return path.
class Db {
 public:
  ~Db() {
    for (sqlite3_stmt* statement : statements_) sqlite3_finalize(statement);
    sqlite3_close(db_);
  }

  bool Open(const char* path) {
    if (sqlite3_open(path, &db_) == SQLITE_OK) return true;
    return Fail(std::string("sqlite open ") + path,
                db_ ? sqlite3_errmsg(db_) : "out of memory");
  }

  // Runs `sql`; when `value` is given, keeps the first column of its first
  // row there.
  bool Exec(const std::string& sql, std::string* value = nullptr) {
    char* error = nullptr;
    auto keep = [](void* out, int columns, char** values, char**) {
      auto* kept = static_cast<std::string*>(out);
      if (kept->empty() && columns > 0 && values[0]) *kept = values[0];
      return 0;
    };
    if (sqlite3_exec(db_, sql.c_str(), value ? +keep : nullptr, value,
                     &error) == SQLITE_OK) {
      return true;
    }
    std::string why = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return Fail(sql, why);
  }

  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
      Fail(std::string("prepare ") + sql, sqlite3_errmsg(db_));
      return nullptr;
    }
    statements_.push_back(statement);
    return statement;
  }

  // Steps a statement that returns no rows and resets it for the next use.
  bool Run(sqlite3_stmt* statement) {
    int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    if (rc == SQLITE_DONE) return true;
    return Fail(sqlite3_sql(statement), sqlite3_errmsg(db_));
  }

  bool Bind(sqlite3_stmt* statement, int value) {
    if (sqlite3_bind_int(statement, 1, value) == SQLITE_OK) return true;
    return Fail(sqlite3_sql(statement), sqlite3_errmsg(db_));
  }

  bool BindText(sqlite3_stmt* statement, const std::string& text) {
    if (sqlite3_bind_text(statement, 1, text.data(),
                          static_cast<int>(text.size()),
                          SQLITE_STATIC) == SQLITE_OK) {
      return true;
    }
    return Fail(sqlite3_sql(statement), sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

// WAL mode and the synchronous level must be what the row says they are,
// or the figure measures something else.
bool SetUp(Db& db, const std::string& sync) {
  std::string mode, level;
  if (!db.Exec("PRAGMA journal_mode=WAL", &mode)) return false;
  if (mode != "wal") return Fail("journal_mode", "'" + mode + "', not 'wal'");
  if (!db.Exec("PRAGMA synchronous=" + sync) ||
      !db.Exec("PRAGMA synchronous", &level)) {
    return false;
  }
  if (level != (sync == "FULL" ? "2" : "0")) {
    return Fail("synchronous", "is " + level + " after setting " + sync);
  }
  return db.Exec(
      "CREATE TABLE q(id INTEGER PRIMARY KEY, state TEXT, body TEXT);"
      "CREATE INDEX qs ON q(state);"
      "CREATE TABLE log(id INTEGER PRIMARY KEY, qid INTEGER, reply TEXT);");
}

// N queued rows in one transaction: the queue a cycle's rendering leaves.
bool Queue(Db& db, int n) {
  sqlite3_stmt* insert =
      db.Prepare("INSERT INTO q(state, body) VALUES('queued', ?1)");
  if (insert == nullptr || !db.Exec("BEGIN")) return false;
  const std::string body(kBodyBytes, 'm');
  for (int i = 0; i < n; ++i) {
    if (!db.BindText(insert, body) || !db.Run(insert)) return false;
  }
  return db.Exec("COMMIT");
}

bool SqliteCommits(const char* path, int n, const std::string& sync) {
  Db db;
  if (!db.Open(path) || !SetUp(db, sync) || !Queue(db, n)) return false;
  sqlite3_stmt* sent = db.Prepare("UPDATE q SET state='sent' WHERE id=?1");
  sqlite3_stmt* log =
      db.Prepare("INSERT INTO log(qid, reply) VALUES(?1, '250 OK')");
  if (sent == nullptr || log == nullptr) return false;
  Usage start, end;
  if (!ReadUsage(&start)) return false;
  for (int id = 1; id <= n; ++id) {
    if (!db.Exec("BEGIN IMMEDIATE") || !db.Bind(sent, id) || !db.Run(sent) ||
        !db.Bind(log, id) || !db.Run(log) || !db.Exec("COMMIT")) {
      return false;
    }
  }
  if (!ReadUsage(&end)) return false;
  PrintLoop("commits", n, start, end);
  return true;
}

int PrintUsage() {
  std::fprintf(stderr,
               "usage: commit_cost raw FILE N\n"
               "       commit_cost sqlite DB N FULL|OFF\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return PrintUsage();
  char* end = nullptr;
  long n = std::strtol(argv[3], &end, 10);
  if (*end != '\0' || n < 1 || n > 10'000'000) return PrintUsage();
  const std::string mode = argv[1];
  if (mode == "raw" && argc == 4) {
    return RawCommits(argv[2], static_cast<int>(n)) ? 0 : 1;
  }
  if (mode == "sqlite" && argc == 5 &&
      (std::strcmp(argv[4], "FULL") == 0 || std::strcmp(argv[4], "OFF") == 0)) {
    return SqliteCommits(argv[2], static_cast<int>(n), argv[4]) ? 0 : 1;
  }
  return PrintUsage();
}
