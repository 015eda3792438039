// Authentication and middleware through real gRPC on loopback: Handshake auth
// handlers, Basic/Bearer header auth, and client and server middleware, each
// checked against every RPC of the service.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "flight_test_util.h"
#include "quiver/flight/auth.h"
#include "quiver/flight/client.h"
#include "quiver/flight/middleware.h"
#include "quiver/flight/server.h"
#include "quiver/flight/status.h"
#include "quiver/testing/matchers.h"
#include "test_server.h"
#include "test_tables.h"

namespace quiver::flight {
namespace {

using testing::Int64Schema;
using testing::ListenLocation;
using testing::MakeInt64Batch;
using testing::TestServer;
using testing::Transport;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

void ExpectFlightCode(const Status& status, FlightStatusCode code) {
  auto detail = FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr) << status.ToString();
  EXPECT_EQ(detail->code(), code) << status.ToString();
}

// --- Every RPC, as a client makes it ----------------------------------------------------

using RpcCall = std::function<Status(FlightClient&, const FlightCallOptions&)>;

struct Rpc {
  FlightMethod method;
  RpcCall call;
};

// Each RPC, run to its end against TestServer's scripts (successful there).
std::vector<Rpc> EveryRpc() {
  return {
      {FlightMethod::kHandshake,
       [](FlightClient& client, const FlightCallOptions& options) -> Status {
         QUIVER_ASSIGN_OR_RAISE(auto stream, client.Handshake(options));
         QUIVER_RETURN_NOT_OK(stream->Write("hello"));
         return stream->Finish();
       }},
      {FlightMethod::kListFlights,
       [](FlightClient& client, const FlightCallOptions& options) -> Status {
         QUIVER_ASSIGN_OR_RAISE(auto listing, client.ListFlights(options, {}));
         return listing->ReadAll().status();
       }},
      {FlightMethod::kGetFlightInfo,
       [](FlightClient& client, const FlightCallOptions& options) {
         return client.GetFlightInfo(options, FlightDescriptor::Path({"ints"})).status();
       }},
      {FlightMethod::kPollFlightInfo,
       [](FlightClient& client, const FlightCallOptions& options) {
         return client.PollFlightInfo(options, FlightDescriptor::Path({"ints"})).status();
       }},
      {FlightMethod::kGetSchema,
       [](FlightClient& client, const FlightCallOptions& options) {
         return client.GetSchema(options, FlightDescriptor::Path({"ints"})).status();
       }},
      {FlightMethod::kDoGet,
       [](FlightClient& client, const FlightCallOptions& options) -> Status {
         QUIVER_ASSIGN_OR_RAISE(auto reader, client.DoGet(options, Ticket{"table:ints"}));
         return reader->ToTable().status();
       }},
      {FlightMethod::kDoPut,
       [](FlightClient& client, const FlightCallOptions& options) -> Status {
         QUIVER_ASSIGN_OR_RAISE(auto put, client.DoPut(options, FlightDescriptor::Command("store"), Int64Schema()));
         QUIVER_RETURN_NOT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(3)));
         return put.writer->Close();
       }},
      {FlightMethod::kDoExchange,
       [](FlightClient& client, const FlightCallOptions& options) -> Status {
         QUIVER_ASSIGN_OR_RAISE(auto exchange, client.DoExchange(options, FlightDescriptor::Command("echo")));
         QUIVER_RETURN_NOT_OK(exchange.writer->Begin(Int64Schema()));
         QUIVER_RETURN_NOT_OK(exchange.writer->WriteRecordBatch(*MakeInt64Batch(3)));
         QUIVER_RETURN_NOT_OK(exchange.writer->DoneWriting());
         QUIVER_RETURN_NOT_OK(exchange.reader->ToTable().status());
         return exchange.writer->Close();
       }},
      {FlightMethod::kDoAction,
       [](FlightClient& client, const FlightCallOptions& options) -> Status {
         QUIVER_ASSIGN_OR_RAISE(auto results, client.DoAction(options, Action{"echo", Buffer::FromString("x")}));
         return results->ReadAll().status();
       }},
      {FlightMethod::kListActions,
       [](FlightClient& client, const FlightCallOptions& options) {
         return client.ListActions(options).status();
       }},
  };
}

