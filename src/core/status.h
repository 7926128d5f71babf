#ifndef LEXWATCH_CORE_STATUS_H_
#define LEXWATCH_CORE_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

namespace lexwatch {

// The outcome of an operation that can fail in an expected way. Cheap to copy
// when ok. Adapters convert library error codes into a Status with context
// (the URL, the path, the SMTP reply) at their boundary.
class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // Bad input a person must fix (config, rules, feed).
    kNotFound,
    kUnavailable,  // Transient: network, 4xx SMTP, 5xx HTTP. Retry later.
    kPermanent,    // Will not succeed on retry (5xx SMTP reply).
    kIoError,      // Local file system or database failure.
    kCorruption,   // Stored data is not what we wrote.
    kInternal,     // A bug.
  };

  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string_view context,
                                std::string_view msg = {}) {
    return Status(Code::kInvalidArgument, context, msg);
  }
  static Status NotFound(std::string_view context, std::string_view msg = {}) {
    return Status(Code::kNotFound, context, msg);
  }
  static Status Unavailable(std::string_view context,
                            std::string_view msg = {}) {
    return Status(Code::kUnavailable, context, msg);
  }
  static Status Permanent(std::string_view context, std::string_view msg = {}) {
    return Status(Code::kPermanent, context, msg);
  }
  static Status IoError(std::string_view context, std::string_view msg = {}) {
    return Status(Code::kIoError, context, msg);
  }
  static Status Corruption(std::string_view context,
                           std::string_view msg = {}) {
    return Status(Code::kCorruption, context, msg);
  }
  static Status Internal(std::string_view context, std::string_view msg = {}) {
    return Status(Code::kInternal, context, msg);
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsPermanent() const { return code_ == Code::kPermanent; }
  bool IsIoError() const { return code_ == Code::kIoError; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }

  Code code() const { return code_; }
  // "context: detail", or "" when ok.
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string_view context, std::string_view msg)
      : code_(code), message_(context) {
    if (!msg.empty()) {
      message_.append(": ");
      message_.append(msg);
    }
  }

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace lexwatch

#endif  // LEXWATCH_CORE_STATUS_H_
