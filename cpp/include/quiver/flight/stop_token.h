// Cooperative cancellation of Flight calls from another thread.
//
// A StopSource hands out StopTokens; a call that was given a token (through
// FlightCallOptions::stop_token) is cancelled when the source's RequestStop()
// runs, from any thread:
//
//   StopSource stop;
//   FlightCallOptions options;
//   options.stop_token = stop.token();
//   std::thread watchdog([&] { WaitForCtrlC(); stop.RequestStop(); });
//   auto reader = client->DoGet(options, ticket);   // fails with Cancelled once stopped
//
// The call fails as a cancelled call does (a Cancelled status with a Flight
// Cancelled detail). A default-constructed StopToken never stops.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "quiver/visibility.h"

namespace quiver::flight {

namespace internal {
struct StopState;
}  // namespace internal

class StopToken;

/// Keeps a callback registered with a StopToken; unregisters it when destroyed.
/// The destructor waits while the callback is running on another thread, so
/// whatever the callback touches may be destroyed right after the registration.
class QUIVER_EXPORT StopCallback {
 public:
  StopCallback() = default;
  ~StopCallback();
  StopCallback(StopCallback&& other) noexcept;
  StopCallback& operator=(StopCallback&& other) noexcept;
  StopCallback(const StopCallback&) = delete;
  StopCallback& operator=(const StopCallback&) = delete;

 private:
  friend class StopToken;
  StopCallback(std::shared_ptr<internal::StopState> state, uint64_t id)
      : state_(std::move(state)), id_(id) {}
  void Reset();

  std::shared_ptr<internal::StopState> state_;
  uint64_t id_ = 0;
};

/// Observes a StopSource. Cheap to copy; thread-safe.
class QUIVER_EXPORT StopToken {
 public:
  /// A token that never stops.
  StopToken() = default;

  /// True once the source's RequestStop() has been called.
  bool stop_requested() const;

  /// Runs `callback` when stop is requested: on the thread calling RequestStop(),
  /// or at once (on this thread) if it already was. The callback runs at most once
  /// and never after the returned registration is destroyed.
  [[nodiscard]] StopCallback OnStop(std::function<void()> callback) const;

 private:
  friend class StopSource;
  explicit StopToken(std::shared_ptr<internal::StopState> state) : state_(std::move(state)) {}
  std::shared_ptr<internal::StopState> state_;
};

/// Requests a stop of every call holding one of its tokens. Thread-safe.
class QUIVER_EXPORT StopSource {
 public:
  StopSource();
  /// Marks the source stopped and runs the registered callbacks (once; later calls do nothing).
  void RequestStop();
  bool stop_requested() const;
  StopToken token() const { return StopToken(state_); }

 private:
  std::shared_ptr<internal::StopState> state_;
};

}  // namespace quiver::flight