// TestServer plus an action that tells who the call's client is and which
// middleware it has.
class IdentityServer : public TestServer {
 public:
  Result<std::unique_ptr<ResultStream>> DoAction(ServerCallContext& context, const Action& action) override {
    if (action.type == "whoami") {
      std::string middleware = context.GetMiddleware("recorder") != nullptr ? "recorder" : "-";
      std::vector<FlightResult> results{{Buffer::FromString(context.peer_identity())},
                                        {Buffer::FromString(middleware)}};
      return std::unique_ptr<ResultStream>(std::make_unique<VectorMessageStream<FlightResult>>(std::move(results)));
    }
    return TestServer::DoAction(context, action);
  }
};

Result<std::vector<std::string>> WhoAmI(FlightClient& client, const FlightCallOptions& options = {}) {
  QUIVER_ASSIGN_OR_RAISE(auto stream, client.DoAction(options, Action{"whoami", nullptr}));
  QUIVER_ASSIGN_OR_RAISE(std::vector<FlightResult> results, stream->ReadAll());
  std::vector<std::string> texts;
  for (const FlightResult& result : results) texts.push_back(result.body->ToString());
  return texts;
}

// --- Handshake authentication -------------------------------------------------------------

// Accepts the payload "user:password" for the users it knows; the token is
// "token-<user>".
class TokenServerAuth final : public ServerAuthHandler {
 public:
  Status Authenticate(ServerCallContext&, ServerHandshakeStream* stream) override {
    QUIVER_ASSIGN_OR_RAISE(std::optional<std::string> payload, stream->Read());
    if (!payload.has_value() || (*payload != "alice:secret" && *payload != "bob:hunter2")) {
      return MakeFlightError(FlightStatusCode::Unauthenticated, "wrong user or password");
    }
    return stream->Write("token-" + payload->substr(0, payload->find(':')));
  }

  Result<std::string> IsValid(const ServerCallContext&, const std::string& token) override {
    if (token == "token-alice") return std::string("alice");
    if (token == "token-bob") return std::string("bob");
    return MakeFlightError(FlightStatusCode::Unauthenticated, "invalid token");
  }
};

class TokenClientAuth final : public ClientAuthHandler {
 public:
  TokenClientAuth(std::string credentials, std::optional<std::string> forged_token = std::nullopt)
      : credentials_(std::move(credentials)), forged_token_(std::move(forged_token)) {}

  Status Authenticate(ClientHandshakeStream* stream) override {
    QUIVER_RETURN_NOT_OK(stream->Write(credentials_));
    QUIVER_RETURN_NOT_OK(stream->DoneWriting());
    QUIVER_ASSIGN_OR_RAISE(std::optional<std::string> token, stream->Read());
    if (!token.has_value()) return Status::IOError("no token came back");
    token_ = *token;
    return Status::OK();
  }
  Result<std::string> GetToken() override { return forged_token_.value_or(token_); }

 private:
  std::string credentials_;
  std::optional<std::string> forged_token_;
  std::string token_;
};

class HandshakeAuthTest : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    server_.AddStandardData();
    FlightServerOptions options(ListenLocation(GetParam()));
    options.auth_handler = std::make_shared<TokenServerAuth>();
    ASSERT_OK(server_.Init(options));
    ASSERT_OK_AND_ASSIGN(Location location, server_.location());
    location_ = location;
  }
  void TearDown() override { EXPECT_OK(server_.Shutdown(std::chrono::system_clock::now() + 10s)); }

  IdentityServer server_;
  std::optional<Location> location_;
};

