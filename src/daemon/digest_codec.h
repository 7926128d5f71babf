#ifndef LEXWATCH_DAEMON_DIGEST_CODEC_H_
#define LEXWATCH_DAEMON_DIGEST_CODEC_H_

#include <string>
#include <vector>

#include "core/item.h"
#include "core/result.h"
#include "mail/message.h"
#include "rules/rule_set.h"

namespace lexwatch::daemon {

// A waiting digest entry is stored as JSON: the item and the agency's
// reasons exactly as matched. Storing them, rather than matching again at
// the slot, keeps the digest what the agency was promised even when the
// rules are reloaded (or an item's archive row refreshed) in between, and
// keeps fields the archive does not hold (guid, highlights). Pure.
std::string EncodeDigestEntry(const Item& item,
                              const std::vector<rules::MatchReason>& reasons);

// Corruption naming what is wrong when `json` is not an entry.
Result<mail::DigestEntry> DecodeDigestEntry(const std::string& json);

}  // namespace lexwatch::daemon

#endif  // LEXWATCH_DAEMON_DIGEST_CODEC_H_
