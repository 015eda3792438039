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

using ::testing::AllOf;
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
    if (!location.has_value() && !location_.has_value()) return Status::Invalid("the test server did not start");
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
  ASSERT_TRUE(location_.has_value()) << "the test server did not start";
  ASSERT_OK_AND_ASSIGN(Location plain, Location::ForGrpcTcp("127.0.0.1", location_->port()));
  ExpectUnavailable(Call(FlightClientOptions{}, plain));
}


// --- Bad TLS material is refused up front, naming the option and the fix -----------------

// The certificate text with a few lines cut from the middle of its base64.
std::string Truncated(const std::string& pem) {
  const size_t middle = pem.size() / 2;
  const size_t cut_from = pem.find('\n', middle) + 1;
  const size_t cut_to = pem.find('\n', cut_from + 200) + 1;
  return pem.substr(0, cut_from) + pem.substr(cut_to);
}

Status InitTlsServer(const CertKeyPair& pair, bool verify_client = false, const std::string& roots = "") {
  QUIVER_ASSIGN_OR_RAISE(Location location, Location::ForGrpcTls("127.0.0.1", 0));
  FlightServerOptions options(location);
  options.tls_certificates.push_back(pair);
  options.verify_client = verify_client;
  options.root_certificates = roots;
  FlightServerBase server;
  QUIVER_RETURN_NOT_OK(server.Init(options));
  return server.Shutdown();
}

TEST(TlsMaterialTest, ServerGoodMaterialStillStarts) {
  EXPECT_OK(InitTlsServer({ReadFixture("server.pem"), ReadFixture("server.key")}));
  EXPECT_OK(InitTlsServer({ReadFixture("server.pem"), ReadFixture("server.key")}, true, ReadFixture("ca.pem")));
}

TEST(TlsMaterialTest, ServerRefusesFileNamesForItsCertificateAndKey) {
  EXPECT_THAT(InitTlsServer({"/etc/quiver/server.pem", "/etc/quiver/server.key"}),
              StatusIs(StatusCode::Invalid,
                       AllOf(HasSubstr("the certificate of tls_certificates[0] holds no PEM certificate"),
                             HasSubstr("looks like a file name"))));
  EXPECT_THAT(InitTlsServer({ReadFixture("server.pem"), "server.key"}),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("the private key of tls_certificates[0] holds no PEM private key")));
}

TEST(TlsMaterialTest, ServerRefusesACertificateAndKeySwapped) {
  EXPECT_THAT(InitTlsServer({ReadFixture("server.key"), ReadFixture("server.pem")}),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("holds a private key, not a certificate (are the certificate and key swapped?)")));
}

TEST(TlsMaterialTest, ServerRefusesAKeyOfAnotherCertificate) {
  EXPECT_THAT(InitTlsServer({ReadFixture("server.pem"), ReadFixture("client.key")}),
              StatusIs(StatusCode::Invalid, HasSubstr("the private key of tls_certificates[0] is not the private key "
                                                      "of the first certificate in the certificate of "
                                                      "tls_certificates[0]")));
}

TEST(TlsMaterialTest, ServerRefusesACorruptCertificate) {
  EXPECT_THAT(InitTlsServer({Truncated(ReadFixture("server.pem")), ReadFixture("server.key")}),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("certificate 1 of 1 in the certificate of tls_certificates[0] cannot be read")));
  // A chain: the second certificate is the broken one.
  EXPECT_THAT(InitTlsServer({ReadFixture("server.pem") + Truncated(ReadFixture("ca.pem")), ReadFixture("server.key")}),
              StatusIs(StatusCode::Invalid, HasSubstr("certificate 2 of 2")));
}

TEST(TlsMaterialTest, ServerRefusesAPassphraseProtectedKey) {
  EXPECT_THAT(InitTlsServer({ReadFixture("server.pem"), ReadFixture("server-encrypted.key")}),
              StatusIs(StatusCode::Invalid,
                       AllOf(HasSubstr("is protected by a passphrase"), HasSubstr("openssl pkey"))));
}

TEST(TlsMaterialTest, ServerVerifyingClientsNeedsValidRoots) {
  const CertKeyPair pair{ReadFixture("server.pem"), ReadFixture("server.key")};
  EXPECT_THAT(InitTlsServer(pair, true, ""),
              StatusIs(StatusCode::Invalid, HasSubstr("verify_client needs root_certificates")));
  EXPECT_THAT(InitTlsServer(pair, true, "ca.pem"),
              StatusIs(StatusCode::Invalid, HasSubstr("root_certificates holds no PEM certificate")));
}

Status ConnectTls(const FlightClientOptions& options) {
  QUIVER_ASSIGN_OR_RAISE(Location location, Location::ForGrpcTls("127.0.0.1", 1));
  return FlightClient::Connect(location, options).status();
}

TEST(TlsMaterialTest, ClientRefusesRootsThatAreNotCertificates) {
  FlightClientOptions options;
  options.tls_root_certs = "garbage";
  EXPECT_THAT(ConnectTls(options),
              StatusIs(StatusCode::Invalid, HasSubstr("tls_root_certs holds no PEM certificate")));
  options.tls_root_certs = Truncated(ReadFixture("ca.pem"));
  EXPECT_THAT(ConnectTls(options),
              StatusIs(StatusCode::Invalid, HasSubstr("certificate 1 of 1 in tls_root_certs cannot be read")));
}

TEST(TlsMaterialTest, ClientIdentityNeedsAMatchingCertificateAndKey) {
  FlightClientOptions options;
  options.cert_chain = ReadFixture("client.pem");
  EXPECT_THAT(ConnectTls(options),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("needs both cert_chain and private_key; only cert_chain was given")));
  options.private_key = ReadFixture("server.key");
  EXPECT_THAT(ConnectTls(options),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("private_key is not the private key of the first certificate in cert_chain")));
  options.private_key = ReadFixture("client.key");
  EXPECT_OK(ConnectTls(options));
}

TEST(TlsMaterialTest, PlaintextLocationsIgnoreTlsOptions) {
  // As in Apache Arrow: TLS options only matter for grpc+tls.
  FlightClientOptions options;
  options.tls_root_certs = "unused";
  ASSERT_OK_AND_ASSIGN(Location location, Location::ForGrpcTcp("127.0.0.1", 1));
  EXPECT_OK(FlightClient::Connect(location, options).status());
}

}  // namespace
}  // namespace quiver::flight