TEST_P(HandshakeAuthTest, EveryRpcIsRefusedWithoutAToken) {
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(*location_));
  for (const Rpc& rpc : EveryRpc()) {
    if (rpc.method == FlightMethod::kHandshake) continue;
    SCOPED_TRACE(std::string(ToString(rpc.method)));
    Status status = rpc.call(*client, {});
    ExpectFlightCode(status, FlightStatusCode::Unauthenticated);
  }
  // No handler ran.
  EXPECT_TRUE(server_.recorded().methods.empty());
}

TEST_P(HandshakeAuthTest, EveryRpcIsAcceptedWithAValidToken) {
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(*location_));
  ASSERT_OK(client->Authenticate({}, std::make_unique<TokenClientAuth>("alice:secret")));
  for (const Rpc& rpc : EveryRpc()) {
    if (rpc.method == FlightMethod::kHandshake) continue;  // the auth handler owns Handshake now
    SCOPED_TRACE(std::string(ToString(rpc.method)));
    EXPECT_OK(rpc.call(*client, {}));
  }
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> who, WhoAmI(*client));
  EXPECT_EQ(who.at(0), "alice");
}

TEST_P(HandshakeAuthTest, WrongPasswordFailsTheHandshake) {
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(*location_));
  Status status = client->Authenticate({}, std::make_unique<TokenClientAuth>("alice:wrong"));
  ExpectFlightCode(status, FlightStatusCode::Unauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("wrong user or password"));
  // And the client holds no token afterwards.
  ExpectFlightCode(client->ListActions().status(), FlightStatusCode::Unauthenticated);
}

TEST_P(HandshakeAuthTest, ForgedTokenIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(*location_));
  ASSERT_OK(client->Authenticate({}, std::make_unique<TokenClientAuth>("alice:secret", "token-mallory")));
  ExpectFlightCode(WhoAmI(*client).status(), FlightStatusCode::Unauthenticated);
  // A token passed by hand in a header is checked the same way.
  ASSERT_OK_AND_ASSIGN(auto other, FlightClient::Connect(*location_));
  FlightCallOptions options;
  options.headers.emplace_back(kAuthTokenHeader, "token-bob");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> who, WhoAmI(*other, options));
  EXPECT_EQ(who.at(0), "bob");
}

INSTANTIATE_TEST_SUITE_P(Transports, HandshakeAuthTest, ::testing::Values(Transport::kTcp, Transport::kUnix),
                         testing::TransportName);

TEST(HandshakeAuthDefaults, ServerWithoutAuthHandlerAnswersHandshakeUnimplemented) {
  FlightServerBase server;
  ASSERT_OK(server.Init(FlightServerOptions(ListenLocation(Transport::kTcp))));
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location));
  Status status = client->Authenticate({}, std::make_unique<TokenClientAuth>("alice:secret"));
  EXPECT_TRUE(status.IsNotImplemented()) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr("authentication mechanism"));
  ASSERT_OK(server.Shutdown());
}

// --- Basic / Bearer header authentication --------------------------------------------------

class HeaderAuthTest : public ::testing::Test {
 protected:
  void Start(std::chrono::seconds lifetime = std::chrono::hours(1)) {
    server_.AddStandardData();
    FlightServerOptions options(ListenLocation(Transport::kTcp));
    auto check = [](const std::string& user, const std::string& password) {
      return user == "alice" && password == "s3cret:with:colons" ? Status::OK() : Status::Invalid("no");
    };
    options.middleware.emplace_back("auth", std::make_shared<HeaderAuthServerMiddlewareFactory>(check, lifetime));
    ASSERT_OK(server_.Init(options));
    ASSERT_OK_AND_ASSIGN(Location location, server_.location());
    location_ = location;
    ASSERT_OK_AND_ASSIGN(client_, FlightClient::Connect(*location_));
  }
  void TearDown() override { EXPECT_OK(server_.Shutdown(std::chrono::system_clock::now() + 10s)); }

  IdentityServer server_;
  std::optional<Location> location_;
  std::unique_ptr<FlightClient> client_;
};

