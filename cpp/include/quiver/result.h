// Result<T>: a value of type T, or the Status explaining why there is none.
//
//   Result<std::shared_ptr<Buffer>> r = AllocateBuffer(64);
//   if (!r.ok()) return r.status();
//   std::shared_ptr<Buffer> buf = *std::move(r);
//
// or, inside a function that itself returns Status or Result:
//
//   QUIVER_ASSIGN_OR_RAISE(auto buf, AllocateBuffer(64));
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "quiver/status.h"

namespace quiver {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, Status>, "Result<Status> makes no sense; use Status");

 public:
  /// A Result holding an error. Constructing one from an OK status is a bug and
  /// is turned into an UnknownError so that no Result ever holds "OK but no value".
  Result(Status status) : storage_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(storage_).ok()) {
      storage_ = Status::UnknownError("Result constructed from an OK Status without a value");
    }
  }
  Result(T value) : storage_(std::move(value)) {}  // NOLINT: implicit by design
  template <typename U,
            typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value) : storage_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const noexcept { return std::holds_alternative<T>(storage_); }

  /// The error, or OK when a value is present.
  Status status() const {
    return ok() ? Status::OK() : std::get<Status>(storage_);
  }

  const T& ValueOrDie() const& {
    DieIfError();
    return std::get<T>(storage_);
  }
  T& ValueOrDie() & {
    DieIfError();
    return std::get<T>(storage_);
  }
  T ValueOrDie() && {
    DieIfError();
    return std::move(std::get<T>(storage_));
  }
  /// The value without checking; only after ok() returned true.
  T MoveValueUnsafe() { return std::move(std::get<T>(storage_)); }

  T ValueOr(T alternative) && { return ok() ? MoveValueUnsafe() : std::move(alternative); }

  const T& operator*() const& { return ValueOrDie(); }
  T& operator*() & { return ValueOrDie(); }
  T operator*() && { return std::move(*this).ValueOrDie(); }
  const T* operator->() const { return &ValueOrDie(); }
  T* operator->() { return &ValueOrDie(); }

 private:
  void DieIfError() const {
    if (!ok()) std::get<Status>(storage_).Abort("ValueOrDie called on an error Result");
  }

  std::variant<Status, T> storage_;
};

template <typename T>
Status ToStatus(const Result<T>& r) {
  return r.status();
}

}  // namespace quiver

#define QUIVER_CONCAT_IMPL(a, b) a##b
#define QUIVER_CONCAT(a, b) QUIVER_CONCAT_IMPL(a, b)

/// Evaluate `rexpr` (a Result); on error return its Status, else move the value into `lhs`
/// (which may be a declaration: `QUIVER_ASSIGN_OR_RAISE(auto x, F())`).
#define QUIVER_ASSIGN_OR_RAISE(lhs, rexpr)                                   \
  auto QUIVER_CONCAT(_quiver_result_, __LINE__) = (rexpr);                    \
  if (!QUIVER_CONCAT(_quiver_result_, __LINE__).ok())                         \
    return QUIVER_CONCAT(_quiver_result_, __LINE__).status();                 \
  lhs = QUIVER_CONCAT(_quiver_result_, __LINE__).MoveValueUnsafe()
