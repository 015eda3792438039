// Authentication helpers: base64, constant-time comparison, and the ready-made
// Basic/Bearer header authentication middleware.
#include "quiver/flight/auth.h"

#include <sys/random.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

#include "quiver/flight/server.h"
#include "quiver/flight/status.h"

namespace quiver::flight {

ServerAuthHandler::~ServerAuthHandler() = default;
ClientAuthHandler::~ClientAuthHandler() = default;

namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

Status Unauthenticated(std::string message) {
  return MakeFlightError(FlightStatusCode::Unauthenticated, std::move(message));
}

Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < raw.size()) {
    const ssize_t n = ::getrandom(raw.data() + got, raw.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("getrandom failed: ", std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (unsigned char c : raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

// A Bearer token is "<id>.<secret>": the id finds the entry, the secret is
// compared in constant time, so lookups leak nothing about the secret.
constexpr size_t kTokenIdBytes = 8;
constexpr size_t kTokenSecretBytes = 16;

// What the middleware leaves in an authenticated call: who the client is.
class AuthenticatedCall final : public ServerMiddleware {
 public:
  AuthenticatedCall(std::string user, std::optional<std::string> bearer)
      : user_(std::move(user)), bearer_(std::move(bearer)) {}

  void SendingHeaders(HeaderList* headers) override {
    if (bearer_.has_value()) headers->emplace_back(kAuthorizationHeader, "Bearer " + *bearer_);
  }
  std::optional<std::string> peer_identity() const override { return user_; }

 private:
  std::string user_;
  std::optional<std::string> bearer_;  // issued by this call's Handshake
};

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t at) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])); };
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kBase64Alphabet[(n >> shift) & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    const uint32_t n = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Status::Invalid("base64 text must have a length divisible by 4 but has ", text.size(), " characters");
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int padding = 0;
    uint32_t n = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int value;
      if (c == '=' && last && j >= 2 && (j == 3 || text[i + 3] == '=')) {
        ++padding;
        value = 0;
      } else {
        value = Base64Value(c);
        if (value < 0 || padding > 0) {
          return Status::Invalid("invalid base64 character at offset ", i + j);
        }
      }
      n = (n << 6) | static_cast<uint32_t>(value);
    }
    out += static_cast<char>((n >> 16) & 0xFF);
    if (padding < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (padding < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

// --- HeaderAuthServerMiddlewareFactory ----------------------------------------------------

HeaderAuthServerMiddlewareFactory::HeaderAuthServerMiddlewareFactory(PasswordCheck check_password,
                                                                     std::chrono::seconds token_lifetime)
    : check_password_(std::move(check_password)), token_lifetime_(token_lifetime) {}

Status HeaderAuthServerMiddlewareFactory::StartCall(const CallInfo& info, const ServerCallContext& context,
                                                    std::shared_ptr<ServerMiddleware>* middleware) {
  const CallHeaders& headers = context.incoming_headers();
  auto found = headers.find(kAuthorizationHeader);
  if (found == headers.end()) {
    return Unauthenticated("this server needs authentication: send 'authorization: Basic ...' with a "
                           "Handshake (authenticate_basic_token) or 'authorization: Bearer <token>'");
  }
  const std::string_view value = found->second;
  auto scheme_is = [&](std::string_view scheme) {
    if (value.size() <= scheme.size() || value[scheme.size()] != ' ') return false;
    for (size_t i = 0; i < scheme.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return false;
    }
    return true;
  };
  if (scheme_is("basic")) {
    QUIVER_ASSIGN_OR_RAISE(std::string user, CheckBasic(value.substr(6)));
    std::optional<std::string> bearer;
    if (info.method == FlightMethod::kHandshake) {
      QUIVER_ASSIGN_OR_RAISE(bearer, IssueToken(user));
    }
    *middleware = std::make_shared<AuthenticatedCall>(std::move(user), std::move(bearer));
    return Status::OK();
  }
  if (scheme_is("bearer")) {
    QUIVER_ASSIGN_OR_RAISE(std::string user, CheckBearer(value.substr(7)));
    *middleware = std::make_shared<AuthenticatedCall>(std::move(user), std::nullopt);
    return Status::OK();
  }
  return Unauthenticated("the authorization header must be 'Basic <credentials>' or 'Bearer <token>'");
}

Result<std::string> HeaderAuthServerMiddlewareFactory::CheckBasic(std::string_view credentials) {
  Result<std::string> decoded = Base64Decode(credentials);
  if (!decoded.ok()) return Unauthenticated("malformed Basic credentials: " + decoded.status().message());
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return Unauthenticated("malformed Basic credentials: expected user:password");
  std::string user = decoded->substr(0, colon);
  const std::string password = decoded->substr(colon + 1);
  if (check_password_ == nullptr || !check_password_(user, password).ok()) {
    return Unauthenticated("invalid username or password");
  }
  return user;
}

Result<std::string> HeaderAuthServerMiddlewareFactory::CheckBearer(std::string_view token) {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return Unauthenticated("invalid bearer token");
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = tokens_.find(std::string(token.substr(0, dot)));
  if (found == tokens_.end()) return Unauthenticated("invalid bearer token");
  const std::string& secret = found->second.secret;
  if (!ConstantTimeEquals(secret, token.substr(dot + 1))) return Unauthenticated("invalid bearer token");
  if (std::chrono::steady_clock::now() >= found->second.expires) {
    tokens_.erase(found);
    return Unauthenticated("the bearer token has expired: authenticate again");
  }
  return found->second.user;
}

Result<std::string> HeaderAuthServerMiddlewareFactory::IssueToken(const std::string& user) {
  QUIVER_ASSIGN_OR_RAISE(std::string id, RandomHex(kTokenIdBytes));
  QUIVER_ASSIGN_OR_RAISE(std::string secret, RandomHex(kTokenSecretBytes));
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  // Drop expired tokens so that the table does not grow without bound.
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    it = now >= it->second.expires ? tokens_.erase(it) : std::next(it);
  }
  tokens_[id] = Issued{user, secret, now + token_lifetime_};
  return id + "." + secret;
}

void HeaderAuthServerMiddlewareFactory::RevokeAllTokens() {
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_.clear();
}

}  // namespace quiver::flight
