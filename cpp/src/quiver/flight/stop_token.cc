#include "quiver/flight/stop_token.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace quiver::flight {

namespace internal {

struct StopState {
  std::mutex mutex;
  std::condition_variable callback_finished;
  bool stopped = false;
  uint64_t next_id = 1;
  std::map<uint64_t, std::function<void()>> callbacks;
  // The callback RequestStop is running right now (0: none), and on which thread,
  // so that unregistering it can wait for it to return (unless it unregisters itself).
  uint64_t running_id = 0;
  std::thread::id running_thread;
};

}  // namespace internal

StopCallback::~StopCallback() { Reset(); }

StopCallback::StopCallback(StopCallback&& other) noexcept
    : state_(std::move(other.state_)), id_(other.id_) {
  other.id_ = 0;
}

StopCallback& StopCallback::operator=(StopCallback&& other) noexcept {
  if (this != &other) {
    Reset();
    state_ = std::move(other.state_);
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

void StopCallback::Reset() {
  if (state_ == nullptr) return;
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (state_->callbacks.erase(id_) == 0 && state_->running_id == id_ &&
      state_->running_thread != std::this_thread::get_id()) {
    state_->callback_finished.wait(lock, [&] { return state_->running_id != id_; });
  }
  lock.unlock();
  state_.reset();
  id_ = 0;
}

bool StopToken::stop_requested() const {
  if (state_ == nullptr) return false;
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->stopped;
}

StopCallback StopToken::OnStop(std::function<void()> callback) const {
  if (state_ == nullptr) return StopCallback();
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (state_->stopped) {
    lock.unlock();
    callback();
    return StopCallback();
  }
  const uint64_t id = state_->next_id++;
  state_->callbacks.emplace(id, std::move(callback));
  return StopCallback(state_, id);
}

StopSource::StopSource() : state_(std::make_shared<internal::StopState>()) {}

void StopSource::RequestStop() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (state_->stopped) return;
  state_->stopped = true;
  while (!state_->callbacks.empty()) {
    auto it = state_->callbacks.begin();
    std::function<void()> callback = std::move(it->second);
    state_->running_id = it->first;
    state_->running_thread = std::this_thread::get_id();
    state_->callbacks.erase(it);
    // Run without the lock: the callback may itself register or unregister.
    lock.unlock();
    callback();
    lock.lock();
    state_->running_id = 0;
    state_->callback_finished.notify_all();
  }
}

bool StopSource::stop_requested() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->stopped;
}

}  // namespace quiver::flight
