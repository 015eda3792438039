// Middleware: code that runs around every call, on the client and on the server.
//
// A factory is asked at the start of each call (told which RPC it is) and may
// return a middleware instance for that call, which then sees the call's
// headers and its end:
//
//   client: StartCall -> SendingHeaders (add request headers) -> ReceivedHeaders
//           (the server's initial headers) -> ReceivedTrailers -> CallCompleted(status)
//   server: StartCall (sees the request headers; an error rejects the call before
//           any authentication or handler runs) -> SendingHeaders (add response
//           headers) -> the handler -> CallCompleted(status)
//
// Server middleware is registered under a key (FlightServerOptions::middleware)
// and a handler finds its call's instance again with context.GetMiddleware(key).
// Factories are shared by all calls and must be thread-safe; an instance belongs
// to one call. Client middleware runs on the application's threads: StartCall
// and SendingHeaders on the one that makes the call, the end of the call on the
// one that finishes it (reads to the end, closes, or destroys the stream).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "quiver/status.h"
#include "quiver/visibility.h"

namespace quiver::flight {

class ServerCallContext;

/// The RPCs of the Flight service.
enum class FlightMethod : int8_t {
  kInvalid = 0,
  kHandshake,
  kListFlights,
  kGetFlightInfo,
  kPollFlightInfo,
  kGetSchema,
  kDoGet,
  kDoPut,
  kDoExchange,
  kDoAction,
  kListActions,
};

/// The RPC's name as in Flight.proto, e.g. "DoGet" ("Invalid" for kInvalid).
QUIVER_EXPORT std::string_view ToString(FlightMethod method);
/// The method for an RPC name as ToString spells it; kInvalid for any other name.
QUIVER_EXPORT FlightMethod FlightMethodFromName(std::string_view name);

/// What a middleware factory learns about a call.
struct QUIVER_EXPORT CallInfo {
  FlightMethod method = FlightMethod::kInvalid;
};

/// Headers a middleware adds to a call: (key, value) pairs; keys ending in "-bin"
/// carry binary values.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// --- Server -------------------------------------------------------------------------------

class QUIVER_EXPORT ServerMiddleware {
 public:
  virtual ~ServerMiddleware();
  /// Adds headers to the response's initial metadata (called once, before the handler).
  virtual void SendingHeaders(HeaderList* headers);
  /// The call ended: OK, or the error the client receives.
  virtual void CallCompleted(const Status& status);
  /// A middleware that authenticated the call names its client here;
  /// ServerCallContext::peer_identity() then returns it.
  virtual std::optional<std::string> peer_identity() const;
};

class QUIVER_EXPORT ServerMiddlewareFactory {
 public:
  virtual ~ServerMiddlewareFactory();
  /// Called as each call starts, with its request headers in `context`. Leaves
  /// `*middleware` null to take no part in the call. An error rejects the call
  /// with that error (the handler does not run; middleware already started for
  /// the call see CallCompleted with it).
  virtual Status StartCall(const CallInfo& info, const ServerCallContext& context,
                           std::shared_ptr<ServerMiddleware>* middleware) = 0;
};

// --- Client -------------------------------------------------------------------------------

class QUIVER_EXPORT ClientMiddleware {
 public:
  virtual ~ClientMiddleware();
  /// Adds headers to the request (called once, before anything is sent).
  virtual void SendingHeaders(HeaderList* headers);
  /// The server's initial headers (empty when the server sent only trailers).
  virtual void ReceivedHeaders(const CallHeaders& headers);
  /// The server's trailers, as the call ends.
  virtual void ReceivedTrailers(const CallHeaders& trailers);
  /// The call ended: OK, or the error the caller receives.
  virtual void CallCompleted(const Status& status);
};

class QUIVER_EXPORT ClientMiddlewareFactory {
 public:
  virtual ~ClientMiddlewareFactory();
  /// Called as each call starts. Leaves `*middleware` null to take no part in
  /// the call. An error fails the call with that error; nothing is sent.
  virtual Status StartCall(const CallInfo& info, std::unique_ptr<ClientMiddleware>* middleware) = 0;
};

/// A client middleware that keeps the cookies servers set (`set-cookie`
/// headers) and sends them back (`cookie`) on the client's later calls, as
/// browsers do within one session: a cookie goes when its Max-Age is 0 or
/// negative or its Expires date has passed. Install one factory per client
/// (FlightClientOptions::middleware); the factory is the cookie jar.
QUIVER_EXPORT std::shared_ptr<ClientMiddlewareFactory> MakeCookieMiddlewareFactory();

}  // namespace quiver::flight