TEST_F(HeaderAuthTest, BasicCredentialsBuyABearerTokenThatOpensEveryRpc) {
  Start();
  ASSERT_OK_AND_ASSIGN(auto header, client_->AuthenticateBasicToken({}, "alice", "s3cret:with:colons"));
  EXPECT_EQ(header.first, "authorization");
  EXPECT_THAT(header.second, ::testing::StartsWith("Bearer "));
  FlightCallOptions options;
  options.headers.push_back(header);
  for (const Rpc& rpc : EveryRpc()) {
    SCOPED_TRACE(std::string(ToString(rpc.method)));
    EXPECT_OK(rpc.call(*client_, options));
  }
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> who, WhoAmI(*client_, options));
  EXPECT_EQ(who.at(0), "alice");
}

TEST_F(HeaderAuthTest, EveryRpcIsRefusedWithoutCredentials) {
  Start();
  for (const Rpc& rpc : EveryRpc()) {
    SCOPED_TRACE(std::string(ToString(rpc.method)));
    ExpectFlightCode(rpc.call(*client_, {}), FlightStatusCode::Unauthenticated);
  }
  EXPECT_TRUE(server_.recorded().methods.empty());
}

TEST_F(HeaderAuthTest, WrongPasswordMalformedForgedAndExpiredAreRefused) {
  Start();
  Status wrong = client_->AuthenticateBasicToken({}, "alice", "guess").status();
  ExpectFlightCode(wrong, FlightStatusCode::Unauthenticated);
  EXPECT_THAT(wrong.message(), HasSubstr("invalid username or password"));

  for (const std::string& value : {std::string("Bearer nonsense"), std::string("Bearer 0011223344556677.ff"),
                                   std::string("Basic !!!"), std::string("Digest x"), std::string("Bearer")}) {
    SCOPED_TRACE(value);
    FlightCallOptions options;
    options.headers.emplace_back("authorization", value);
    ExpectFlightCode(client_->ListActions(options).status(), FlightStatusCode::Unauthenticated);
  }

  // A real token with one character of its secret changed.
  ASSERT_OK_AND_ASSIGN(auto header, client_->AuthenticateBasicToken({}, "alice", "s3cret:with:colons"));
  std::string forged = header.second;
  forged.back() = forged.back() == '0' ? '1' : '0';
  FlightCallOptions options;
  options.headers.emplace_back("authorization", forged);
  ExpectFlightCode(client_->ListActions(options).status(), FlightStatusCode::Unauthenticated);
  EXPECT_TRUE(server_.recorded().methods.size() == 1);  // only the Handshake ran
}

TEST(HeaderAuthExpiry, AnExpiredTokenIsRefused) {
  IdentityServer server;
  FlightServerOptions options(ListenLocation(Transport::kTcp));
  auto check = [](const std::string&, const std::string& password) {
    return password == "pw" ? Status::OK() : Status::Invalid("no");
  };
  // Tokens that expire as they are issued.
  options.middleware.emplace_back("auth", std::make_shared<HeaderAuthServerMiddlewareFactory>(check, 0s));
  ASSERT_OK(server.Init(options));
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location));
  ASSERT_OK_AND_ASSIGN(auto header, client->AuthenticateBasicToken({}, "carol", "pw"));
  FlightCallOptions call;
  call.headers.push_back(header);
  Status status = client->ListActions(call).status();
  ExpectFlightCode(status, FlightStatusCode::Unauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("expired"));
  ASSERT_OK(server.Shutdown());
}

TEST(Base64, RoundTripsAndRefusesGarbage) {
  for (const std::string& text : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                                  std::string("foob"), std::string("\0\xff\x10 binary", 10)}) {
    ASSERT_OK_AND_ASSIGN(std::string decoded, Base64Decode(Base64Encode(text)));
    EXPECT_EQ(decoded, text);
  }
  EXPECT_EQ(Base64Encode("alice:pw"), "YWxpY2U6cHc=");
  EXPECT_TRUE(Base64Decode("abc").status().IsInvalid());
  EXPECT_TRUE(Base64Decode("ab=c").status().IsInvalid());
  EXPECT_TRUE(Base64Decode("a===").status().IsInvalid());
  EXPECT_TRUE(Base64Decode("ab\ncd==").status().IsInvalid());
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

