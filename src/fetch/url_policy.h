#ifndef LEXWATCH_FETCH_URL_POLICY_H_
#define LEXWATCH_FETCH_URL_POLICY_H_

#include <string_view>

#include "core/status.h"

namespace lexwatch::fetch {

// Scheme lists for CURLOPT_PROTOCOLS_STR and CURLOPT_REDIR_PROTOCOLS_STR.
// A redirect never leads to file://, even when insecure URLs are allowed.
const char* AllowedProtocols(bool allow_insecure);
const char* AllowedRedirectProtocols(bool allow_insecure);

// Ok when `url` parses and may be fetched: https to any host; with
// `allow_insecure` also file:// and http to 127.0.0.1, localhost or [::1].
// Otherwise InvalidArgument "<url>: scheme or host not allowed".
Status CheckUrlAllowed(std::string_view url, bool allow_insecure);

}  // namespace lexwatch::fetch

#endif  // LEXWATCH_FETCH_URL_POLICY_H_
