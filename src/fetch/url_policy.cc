#include "fetch/url_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

namespace lexwatch::fetch {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// The part, or "" when the URL has none.
std::string GetPart(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK) return "";
  CurlString owned(raw);
  return owned ? std::string(owned.get()) : std::string();
}

bool IsLoopbackName(std::string host) {
  // curl_url keeps the host's case and IPv6 brackets.
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

bool IsAllowed(CURLU* url, bool allow_insecure) {
  const std::string scheme = GetPart(url, CURLUPART_SCHEME);
  if (scheme == "https") return true;
  if (!allow_insecure) return false;
  if (scheme == "file") return true;
  return scheme == "http" && IsLoopbackName(GetPart(url, CURLUPART_HOST));
}

}  // namespace

const char* AllowedProtocols(bool allow_insecure) {
  return allow_insecure ? "https,http,file" : "https";
}

const char* AllowedRedirectProtocols(bool allow_insecure) {
  return allow_insecure ? "https,http" : "https";
}

Status CheckUrlAllowed(std::string_view url, bool allow_insecure) {
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  const std::string text(url);
  // A URL with an embedded NUL would be cut short by curl: refuse it.
  const bool parses =
      parsed && text.find('\0') == std::string::npos &&
      curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0) == CURLUE_OK;
  if (parses && IsAllowed(parsed.get(), allow_insecure)) return Status::Ok();
  return Status::InvalidArgument(url, "scheme or host not allowed");
}

}  // namespace lexwatch::fetch
