// The middleware machinery: the interfaces' defaults, the client's per-call
// chain, and what the server runs around every handler (middleware, then the
// Handshake-token check, then the handler, then CallCompleted).
#include "quiver/flight/middleware.h"

#include <exception>
#include <utility>

#include "quiver/flight/auth.h"
#include "quiver/flight/status.h"
#include "quiver/flight/transport_internal.h"

namespace quiver::flight {

namespace {

constexpr std::pair<FlightMethod, std::string_view> kMethodNames[] = {
    {FlightMethod::kHandshake, "Handshake"},         {FlightMethod::kListFlights, "ListFlights"},
    {FlightMethod::kGetFlightInfo, "GetFlightInfo"}, {FlightMethod::kPollFlightInfo, "PollFlightInfo"},
    {FlightMethod::kGetSchema, "GetSchema"},         {FlightMethod::kDoGet, "DoGet"},
    {FlightMethod::kDoPut, "DoPut"},                 {FlightMethod::kDoExchange, "DoExchange"},
    {FlightMethod::kDoAction, "DoAction"},           {FlightMethod::kListActions, "ListActions"},
};

}  // namespace

std::string_view ToString(FlightMethod method) {
  for (const auto& [value, name] : kMethodNames) {
    if (value == method) return name;
  }
  return "Invalid";
}

FlightMethod FlightMethodFromName(std::string_view name) {
  for (const auto& [value, known] : kMethodNames) {
    if (known == name) return value;
  }
  return FlightMethod::kInvalid;
}

ServerMiddleware::~ServerMiddleware() = default;
void ServerMiddleware::SendingHeaders(HeaderList*) {}
void ServerMiddleware::CallCompleted(const Status&) {}
std::optional<std::string> ServerMiddleware::peer_identity() const { return std::nullopt; }
ServerMiddlewareFactory::~ServerMiddlewareFactory() = default;

ClientMiddleware::~ClientMiddleware() = default;
void ClientMiddleware::SendingHeaders(HeaderList*) {}
void ClientMiddleware::ReceivedHeaders(const CallHeaders&) {}
void ClientMiddleware::ReceivedTrailers(const CallHeaders&) {}
void ClientMiddleware::CallCompleted(const Status&) {}
ClientMiddlewareFactory::~ClientMiddlewareFactory() = default;

namespace internal {

// --- Client -------------------------------------------------------------------------------

Result<std::unique_ptr<ClientCallMiddleware>> ClientCallMiddleware::Start(
    const std::vector<std::shared_ptr<ClientMiddlewareFactory>>& factories, FlightMethod method,
    HeaderList* headers) {
  if (factories.empty()) return std::unique_ptr<ClientCallMiddleware>();
  auto call = std::make_unique<ClientCallMiddleware>();
  const CallInfo info{method};
  for (const std::shared_ptr<ClientMiddlewareFactory>& factory : factories) {
    if (factory == nullptr) continue;
    std::unique_ptr<ClientMiddleware> middleware;
    Status started = factory->StartCall(info, &middleware);
    if (!started.ok()) {
      // The call never happens: those already started learn that it failed.
      call->Complete({}, {}, started);
      return started;
    }
    if (middleware != nullptr) call->middleware_.push_back(std::move(middleware));
  }
  HeaderList added;
  for (const std::unique_ptr<ClientMiddleware>& middleware : call->middleware_) middleware->SendingHeaders(&added);
  for (const auto& [key, value] : added) {
    Status valid = ValidateHeader(key, value);
    if (!valid.ok()) {
      valid = valid.WithContext("a client middleware sent an invalid header");
      call->Complete({}, {}, valid);
      return valid;
    }
  }
  headers->insert(headers->end(), added.begin(), added.end());
  if (call->middleware_.empty()) return std::unique_ptr<ClientCallMiddleware>();
  return call;
}

void ClientCallMiddleware::Complete(const CallHeaders& headers, const CallHeaders& trailers,
                                    const Status& status) {
  if (completed_.exchange(true)) return;
  for (const std::unique_ptr<ClientMiddleware>& middleware : middleware_) {
    middleware->ReceivedHeaders(headers);
    middleware->ReceivedTrailers(trailers);
    middleware->CallCompleted(status);
  }
}

// --- Server -------------------------------------------------------------------------------

const std::string& ServerCallContextBase::peer_identity() const {
  return authenticated_identity_.has_value() ? *authenticated_identity_ : transport_identity_;
}

ServerMiddleware* ServerCallContextBase::GetMiddleware(const std::string& key) const {
  for (const auto& [name, middleware] : middleware_) {
    if (name == key) return middleware.get();
  }
  return nullptr;
}

namespace {

Status RunHandlerCatching(const ServerCallContext& context, const std::function<Status()>& handler) {
  try {
    return handler();
  } catch (const std::exception& e) {
    return Status::UnknownError("the ", context.method(), " handler threw an exception: ", e.what());
  } catch (...) {
    return Status::UnknownError("the ", context.method(), " handler threw an exception");
  }
}

// Starts the middleware and authenticates; an error refuses the call.
Status BeginCall(const FlightServerOptions& options, FlightMethod method,
                 std::vector<std::pair<std::string, std::shared_ptr<ServerMiddleware>>>* started,
                 std::optional<std::string>* identity, ServerCallContextBase& context) {
  const CallInfo info{method};
  for (const auto& entry : options.middleware) {
    // A named reference, not a structured binding: clang before 16 cannot capture those.
    const std::shared_ptr<ServerMiddlewareFactory>& factory = entry.second;
    if (factory == nullptr) continue;
    std::shared_ptr<ServerMiddleware> middleware;
    QUIVER_RETURN_NOT_OK(RunHandlerCatching(context, [&] { return factory->StartCall(info, context, &middleware); }));
    if (middleware == nullptr) continue;
    if (std::optional<std::string> who = middleware->peer_identity(); who.has_value()) *identity = std::move(who);
    started->emplace_back(entry.first, std::move(middleware));
  }
  HeaderList headers;
  for (const auto& entry : *started) entry.second->SendingHeaders(&headers);
  for (const auto& [key, value] : headers) {
    Status added = context.AddHeader(key, value);
    if (!added.ok()) return added.WithContext("a server middleware sent an invalid header");
  }
  if (options.auth_handler != nullptr && method != FlightMethod::kHandshake) {
    std::string token;
    const CallHeaders& incoming = context.incoming_headers();
    if (auto found = incoming.find(kAuthTokenHeader); found != incoming.end()) token = found->second;
    Status valid = RunHandlerCatching(context, [&]() -> Status {
      Result<std::string> result = options.auth_handler->IsValid(context, token);
      if (!result.ok()) return result.status();
      *identity = result.MoveValueUnsafe();
      return Status::OK();
    });
    if (!valid.ok()) {
      if (FlightStatusDetail::UnwrapStatus(valid) != nullptr) return valid;
      return MakeFlightError(FlightStatusCode::Unauthenticated, valid.message());
    }
  }
  return Status::OK();
}

}  // namespace

Status RunServerCall(FlightServerBase* server, ServerCallContextBase& context,
                     const std::function<Status()>& handler) {
  const FlightServerOptions* options = server->options();
  if (options == nullptr || (options->middleware.empty() && options->auth_handler == nullptr)) {
    return RunHandlerCatching(context, handler);
  }
  const FlightMethod method = FlightMethodFromName(context.method());
  std::vector<std::pair<std::string, std::shared_ptr<ServerMiddleware>>> started;
  std::optional<std::string> identity;
  Status status = BeginCall(*options, method, &started, &identity, context);
  if (status.ok()) {
    context.authenticated_identity_ = std::move(identity);
    context.middleware_ = started;
    status = RunHandlerCatching(context, handler);
  }
  for (const auto& entry : started) entry.second->CallCompleted(status);
  return status;
}

Status ServeHandshake(FlightServerBase* server, ServerCallContext& context, ServerHandshakeStream* stream) {
  const FlightServerOptions* options = server->options();
  if (options != nullptr && options->auth_handler != nullptr) {
    Status status = options->auth_handler->Authenticate(context, stream);
    if (status.ok() || FlightStatusDetail::UnwrapStatus(status) != nullptr) return status;
    return MakeFlightError(FlightStatusCode::Unauthenticated, status.message());
  }
  return server->Handshake(context, stream);
}

}  // namespace internal

}  // namespace quiver::flight
