#ifndef LEXWATCH_TESTS_FETCH_TEST_GZIP_H_
#define LEXWATCH_TESTS_FETCH_TEST_GZIP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lexwatch::test {

// Writes a gzip member (RFC 1952) by hand, so tests need not link zlib: one
// fixed-Huffman deflate block (RFC 1951) holding `text` as literals followed
// by `zeros` zero bytes as 258-byte back-references. A few kilobytes expand
// to megabytes: a gzip bomb.
class TestGzip {
 public:
  static std::string Compress(std::string_view text, size_t zeros = 0) {
    TestGzip gzip;
    gzip.Deflate(text, zeros);
    std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    out += gzip.bytes_;
    uint32_t crc = Crc32(0, text);
    for (size_t i = 0; i < zeros; ++i)
      crc = Crc32(crc, std::string_view("", 1));
    AppendLittleEndian(out, crc);
    AppendLittleEndian(out, static_cast<uint32_t>(text.size() + zeros));
    return out;
  }

 private:
  void Deflate(std::string_view text, size_t zeros) {
    Bits(1, 1);  // BFINAL: the only block.
    Bits(1, 2);  // BTYPE 01: fixed Huffman codes.
    for (char c : text) Literal(static_cast<unsigned char>(c));
    if (zeros > 0) {
      Literal(0);
      size_t left = zeros - 1;
      for (; left >= 258; left -= 258) {
        Code(0xC5, 8);  // Length code 285: 258 bytes, no extra bits.
        Code(0, 5);     // Distance code 0: one byte back.
      }
      for (; left > 0; --left) Literal(0);
    }
    Code(0, 7);  // End of block (256).
    if (used_ > 0) bytes_.push_back(static_cast<char>(pending_));
  }

  void Literal(unsigned value) {
    if (value < 144) {
      Code(0x30 + value, 8);
    } else {
      Code(0x190 + value - 144, 9);
    }
  }

  // Huffman codes go most significant bit first ...
  void Code(uint32_t code, int length) {
    for (int i = length - 1; i >= 0; --i) Bits((code >> i) & 1, 1);
  }

  // ... into a stream filled from each byte's least significant bit.
  void Bits(uint32_t value, int count) {
    for (int i = 0; i < count; ++i) {
      pending_ |= ((value >> i) & 1) << used_;
      if (++used_ == 8) {
        bytes_.push_back(static_cast<char>(pending_));
        pending_ = 0;
        used_ = 0;
      }
    }
  }

  static uint32_t Crc32(uint32_t crc, std::string_view data) {
    crc = ~crc;
    for (char c : data) {
      crc ^= static_cast<unsigned char>(c);
      for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
  }

  static void AppendLittleEndian(std::string& out, uint32_t value) {
    for (int i = 0; i < 4; ++i)
      out.push_back(static_cast<char>(value >> (8 * i)));
  }

  std::string bytes_;
  uint32_t pending_ = 0;
  int used_ = 0;
};

}  // namespace lexwatch::test

#endif  // LEXWATCH_TESTS_FETCH_TEST_GZIP_H_
