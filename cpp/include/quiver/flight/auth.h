// Authentication, the two ways Apache Arrow Flight clients use.
//
// 1. Handshake authentication. The client's ClientAuthHandler and the server's
//    ServerAuthHandler exchange payloads over the Handshake RPC; the client then
//    sends the token from ClientAuthHandler::GetToken() as the binary header
//    `auth-token-bin` on every later call (FlightClient::Authenticate does this),
//    and the server passes it to ServerAuthHandler::IsValid, whose result is the
//    call's peer identity. With FlightServerOptions::auth_handler set, every RPC
//    other than Handshake without a valid token is refused (Unauthenticated)
//    before any middleware-visible handler runs.
//
// 2. Header authentication (HTTP Basic, then Bearer), what pyarrow's
//    `authenticate_basic_token` speaks: the client's Handshake carries
//    `authorization: Basic base64(user:password)`, the server answers with
//    `authorization: Bearer <token>`, and later calls carry that header.
//    HeaderAuthServerMiddlewareFactory is the server side, ready to install;
//    FlightClient::AuthenticateBasicToken the client side.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "quiver/flight/middleware.h"
#include "quiver/result.h"
#include "quiver/status.h"
#include "quiver/visibility.h"

namespace quiver::flight {

class ClientHandshakeStream;
class ServerHandshakeStream;

/// The header Handshake-authenticated clients carry their token in.
inline constexpr char kAuthTokenHeader[] = "auth-token-bin";
/// The header of HTTP Basic / Bearer authentication.
inline constexpr char kAuthorizationHeader[] = "authorization";

class QUIVER_EXPORT ServerAuthHandler {
 public:
  virtual ~ServerAuthHandler();
  /// Runs the server's side of a Handshake: reads the client's credentials from
  /// `stream` and writes a token back. An error (Unauthenticated for bad
  /// credentials) fails the Handshake with it.
  virtual Status Authenticate(ServerCallContext& context, ServerHandshakeStream* stream) = 0;
  /// Checks the token a call carries (empty when it carries none): the client's
  /// identity, or an error that refuses the call (Unauthenticated).
  virtual Result<std::string> IsValid(const ServerCallContext& context, const std::string& token) = 0;
};

class QUIVER_EXPORT ClientAuthHandler {
 public:
  virtual ~ClientAuthHandler();
  /// Runs the client's side of a Handshake: sends credentials, reads the answer.
  virtual Status Authenticate(ClientHandshakeStream* stream) = 0;
  /// The token to send with every later call.
  virtual Result<std::string> GetToken() = 0;
};

/// Standard base64 (RFC 4648, with padding).
QUIVER_EXPORT std::string Base64Encode(std::string_view bytes);
/// Decodes standard base64; Invalid for any other character or a bad length.
QUIVER_EXPORT Result<std::string> Base64Decode(std::string_view text);

/// Compares two secrets in time that depends only on their lengths.
QUIVER_EXPORT bool ConstantTimeEquals(std::string_view a, std::string_view b);

/// Server side of Basic/Bearer header authentication.
///
/// A Handshake with `authorization: Basic ...` is checked with `check_password`;
/// when it succeeds, the response carries `authorization: Bearer <token>` (128
/// random bits, valid for `token_lifetime`). Every other call must carry
/// `authorization: Bearer <token>` (or, for clients that cannot hold a token,
/// valid Basic credentials); anything else is refused with Unauthenticated before
/// the handler runs. The call's peer identity is the user name.
///
/// The server's Handshake must still succeed for the Basic exchange (e.g. the
/// default auth-free server answers Handshake UNIMPLEMENTED: override Handshake to
/// return OK, as quiver serve does).
class QUIVER_EXPORT HeaderAuthServerMiddlewareFactory : public ServerMiddlewareFactory {
 public:
  /// Returns OK when `password` is right for `user`; an error otherwise (its
  /// message is not sent: the client sees "invalid username or password").
  using PasswordCheck = std::function<Status(const std::string& user, const std::string& password)>;

  explicit HeaderAuthServerMiddlewareFactory(
      PasswordCheck check_password, std::chrono::seconds token_lifetime = std::chrono::hours(12));

  Status StartCall(const CallInfo& info, const ServerCallContext& context,
                   std::shared_ptr<ServerMiddleware>* middleware) override;

  /// Forgets every issued token (e.g. after the users changed). Tokens are kept in
  /// memory only: a restarted server asks its clients to authenticate again.
  void RevokeAllTokens();

 private:
  struct Issued {
    std::string user;
    std::string secret;
    std::chrono::steady_clock::time_point expires;
  };
  Result<std::string> CheckBasic(std::string_view credentials);
  Result<std::string> CheckBearer(std::string_view token);
  Result<std::string> IssueToken(const std::string& user);

  PasswordCheck check_password_;
  std::chrono::seconds token_lifetime_;
  std::mutex mutex_;
  std::map<std::string, Issued> tokens_;  // by token id
};

}  // namespace quiver::flight
