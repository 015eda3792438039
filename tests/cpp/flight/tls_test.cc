// TLS: server certificates, client roots, hostname override, disabled
// verification, and mutual TLS with the client's identity reaching the handler.
// The certificates are made by tests/support/make-test-certs.sh, which ctest runs
// first (fixture flight_test_certs) into the build tree.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "quiver/flight/client.h"
#include "quiver/flight/server.h"
#include "quiver/flight/status.h"
#include "quiver/testing/matchers.h"

namespace quiver::flight {
namespace {

using ::testing::HasSubstr;

std::string ReadFixture(const std::string& name) {
  const std::string path = std::string(QUIVER_FLIGHT_TEST_CERTS_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in) ADD_FAILURE() << "missing " << path << ": run the tests through ctest, which makes the certificates";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Answers GetFlightInfo with the caller's identity in app_metadata.
class IdentityServer : public FlightServerBase {
 public:
  Result<FlightInfo> GetFlightInfo(ServerCallContext& context, const FlightDescriptor& descriptor) override {
    FlightInfo info;
    info.descriptor = descriptor;
    info.app_metadata = "identity:" + context.peer_identity();
    return info;
  }
};

class TlsTest : public ::testing::Test {
 protected:
  void StartServer(bool verify_client) {
    ASSERT_OK_AND_ASSIGN(Location location, Location::ForGrpcTls("127.0.0.1", 0));
    FlightServerOptions options(location);
    options.tls_certificates.push_back({ReadFixture("server.pem"), ReadFixture("server.key")});
    options.verify_client = verify_client;
    if (verify_client) options.root_certificates = ReadFixture("ca.pem");
    ASSERT_OK(server_.Init(options));
    ASSERT_OK_AND_ASSIGN(Location bound, server_.location());
    location_ = bound;
    EXPECT_EQ(location_->scheme(), "grpc+tls");
  }

  void TearDown() override { EXPECT_OK(server_.Shutdown()); }

  Result<FlightInfo> Call(const FlightClientOptions& options, std::optional<Location> location = std::nullopt) {
    QUIVER_ASSIGN_OR_RAISE(auto client, FlightClient::Connect(location.value_or(*location_), options));
    return client->GetFlightInfo(FlightDescriptor::Command("who"));
  }

  IdentityServer server_;
  std::optional<Location> location_;
};

void ExpectUnavailable(const Result<FlightInfo>& result) {
  ASSERT_FALSE(result.ok());
  auto detail = FlightStatusDetail::UnwrapStatus(result.status());
  ASSERT_NE(detail, nullptr) << result.status().ToString();
  EXPECT_EQ(detail->code(), FlightStatusCode::Unavailable) << result.status().ToString();
}

TEST_F(TlsTest, ClientVerifiesTheServerWithItsRoots) {
  StartServer(false);
  FlightClientOptions options;
  options.tls_root_certs = ReadFixture("ca.pem");
  ASSERT_OK_AND_ASSIGN(FlightInfo info, Call(options));
  EXPECT_EQ(info.app_metadata, "identity:");
}

TEST_F(TlsTest, UnknownServerCertificateIsRefused) {
  StartServer(false);
  // The system roots do not know the test CA.
  ExpectUnavailable(Call(FlightClientOptions{}));
}

TEST_F(TlsTest, OverrideHostname) {
  StartServer(false);
  FlightClientOptions options;
  options.tls_root_certs = ReadFixture("ca.pem");
  options.override_hostname = "quiver.test";
  ASSERT_OK(Call(options).status());
  options.override_hostname = "not-in-the-certificate.test";
  ExpectUnavailable(Call(options));
}

TEST_F(TlsTest, DisabledVerificationAcceptsAnyServer) {
  StartServer(false);
  FlightClientOptions options;
  options.disable_server_verification = true;
  ASSERT_OK(Call(options).status());
}

TEST_F(TlsTest, MutualTlsGivesThePeerIdentity) {
  StartServer(true);
  FlightClientOptions options;
  options.tls_root_certs = ReadFixture("ca.pem");
  // Without a client certificate the server refuses the connection.
  ExpectUnavailable(Call(options));
  options.cert_chain = ReadFixture("client.pem");
  options.private_key = ReadFixture("client.key");
  ASSERT_OK_AND_ASSIGN(FlightInfo info, Call(options));
  EXPECT_EQ(info.app_metadata, "identity:quiver-client");
}

TEST_F(TlsTest, PlaintextClientCannotTalkToATlsServer) {
  StartServer(false);
  ASSERT_OK_AND_ASSIGN(Location plain, Location::ForGrpcTcp("127.0.0.1", location_->port()));
  ExpectUnavailable(Call(FlightClientOptions{}, plain));
}

}  // namespace
}  // namespace quiver::flight