// --- Middleware ----------------------------------------------------------------------------

// What a middleware saw of one call.
struct CallRecord {
  FlightMethod method = FlightMethod::kInvalid;
  CallHeaders request_headers;    // server: the client's headers
  CallHeaders response_headers;   // client: the server's initial headers
  CallHeaders response_trailers;  // client: the server's trailers
  std::optional<Status> completed;
};

class Journal {
 public:
  void Add(const CallRecord& record) {
    std::lock_guard<std::mutex> lock(mutex_);
    records_.push_back(record);
  }
  std::vector<CallRecord> records() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return records_;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    records_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<CallRecord> records_;
};

const std::string kBinary("\x00\x01\xfe\xff bin", 8);

class RecordingServerMiddleware final : public ServerMiddleware {
 public:
  RecordingServerMiddleware(Journal* journal, CallRecord record) : journal_(journal), record_(std::move(record)) {}
  void SendingHeaders(HeaderList* headers) override {
    headers->emplace_back("x-server-mw", ToString(record_.method));
    headers->emplace_back("x-server-blob-bin", kBinary);
  }
  void CallCompleted(const Status& status) override {
    record_.completed = status;
    journal_->Add(record_);
  }

 private:
  Journal* journal_;
  CallRecord record_;
};

class RecordingServerFactory final : public ServerMiddlewareFactory {
 public:
  explicit RecordingServerFactory(Journal* journal) : journal_(journal) {}
  Status StartCall(const CallInfo& info, const ServerCallContext& context,
                   std::shared_ptr<ServerMiddleware>* middleware) override {
    const CallHeaders& headers = context.incoming_headers();
    if (headers.count("x-reject") > 0) {
      return MakeFlightError(FlightStatusCode::Unauthorized, "rejected by middleware", "mw-extra");
    }
    CallRecord record;
    record.method = info.method;
    record.request_headers = headers;
    *middleware = std::make_shared<RecordingServerMiddleware>(journal_, std::move(record));
    return Status::OK();
  }

 private:
  Journal* journal_;
};

class RecordingClientMiddleware final : public ClientMiddleware {
 public:
  RecordingClientMiddleware(Journal* journal, FlightMethod method) : journal_(journal) { record_.method = method; }
  void SendingHeaders(HeaderList* headers) override {
    headers->emplace_back("x-client-mw", ToString(record_.method));
    headers->emplace_back("x-client-blob-bin", kBinary);
  }
  void ReceivedHeaders(const CallHeaders& headers) override { record_.response_headers = headers; }
  void ReceivedTrailers(const CallHeaders& trailers) override { record_.response_trailers = trailers; }
  void CallCompleted(const Status& status) override {
    record_.completed = status;
    journal_->Add(record_);
  }

 private:
  Journal* journal_;
  CallRecord record_;
};

class RecordingClientFactory final : public ClientMiddlewareFactory {
 public:
  explicit RecordingClientFactory(Journal* journal) : journal_(journal) {}
  Status StartCall(const CallInfo& info, std::unique_ptr<ClientMiddleware>* middleware) override {
    *middleware = std::make_unique<RecordingClientMiddleware>(journal_, info.method);
    return Status::OK();
  }

 private:
  Journal* journal_;
};

bool HasHeader(const CallHeaders& headers, const std::string& key, const std::string& value) {
  auto range = headers.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == value) return true;
  }
  return false;
}

