// What every client subcommand (ls, info, get, put, action) shares: the connection
// flags, how LOCATION defaults to $QUIVER_LOCATION, and connecting with them.
//
//   -H key=value                 extra call header (repeatable)
//   --username / --password      HTTP Basic credentials, exchanged once through the
//                                Handshake for a bearer token (as pyarrow's
//                                authenticate_basic_token does)
//   --token                      a bearer token, sent as "authorization: Bearer <token>"
//   --tls-root-certs FILE        PEM roots to verify a grpc+tls server with
//   --cert-chain / --private-key PEM client certificate and key (mTLS)
//   --disable-server-verification  accept any server certificate (testing only)
//   --timeout SECONDS            per call
//   -q, --debug, --json          quiet (no progress), full error details, JSON output
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "quiver/flight/auth.h"
#include "quiver/flight/client.h"
#include "quiver/result.h"

namespace CLI {
class App;
}

namespace quiver::cli {

struct ClientFlags {
  std::vector<std::string> headers;
  std::string username;
  std::string password;
  std::string token;
  std::string tls_root_certs;
  std::string cert_chain;
  std::string private_key;
  bool disable_server_verification = false;
  double timeout_seconds = 0;
  bool quiet = false;
  bool debug = false;
  bool json = false;
  /// The positional arguments, LOCATION first unless it comes from $QUIVER_LOCATION.
  std::vector<std::string> args;
};

/// Adds the flags above (and the positional ARGS) to a subcommand. `with_json`
/// adds --json.
void AddClientFlags(CLI::App* command, ClientFlags* flags, bool with_json);

/// Splits flags->args into the location and the rest: the first argument when it
/// looks like a URI ("scheme://..."), else $QUIVER_LOCATION. Usage error if neither,
/// or if the count of the rest is outside [min_rest, max_rest].
Result<std::pair<std::string, std::vector<std::string>>> SplitLocation(const ClientFlags& flags,
                                                                       size_t min_rest, size_t max_rest,
                                                                       const std::string& usage);

/// A connected client with the call options (headers, token, timeout) to use.
struct Connection {
  std::unique_ptr<flight::FlightClient> client;
  flight::FlightCallOptions call;
  flight::FlightClientOptions client_options;
};

/// Connects to `location` and authenticates (basic -> bearer) if asked to.
Result<Connection> Connect(const ClientFlags& flags, const std::string& location);
/// Another client with the same TLS options, for an endpoint served elsewhere.
Result<std::unique_ptr<flight::FlightClient>> ConnectLike(const Connection& base,
                                                          const flight::Location& location);

/// The descriptor a PATH argument names: a PATH descriptor of its '/'-separated
/// components, or (with --cmd) a CMD descriptor holding the text as it is.
flight::FlightDescriptor MakeDescriptor(const std::string& path, bool as_command);
/// "sales/2024" for a path descriptor, the command's text for a command.
std::string DescriptorText(const flight::FlightDescriptor& descriptor);

/// Standard base64 (RFC 4648, with padding): the Flight library's.
using flight::Base64Encode;

}  // namespace quiver::cli
