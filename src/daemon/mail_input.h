#ifndef LEXWATCH_DAEMON_MAIL_INPUT_H_
#define LEXWATCH_DAEMON_MAIL_INPUT_H_

#include "core/clock.h"
#include "daemon/config.h"
#include "mail/template_set.h"

namespace lexwatch::daemon {

// Fills what an alert and a digest to `agency` share (mail::AlertInput and
// mail::DigestInput name these fields alike): recipients, sender, date,
// contact line, and the agency's language, else the [mail] default.
template <typename Input>
void FillForAgency(const Config& config, const AgencyConfig& agency,
                   TimePoint date, const mail::TemplateSet* templates,
                   Input* input) {
  input->agency_id = agency.id;
  input->agency_name = agency.name;
  input->to = agency.addresses;
  input->from = config.mail.from;
  input->date = date;
  input->contact = config.contact;
  input->language =
      agency.language.empty() ? config.mail.language : agency.language;
  input->templates = templates;
}

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_MAIL_INPUT_H_