class MiddlewareTest : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    server_.AddStandardData();
    FlightServerOptions options(ListenLocation(GetParam()));
    options.middleware.emplace_back("recorder", std::make_shared<RecordingServerFactory>(&server_journal_));
    ASSERT_OK(server_.Init(options));
    ASSERT_OK_AND_ASSIGN(Location location, server_.location());
    location_ = location;
    FlightClientOptions client_options;
    client_options.middleware.push_back(std::make_shared<RecordingClientFactory>(&client_journal_));
    ASSERT_OK_AND_ASSIGN(client_, FlightClient::Connect(*location_, client_options));
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Shutdown(std::chrono::system_clock::now() + 10s));
  }

  // The server's record of a call completes after the client saw its end; wait for it.
  std::vector<CallRecord> ServerRecords(size_t count) {
    for (int i = 0; i < 1000 && server_journal_.records().size() < count; ++i) std::this_thread::sleep_for(10ms);
    return server_journal_.records();
  }

  Journal server_journal_;
  Journal client_journal_;
  IdentityServer server_;
  std::optional<Location> location_;
  std::unique_ptr<FlightClient> client_;
};

TEST_P(MiddlewareTest, BothSidesSeeEveryRpcItsHeadersAndItsSuccess) {
  for (const Rpc& rpc : EveryRpc()) {
    const std::string name(ToString(rpc.method));
    SCOPED_TRACE(name);
    server_journal_.Clear();
    client_journal_.Clear();
    FlightCallOptions options;
    options.headers.emplace_back("x-caller", "yes");
    ASSERT_OK(rpc.call(*client_, options));

    std::vector<CallRecord> client_records = client_journal_.records();
    ASSERT_EQ(client_records.size(), 1u);
    const CallRecord& seen = client_records[0];
    EXPECT_EQ(seen.method, rpc.method);
    ASSERT_TRUE(seen.completed.has_value());
    EXPECT_OK(*seen.completed);
    EXPECT_TRUE(HasHeader(seen.response_headers, "x-server-mw", name));
    EXPECT_TRUE(HasHeader(seen.response_headers, "x-server-blob-bin", kBinary));

    std::vector<CallRecord> server_records = ServerRecords(1);
    ASSERT_EQ(server_records.size(), 1u);
    const CallRecord& served = server_records[0];
    EXPECT_EQ(served.method, rpc.method);
    ASSERT_TRUE(served.completed.has_value());
    EXPECT_OK(*served.completed);
    EXPECT_TRUE(HasHeader(served.request_headers, "x-caller", "yes"));
    EXPECT_TRUE(HasHeader(served.request_headers, "x-client-mw", name));
    EXPECT_TRUE(HasHeader(served.request_headers, "x-client-blob-bin", kBinary));
  }
}

TEST_P(MiddlewareTest, TrailersReachTheClientMiddleware) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet({}, Ticket{"headers"}));
  ASSERT_OK(reader->ToTable().status());
  reader.reset();
  std::vector<CallRecord> records = client_journal_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].response_trailers.empty());
}

TEST_P(MiddlewareTest, HandlersFindTheirMiddlewareByKey) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> who, WhoAmI(*client_));
  EXPECT_EQ(who.at(1), "recorder");
}

TEST_P(MiddlewareTest, BothSidesSeeTheErrorOfAFailedCall) {
  ASSERT_OK_AND_ASSIGN(auto stream, client_->DoAction({}, Action{"raise", Buffer::FromString("Unavailable")}));
  Status failed = stream->ReadAll().status();
  ExpectFlightCode(failed, FlightStatusCode::Unavailable);
  stream.reset();
  std::vector<CallRecord> client_records = client_journal_.records();
  ASSERT_EQ(client_records.size(), 1u);
  ASSERT_TRUE(client_records[0].completed.has_value());
  ExpectFlightCode(*client_records[0].completed, FlightStatusCode::Unavailable);
  std::vector<CallRecord> server_records = ServerRecords(1);
  ASSERT_EQ(server_records.size(), 1u);
  ExpectFlightCode(*server_records[0].completed, FlightStatusCode::Unavailable);
}

