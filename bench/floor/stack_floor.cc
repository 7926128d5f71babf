// The least memory lexwatch's library stack can take (issue 7, run by
// bench/floors.sh). floors.sh links this program against every shared
// library that `readelf -d lexwatch` lists, so it loads what lexwatch
// loads, and it does the smallest form of each kind of work one cycle
// does: libcurl's global set-up, one synced SQLite write in WAL mode, one
// pugixml parse, one spdlog line and one mail over SMTP with libcurl.
// lexwatch's own code is left out on purpose: whatever peak RSS this
// program reaches, no cycle of lexwatch can go below it.
//
// Usage: stack_floor DB_PATH SMTP_PORT
// Exits 0 when every step worked, 1 when one failed (naming it on stderr),
// 2 on bad arguments. A failed step must not pass for a cheap one, so every
// return value is checked.
#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pugixml.hpp>
#include <string>

namespace {

bool Fail(const char* step, const std::string& why) {
  std::fprintf(stderr, "stack_floor: %s: %s\n", step, why.c_str());
  return false;
}

// Keeps the first row's first column of a statement run by sqlite3_exec.
int KeepFirstValue(void* out, int columns, char** values, char**) {
  auto* value = static_cast<std::string*>(out);
  if (value->empty() && columns > 0 && values[0] != nullptr) {
    *value = values[0];
  }
  return 0;
}

bool Exec(sqlite3* db, const char* sql, std::string* first_value) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, first_value ? KeepFirstValue : nullptr, first_value,
                   &error) != SQLITE_OK) {
    std::string why = error ? error : sqlite3_errmsg(db);
    sqlite3_free(error);
    return Fail("sqlite write", why + " in: " + sql);
  }
  return true;
}

// One row committed the way lexwatch commits a sent mail: WAL journal,
// synchronous=FULL, so the commit pays a real fdatasync.
bool WriteOneRow(const char* path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Fail("sqlite open", std::string(path) + ": " + why);
  }
  std::string mode;
  bool ok = Exec(db, "PRAGMA journal_mode=WAL", &mode);
  // A database that cannot use WAL (a tmpfs without shared memory, say)
  // answers with its old mode instead of failing.
  if (ok && mode != "wal") {
    ok = Fail("sqlite write", "journal_mode is '" + mode + "', not 'wal'");
  }
  ok = ok && Exec(db, "PRAGMA synchronous=FULL", nullptr) &&
       Exec(db,
            "CREATE TABLE IF NOT EXISTS t(x TEXT);"
            "INSERT INTO t VALUES('one row');",
            nullptr);
  if (sqlite3_close(db) != SQLITE_OK) {
    ok = Fail("sqlite close", sqlite3_errmsg(db));
  }
  return ok;
}

bool ParseOneFeed(std::string* title) {
  static const char kFeed[] =
      "<rss version='2.0'><channel><title>t</title><item>"
      "<title>32024R0001</title><link>http://example.org/</link>"
      "</item></channel></rss>";
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(kFeed);
  if (!parsed) return Fail("pugixml parse", parsed.description());
  *title = doc.child("rss").child("channel").child("item").child_value("title");
  if (title->empty()) return Fail("pugixml parse", "no item title");
  return true;
}

struct Upload {
  const char* data;
  size_t left;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t length = std::min(size * count, upload->left);
  std::memcpy(buffer, upload->data, length);
  upload->data += length;
  upload->left -= length;
  return length;
}

template <typename T>
bool SetOption(CURL* curl, CURLoption option, T value) {
  CURLcode rc = curl_easy_setopt(curl, option, value);
  if (rc != CURLE_OK) return Fail("smtp set-up", curl_easy_strerror(rc));
  return true;
}

// floors.sh counts this subject at the sink: a run whose mail did not
// arrive is not a floor.
bool SendOneMail(const char* port) {
  static const char kMessage[] =
      "From: lexwatch@example.org\r\n"
      "To: bench@example.org\r\n"
      "Subject: lexwatch stack floor\r\n"
      "Message-ID: <stack-floor@example.org>\r\n"
      "\r\n"
      "One mail, to load libcurl's SMTP path.\r\n";
  Upload upload{kMessage, sizeof(kMessage) - 1};
  const std::string url = std::string("smtp://127.0.0.1:") + port;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Fail("smtp set-up", "curl_easy_init failed");
  curl_slist* recipients = curl_slist_append(nullptr, "<bench@example.org>");
  bool ok =
      recipients != nullptr || Fail("smtp set-up", "curl_slist_append failed");
  ok = ok && SetOption(curl, CURLOPT_URL, url.c_str()) &&
       SetOption(curl, CURLOPT_MAIL_FROM, "<lexwatch@example.org>") &&
       SetOption(curl, CURLOPT_MAIL_RCPT, recipients) &&
       SetOption(curl, CURLOPT_UPLOAD, 1L) &&
       SetOption(curl, CURLOPT_READFUNCTION, ReadUpload) &&
       SetOption(curl, CURLOPT_READDATA, &upload) &&
       SetOption(curl, CURLOPT_TIMEOUT, 20L) &&
       SetOption(curl, CURLOPT_NOSIGNAL, 1L);
  if (ok) {
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
      ok = Fail("smtp send", url + ": " + curl_easy_strerror(rc));
    }
  }
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: stack_floor DB_PATH SMTP_PORT\n");
    return 2;
  }
  CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    Fail("curl_global_init", curl_easy_strerror(init));
    return 1;
  }
  std::string title;
  bool ok = WriteOneRow(argv[1]) && ParseOneFeed(&title);
  if (ok) spdlog::info("stack_floor: parsed item '{}'", title);
  ok = ok && SendOneMail(argv[2]);
  if (ok) spdlog::info("stack_floor: mail sent");
  curl_global_cleanup();
  return ok ? 0 : 1;
}
