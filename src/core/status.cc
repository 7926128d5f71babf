#include "core/status.h"

namespace lexwatch {
namespace {

const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "Invalid argument";
    case Status::Code::kNotFound:
      return "Not found";
    case Status::Code::kUnavailable:
      return "Unavailable";
    case Status::Code::kPermanent:
      return "Permanent failure";
    case Status::Code::kIoError:
      return "I/O error";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kInternal:
      return "Internal error";
  }
  return "Unknown";
}

}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace lexwatch
