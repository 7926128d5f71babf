#ifndef LEXWATCH_MAIL_MAILDIR_TRANSPORT_H_
#define LEXWATCH_MAIL_MAILDIR_TRANSPORT_H_

#include <filesystem>

#include "mail/transport.h"

namespace lexwatch::mail {

// Delivers into one Maildir per recipient: <root>/<recipient>/{tmp,new,cur},
// written to tmp/, fsynced, then renamed into new/ (the Maildir protocol).
class MaildirTransport final : public MailTransport {
 public:
  explicit MaildirTransport(std::filesystem::path root);
  Result<std::string> Send(std::string_view envelope_from,
                           std::string_view recipient,
                           std::string_view message) override;

 private:
  std::filesystem::path root_;
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_MAILDIR_TRANSPORT_H_
