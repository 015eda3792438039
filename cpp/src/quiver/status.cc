#include "quiver/status.h"

#include <cstdio>
#include <cstdlib>

namespace quiver {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::OK: return "OK";
    case StatusCode::OutOfMemory: return "Out of memory";
    case StatusCode::KeyError: return "Key error";
    case StatusCode::TypeError: return "Type error";
    case StatusCode::Invalid: return "Invalid";
    case StatusCode::IOError: return "IOError";
    case StatusCode::CapacityError: return "Capacity error";
    case StatusCode::IndexError: return "Index error";
    case StatusCode::Cancelled: return "Cancelled";
    case StatusCode::UnknownError: return "Unknown error";
    case StatusCode::NotImplemented: return "NotImplemented";
    case StatusCode::SerializationError: return "Serialization error";
    case StatusCode::AlreadyExists: return "Already exists";
  }
  return "Unknown status code";
}

Status::Status(StatusCode code, std::string message, std::shared_ptr<const StatusDetail> detail) {
  if (code != StatusCode::OK) {
    state_ = std::make_unique<State>(State{code, std::move(message), std::move(detail)});
  }
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}

const std::string& Status::message() const noexcept {
  static const std::string kEmpty;
  return ok() ? kEmpty : state_->message;
}

const std::shared_ptr<const StatusDetail>& Status::detail() const noexcept {
  static const std::shared_ptr<const StatusDetail> kNone;
  return ok() ? kNone : state_->detail;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += state_->message;
  return Status(state_->code, std::move(message), state_->detail);
}

Status Status::WithDetail(std::shared_ptr<const StatusDetail> detail) const {
  if (ok()) return *this;
  return Status(state_->code, state_->message, std::move(detail));
}

Status Status::WithMessage(std::string message) const {
  if (ok()) return *this;
  return Status(state_->code, std::move(message), state_->detail);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(state_->code));
  out += ": ";
  out += state_->message;
  if (state_->detail) {
    out += " [";
    out += state_->detail->ToString();
    out += "]";
  }
  return out;
}

void Status::Abort(std::string_view context) const {
  if (ok()) return;
  std::fprintf(stderr, "quiver: fatal: %.*s%s%s\n", static_cast<int>(context.size()), context.data(),
               context.empty() ? "" : ": ", ToString().c_str());
  std::abort();
}

bool Status::Equals(const Status& other) const {
  if (ok() || other.ok()) return ok() == other.ok();
  if (state_->code != other.state_->code || state_->message != other.state_->message) return false;
  const auto& a = state_->detail;
  const auto& b = other.state_->detail;
  if (a == b) return true;
  if (!a || !b) return false;
  return std::string_view(a->type_id()) == b->type_id() && a->ToString() == b->ToString();
}

std::ostream& operator<<(std::ostream& os, const Status& status) { return os << status.ToString(); }

}  // namespace quiver
