#ifndef LEXWATCH_MAIL_NOTICE_TEXT_H_
#define LEXWATCH_MAIL_NOTICE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "store/store.h"

namespace lexwatch::mail {

// The texts of the administrator notices, in the [mail] language: "en"
// gives English, anything else bokmål. Pure; callers pass the facts already
// formatted (times, durations), so the texts hold no clock or config.
// The subject is without the "[lexwatch] " prefix RenderNotice adds.
struct NoticeText {
  std::string subject;
  std::string body;
};

// A source has failed for longer than its expected period. `since` is a
// formatted time; `error` the last failure.
NoticeText SourceFailingNotice(std::string_view lang, const std::string& name,
                               const std::string& url, const std::string& since,
                               const std::string& error);
// The failing source answers again.
NoticeText SourceRecoveredNotice(std::string_view lang,
                                 const std::string& name);
// A source answers but has brought nothing new since `since`.
NoticeText SourceSilentNotice(std::string_view lang, const std::string& name,
                              const std::string& url, const std::string& since);
// The silent source brings new items again.
NoticeText SourceNewAgainNotice(std::string_view lang, const std::string& name);
// One poll matched more than flood_limit new items; they are held.
NoticeText SourceFloodNotice(std::string_view lang, const std::string& name,
                             std::size_t held, int flood_limit);
// A SIGHUP reload found errors in the rules; `errors` lists them.
NoticeText RulesRefusedNotice(std::string_view lang,
                              const std::string& rules_dir,
                              const std::string& errors);

// "to ADDR (agency .., item .., Message-ID <..>, outbox id N)".
std::string DescribeOutboxMessage(std::string_view lang,
                                  const store::OutboxMessage& message);
// The SMTP server refused the login; mail is held.
NoticeText MailHeldNotice(std::string_view lang, const std::string& error);
// The SMTP server rejected `message` permanently.
NoticeText MailFailedNotice(std::string_view lang,
                            const store::OutboxMessage& message,
                            const std::string& error);
// `message` failed once more after the queue lifetime `give_up_after`.
NoticeText MailExpiredNotice(std::string_view lang,
                             const store::OutboxMessage& message,
                             const std::string& give_up_after,
                             const std::string& error);
// `count` messages, `oldest` first, outlived the queue lifetime unsent.
NoticeText MailsExpiredNotice(std::string_view lang, std::size_t count,
                              const std::string& give_up_after,
                              const store::OutboxMessage& oldest);
// `count` messages, `oldest` first, have waited longer than `warn_after`.
NoticeText MailsOldNotice(std::string_view lang, std::size_t count,
                          const std::string& warn_after,
                          const std::string& give_up_after,
                          const store::OutboxMessage& oldest);

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_NOTICE_TEXT_H_
