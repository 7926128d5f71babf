#ifndef LEXWATCH_MAIL_SHA256_H_
#define LEXWATCH_MAIL_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lexwatch::mail {

// SHA-256 (FIPS 180-4) of `data`. Used for stable Message-IDs and MIME
// boundaries, not for security; kept here because lexwatch links no crypto
// library of its own.
std::array<std::uint8_t, 32> Sha256(std::string_view data);

// Lower-case hex of the first `bytes` bytes of Sha256(data).
std::string Sha256Hex(std::string_view data, std::size_t bytes = 32);

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_SHA256_H_