TEST_P(MiddlewareTest, EveryUnimplementedRpcFailsThroughTheMiddleware) {
  // A server that implements nothing: every RPC fails, and both sides see why.
  Journal journal;
  FlightServerBase bare;
  FlightServerOptions options(ListenLocation(GetParam()));
  options.middleware.emplace_back("recorder", std::make_shared<RecordingServerFactory>(&journal));
  ASSERT_OK(bare.Init(options));
  ASSERT_OK_AND_ASSIGN(Location location, bare.location());
  Journal client_journal;
  FlightClientOptions client_options;
  client_options.middleware.push_back(std::make_shared<RecordingClientFactory>(&client_journal));
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location, client_options));
  std::vector<Rpc> rpcs = EveryRpc();
  for (const Rpc& rpc : rpcs) {
    SCOPED_TRACE(std::string(ToString(rpc.method)));
    Status status = rpc.call(*client, {});
    EXPECT_FALSE(status.ok());
  }
  std::vector<CallRecord> client_records = client_journal.records();
  ASSERT_EQ(client_records.size(), rpcs.size());
  for (size_t i = 0; i < rpcs.size(); ++i) {
    EXPECT_EQ(client_records[i].method, rpcs[i].method);
    EXPECT_TRUE(client_records[i].completed->IsNotImplemented()) << client_records[i].completed->ToString();
  }
  for (int i = 0; i < 1000 && journal.records().size() < rpcs.size(); ++i) std::this_thread::sleep_for(10ms);
  std::vector<CallRecord> server_records = journal.records();
  ASSERT_EQ(server_records.size(), rpcs.size());
  std::set<FlightMethod> methods;
  for (const CallRecord& record : server_records) {
    methods.insert(record.method);
    EXPECT_TRUE(record.completed->IsNotImplemented()) << record.completed->ToString();
  }
  EXPECT_EQ(methods.size(), rpcs.size());
  client.reset();
  ASSERT_OK(bare.Shutdown());
}

TEST_P(MiddlewareTest, AServerMiddlewareThatFailsRejectsTheCall) {
  FlightCallOptions options;
  options.headers.emplace_back("x-reject", "1");
  for (const Rpc& rpc : EveryRpc()) {
    SCOPED_TRACE(std::string(ToString(rpc.method)));
    Status status = rpc.call(*client_, options);
    ExpectFlightCode(status, FlightStatusCode::Unauthorized);
    EXPECT_THAT(status.message(), HasSubstr("rejected by middleware"));
    EXPECT_EQ(FlightStatusDetail::UnwrapStatus(status)->extra_info(), "mw-extra");
  }
  EXPECT_TRUE(server_.recorded().methods.empty());
}

class FailingClientFactory final : public ClientMiddlewareFactory {
 public:
  Status StartCall(const CallInfo&, std::unique_ptr<ClientMiddleware>*) override {
    return Status::Invalid("this client refuses to call");
  }
};

TEST_P(MiddlewareTest, AClientMiddlewareThatFailsStopsTheCallBeforeItIsSent) {
  FlightClientOptions client_options;
  client_options.middleware.push_back(std::make_shared<RecordingClientFactory>(&client_journal_));
  client_options.middleware.push_back(std::make_shared<FailingClientFactory>());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(*location_, client_options));
  for (const Rpc& rpc : EveryRpc()) {
    SCOPED_TRACE(std::string(ToString(rpc.method)));
    Status status = rpc.call(*client, {});
    EXPECT_TRUE(status.IsInvalid()) << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr("this client refuses to call"));
  }
  EXPECT_TRUE(server_.recorded().methods.empty());
  // The middleware started before the failing one learned of the failure.
  std::vector<CallRecord> records = client_journal_.records();
  ASSERT_EQ(records.size(), EveryRpc().size());
  for (const CallRecord& record : records) EXPECT_TRUE(record.completed->IsInvalid());
}

INSTANTIATE_TEST_SUITE_P(Transports, MiddlewareTest, ::testing::Values(Transport::kTcp, Transport::kUnix),
                         testing::TransportName);

// --- Cookies ------------------------------------------------------------------------------

