#ifndef LEXWATCH_CORE_RESULT_H_
#define LEXWATCH_CORE_RESULT_H_

#include <cassert>
#include <utility>
#include <variant>

#include "core/status.h"

namespace lexwatch {

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design.
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // The error; Status::Ok() when a value is held.
  Status status() const {
    return ok() ? Status::Ok() : std::get<Status>(data_);
  }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace lexwatch

#endif  // LEXWATCH_CORE_RESULT_H_
