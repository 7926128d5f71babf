#include "mail/admin_notifier.h"

#include <spdlog/spdlog.h>

#include "mail/message.h"
#include "mail/mime.h"
#include "mail/sha256.h"

namespace lexwatch::mail {
namespace {

std::string NoticeKey(std::string_view kind, std::string_view key) {
  return std::string(kind) + "/" + std::string(key);
}

// CRLF line ends whatever the body used.
std::string CrlfLines(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n')
      out += "\r\n";
    else
      out.push_back(text[i]);
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

}  // namespace

std::string RenderNotice(const NoticeInput& input) {
  std::string subject = "[lexwatch] " + CleanUtf8(input.subject);
  std::string m;
  m += "From: " + FormatMailbox(input.from, 6) + "\r\n";
  m += "To: " + FormatAddressList({input.to}, 4) + "\r\n";
  m += "Subject: " + EncodeHeader(subject, 9) + "\r\n";
  m += "Date: " + FormatRfc5322Date(input.date) + "\r\n";
  m += "Message-ID: <" + input.message_id + ">\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "\r\n";
  m += QuotedPrintableEncode(CrlfLines(input.body));
  return m;
}

AdminNotifier::AdminNotifier(store::Store& store, const Clock& clock,
                             AdminOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Result<bool> AdminNotifier::Notify(std::string_view kind, std::string_view key,
                                   std::string_view subject,
                                   std::string_view body) {
  TimePoint now = clock_.Now();
  store::AdminNotice notice;
  notice.key = NoticeKey(kind, key);
  notice.kind = std::string(kind);
  notice.subject = std::string(subject);
  notice.created = ToUnixSeconds(now);
  notice.state = mails() ? store::kNoticePending : store::kNoticeLogged;
  if (mails()) {
    notice.recipient = options_.address;
    NoticeInput input{
        options_.address,
        options_.from,
        notice.subject,
        std::string(body),
        now,
        "notice-" +
            Sha256Hex(notice.key + "\n" + std::to_string(notice.created), 12) +
            "@" + options_.message_id_domain};
    notice.message = RenderNotice(input);
  }
  Result<bool> recorded = store_.RecordNotice(notice, options_.min_interval);
  if (!recorded.ok()) return recorded.status();
  if (!*recorded) {
    spdlog::info("admin notice [{}] {} (rate-limited: already notified)",
                 notice.key, subject);
  } else {
    spdlog::warn("admin notice [{}] {}{}", notice.key, subject,
                 mails() ? " (mailed to " + options_.address + ")"
                         : " (no [admin] address: logged only)");
  }
  return recorded;
}

Status AdminNotifier::Resolve(std::string_view kind, std::string_view key) {
  Result<bool> dropped = store_.ResolveNotice(NoticeKey(kind, key));
  return dropped.status();
}

}  // namespace lexwatch::mail