// Sets the cookies a request asks for (each x-set-cookie header becomes a
// set-cookie response header) and records the cookie header each call carried.
class CookieServerFactory final : public ServerMiddlewareFactory {
 public:
  class Middleware final : public ServerMiddleware {
   public:
    explicit Middleware(HeaderList to_set) : to_set_(std::move(to_set)) {}
    void SendingHeaders(HeaderList* headers) override {
      headers->insert(headers->end(), to_set_.begin(), to_set_.end());
    }

   private:
    HeaderList to_set_;
  };

  Status StartCall(const CallInfo&, const ServerCallContext& context,
                   std::shared_ptr<ServerMiddleware>* middleware) override {
    const CallHeaders& headers = context.incoming_headers();
    auto cookie = headers.find("cookie");
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_.push_back(cookie != headers.end() ? cookie->second : "");
    }
    HeaderList to_set;
    auto range = headers.equal_range("x-set-cookie");
    for (auto it = range.first; it != range.second; ++it) to_set.emplace_back("set-cookie", it->second);
    *middleware = std::make_shared<Middleware>(std::move(to_set));
    return Status::OK();
  }

  std::string last_seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_.empty() ? "<none>" : seen_.back();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> seen_;
};

TEST(CookieMiddleware, KeepsServerSetCookiesAcrossCallsUntilTheyExpire) {
  IdentityServer server;
  server.AddStandardData();
  auto cookies = std::make_shared<CookieServerFactory>();
  FlightServerOptions options(ListenLocation(Transport::kTcp));
  options.middleware.emplace_back("cookies", cookies);
  ASSERT_OK(server.Init(options));
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  FlightClientOptions client_options;
  client_options.middleware.push_back(MakeCookieMiddlewareFactory());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location, client_options));

  auto call = [&](std::vector<std::string> set) {
    FlightCallOptions call_options;
    for (const std::string& value : set) call_options.headers.emplace_back("x-set-cookie", value);
    EXPECT_OK(client->ListActions(call_options).status());
    return cookies->last_seen();
  };
  EXPECT_EQ(call({"session=abc123; Path=/; HttpOnly", "theme=\"dark\"; Max-Age=3600"}), "");
  EXPECT_EQ(call({}), "session=abc123; theme=dark");
  // Streams carry and take cookies too.
  FlightCallOptions stream_options;
  stream_options.headers.emplace_back("x-set-cookie", "lang=en");
  ASSERT_OK_AND_ASSIGN(auto reader, client->DoGet(stream_options, Ticket{"table:ints"}));
  ASSERT_OK(reader->ToTable().status());
  EXPECT_EQ(cookies->last_seen(), "session=abc123; theme=dark");
  EXPECT_EQ(call({"theme=; Max-Age=0", "session=old; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}),
            "lang=en; session=abc123; theme=dark");
  EXPECT_EQ(call({"not a cookie", "=nameless"}), "lang=en");
  EXPECT_EQ(call({}), "lang=en");
  // Another client has its own jar.
  FlightClientOptions other_options;
  other_options.middleware.push_back(MakeCookieMiddlewareFactory());
  ASSERT_OK_AND_ASSIGN(auto other, FlightClient::Connect(location, other_options));
  ASSERT_OK(other->ListActions().status());
  EXPECT_EQ(cookies->last_seen(), "");
  ASSERT_OK(server.Shutdown());
}

TEST(FlightMethodNames, RoundTrip) {
  for (FlightMethod method : {FlightMethod::kHandshake, FlightMethod::kListFlights, FlightMethod::kGetFlightInfo,
                              FlightMethod::kPollFlightInfo, FlightMethod::kGetSchema, FlightMethod::kDoGet,
                              FlightMethod::kDoPut, FlightMethod::kDoExchange, FlightMethod::kDoAction,
                              FlightMethod::kListActions}) {
    EXPECT_EQ(FlightMethodFromName(ToString(method)), method);
  }
  EXPECT_EQ(FlightMethodFromName("Nope"), FlightMethod::kInvalid);
  EXPECT_EQ(ToString(FlightMethod::kInvalid), "Invalid");
}

}  // namespace
}  // namespace quiver::flight
