#include "common/client.h"

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "common/errors.h"
#include "store/fs.h"

namespace quiver::cli {
namespace {

constexpr int64_t kMaxPemBytes = 1 << 20;

Result<std::string> ReadPem(const std::string& path, const char* flag) {
  auto text = store::ReadSmallFile(path, kMaxPemBytes);
  if (!text.ok()) return text.status().WithContext(std::string("reading ") + flag);
  return text;
}

}  // namespace

void AddClientFlags(CLI::App* command, ClientFlags* flags, bool with_json) {
  command->add_option("-H,--header", flags->headers, "Extra call header key=value (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--username", flags->username, "User name for basic authentication");
  command->add_option("--password", flags->password, "Password for basic authentication");
  command->add_option("--token", flags->token, "Bearer token to send with every call");
  command->add_option("--tls-root-certs", flags->tls_root_certs,
                      "PEM file of root certificates to verify the server with");
  command->add_option("--cert-chain", flags->cert_chain, "PEM client certificate chain (mTLS)");
  command->add_option("--private-key", flags->private_key, "PEM private key of the client certificate");
  command->add_flag("--disable-server-verification", flags->disable_server_verification,
                    "Accept any server certificate (testing only)");
  command->add_option("--timeout", flags->timeout_seconds, "Deadline of each call, in seconds")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("-q,--quiet", flags->quiet, "No progress output");
  command->add_flag("--debug", flags->debug, "Print full error details");
  if (with_json) command->add_flag("--json", flags->json, "Print JSON instead of tables");
  command->add_option("args", flags->args, "LOCATION (default: $QUIVER_LOCATION) and arguments");
}

Result<std::pair<std::string, std::vector<std::string>>> SplitLocation(const ClientFlags& flags,
                                                                       size_t min_rest, size_t max_rest,
                                                                       const std::string& usage) {
  std::vector<std::string> rest = flags.args;
  std::string location;
  if (!rest.empty() && rest.front().find("://") != std::string::npos) {
    location = rest.front();
    rest.erase(rest.begin());
  } else if (const char* env = std::getenv("QUIVER_LOCATION"); env != nullptr && *env != '\0') {
    location = env;
  } else {
    return UsageError("a LOCATION such as grpc://localhost:8815 is required (or set QUIVER_LOCATION); usage: " +
                      usage);
  }
  if (rest.size() < min_rest || rest.size() > max_rest) {
    return UsageError("expected " +
                      (min_rest == max_rest ? std::to_string(min_rest)
                                            : std::to_string(min_rest) + " to " + std::to_string(max_rest)) +
                      " argument(s) after LOCATION but found " + std::to_string(rest.size()) +
                      "; usage: " + usage);
  }
  return std::make_pair(location, rest);
}

flight::FlightDescriptor MakeDescriptor(const std::string& path, bool as_command) {
  if (as_command) return flight::FlightDescriptor::Command(path);
  std::vector<std::string> components;
  // An absolute path is sent as it is ("/etc" stays "/etc"): the server decides
  // what it means (quiver serve refuses it).
  size_t start = 0;
  if (!path.empty() && path.front() == '/') {
    size_t end = path.find('/', 1);
    if (end == std::string::npos) end = path.size();
    components.push_back(path.substr(0, end));
    start = end + 1;
  }
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) components.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return flight::FlightDescriptor::Path(std::move(components));
}

std::string DescriptorText(const flight::FlightDescriptor& descriptor) {
  if (descriptor.type == flight::DescriptorType::CMD) return descriptor.cmd;
  std::string text;
  for (size_t i = 0; i < descriptor.path.size(); ++i) {
    if (i > 0) text += '/';
    text += descriptor.path[i];
  }
  return text;
}

Result<Connection> Connect(const ClientFlags& flags, const std::string& location_text) {
  auto location = flight::Location::Parse(location_text);
  if (!location.ok()) return UsageError("bad LOCATION: " + location.status().message());
  Connection connection;
  if (!flags.tls_root_certs.empty()) {
    QUIVER_ASSIGN_OR_RAISE(connection.client_options.tls_root_certs,
                           ReadPem(flags.tls_root_certs, "--tls-root-certs"));
  }
  if (flags.cert_chain.empty() != flags.private_key.empty()) {
    return UsageError("--cert-chain and --private-key go together");
  }
  if (!flags.cert_chain.empty()) {
    QUIVER_ASSIGN_OR_RAISE(connection.client_options.cert_chain, ReadPem(flags.cert_chain, "--cert-chain"));
    QUIVER_ASSIGN_OR_RAISE(connection.client_options.private_key, ReadPem(flags.private_key, "--private-key"));
  }
  connection.client_options.disable_server_verification = flags.disable_server_verification;
  connection.call.timeout = std::chrono::duration<double>(flags.timeout_seconds);
  for (const std::string& header : flags.headers) {
    const size_t equals = header.find('=');
    if (equals == std::string::npos || equals == 0) {
      return UsageError("-H expects key=value but got '" + header + "'");
    }
    connection.call.headers.emplace_back(header.substr(0, equals), header.substr(equals + 1));
  }
  if (!flags.token.empty() && !flags.username.empty()) {
    return UsageError("give either --token or --username/--password, not both");
  }
  if (flags.username.empty() != flags.password.empty() && !flags.username.empty()) {
    return UsageError("--username needs --password");
  }
  if (!flags.token.empty()) connection.call.headers.emplace_back("authorization", "Bearer " + flags.token);
  QUIVER_ASSIGN_OR_RAISE(connection.client,
                         flight::FlightClient::Connect(*location, connection.client_options));
  if (!flags.username.empty()) {
    // Basic credentials go once, with the Handshake; the server answers with a bearer
    // token for the calls that follow.
    flight::FlightCallOptions handshake_call = connection.call;
    const std::string basic = "Basic " + Base64Encode(flags.username + ":" + flags.password);
    handshake_call.headers.emplace_back("authorization", basic);
    QUIVER_ASSIGN_OR_RAISE(auto stream, connection.client->Handshake(handshake_call));
    QUIVER_RETURN_NOT_OK(stream->DoneWriting());
    while (true) {
      QUIVER_ASSIGN_OR_RAISE(auto payload, stream->Read());
      if (!payload.has_value()) break;
    }
    QUIVER_RETURN_NOT_OK(stream->Finish());
    std::string bearer;
    for (const auto& [key, value] : stream->headers()) {
      if (key == "authorization" && value.rfind("Bearer ", 0) == 0) bearer = value;
    }
    // A server that hands out no token takes the basic credentials on every call.
    connection.call.headers.emplace_back("authorization", bearer.empty() ? basic : bearer);
  }
  return connection;
}

Result<std::unique_ptr<flight::FlightClient>> ConnectLike(const Connection& base,
                                                          const flight::Location& location) {
  return flight::FlightClient::Connect(location, base.client_options);
}

}  // namespace quiver::cli
