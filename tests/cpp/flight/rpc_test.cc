// Every Flight RPC between Quiver's client and server, through real gRPC on
// loopback: the suites run once over TCP (port 0) and once over a Unix socket.
// The server is the scripted, recording TestServer (test_server.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "flight_test_util.h"
#include "quiver/flight/client.h"
#include "quiver/flight/server.h"
#include "quiver/flight/status.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/testing/matchers.h"
#include "test_server.h"
#include "test_tables.h"

namespace quiver::flight {
namespace {

using quiver::testing::ArrayFromJSONOrDie;
using testing::DictionaryTable;
using testing::EveryTypeTable;
using testing::Int64Schema;
using testing::IntsTable;
using testing::MakeTable;
using testing::ListenLocation;
using testing::MakeInt64Batch;
using testing::ScriptedError;
using testing::TestServer;
using testing::Transport;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;
using namespace std::chrono_literals;

std::shared_ptr<Buffer> Bytes(const std::string& text) { return Buffer::FromString(text); }

std::string Text(const std::shared_ptr<Buffer>& buffer) { return buffer != nullptr ? buffer->ToString() : "<null>"; }

void ExpectTablesEqual(const TablePtr& actual, const TablePtr& expected) {
  ASSERT_NE(actual, nullptr);
  if (actual->Equals(*expected)) return;
  ADD_FAILURE() << "the tables differ";
  ASSERT_TRUE(actual->schema()->Equals(*expected->schema()))
      << "schemas:\n" << actual->schema()->ToString() << "\nexpected:\n" << expected->schema()->ToString();
  for (int i = 0; i < expected->num_columns(); ++i) {
    EXPECT_TRUE(actual->column(i)->Equals(*expected->column(i)))
        << "column " << expected->schema()->field(i)->ToString() << " differs";
  }
}

void ExpectFlightError(const Status& status, FlightStatusCode code, const std::string& extra_info) {
  auto detail = FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr) << status.ToString();
  EXPECT_EQ(detail->code(), code) << status.ToString();
  EXPECT_EQ(detail->extra_info(), extra_info) << status.ToString();
}

class FlightRpcTest : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    server_->AddStandardData();
    ASSERT_OK(server_->Init(FlightServerOptions(ListenLocation(GetParam()))));
    ASSERT_OK_AND_ASSIGN(Location location, server_->location());
    location_ = location;
    ASSERT_OK_AND_ASSIGN(client_, FlightClient::Connect(location));
  }

  void TearDown() override {
    client_.reset();
    // A deadline, so that a test that left a call blocked still ends.
    if (server_ != nullptr) {
      EXPECT_OK(server_->Shutdown(std::chrono::system_clock::now() + 10s));
    }
  }

  std::unique_ptr<TestServer> server_;
  std::optional<Location> location_;
  std::unique_ptr<FlightClient> client_;
};

INSTANTIATE_TEST_SUITE_P(Transports, FlightRpcTest, ::testing::Values(Transport::kTcp, Transport::kUnix),
                         testing::TransportName);

// --- Message RPCs ---------------------------------------------------------------------------

TEST_P(FlightRpcTest, ListFlights) {
  ASSERT_OK_AND_ASSIGN(auto listing, client_->ListFlights({}, Criteria{"all of them"}));
  ASSERT_OK_AND_ASSIGN(std::vector<FlightInfo> infos, listing->ReadAll());
  ASSERT_EQ(infos.size(), 5u);
  // The server lists its tables in name order.
  const char* names[] = {"big", "dict", "empty", "every-type", "ints"};
  for (size_t i = 0; i < infos.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(FlightInfo expected, server_->InfoFor(names[i]));
    EXPECT_EQ(infos[i], expected) << infos[i].ToString();
  }
  EXPECT_EQ(server_->recorded().criteria.expression, "all of them");
}

TEST_P(FlightRpcTest, ListFlightsError) {
  ASSERT_OK_AND_ASSIGN(auto listing, client_->ListFlights({}, Criteria{"raise:Unauthorized"}));
  Result<std::optional<FlightInfo>> next = listing->Next();
  ASSERT_FALSE(next.ok());
  ExpectFlightError(next.status(), FlightStatusCode::Unauthorized, "extra:Unauthorized");
}

TEST_P(FlightRpcTest, GetFlightInfo) {
  ASSERT_OK_AND_ASSIGN(FlightInfo info, client_->GetFlightInfo(FlightDescriptor::Path({"ints"})));
  ASSERT_OK_AND_ASSIGN(FlightInfo expected, server_->InfoFor("ints"));
  EXPECT_EQ(info, expected);
  EXPECT_EQ(info.total_records, 15);
  ASSERT_OK_AND_ASSIGN(SchemaPtr schema, info.GetSchema());
  EXPECT_TRUE(schema->Equals(*Int64Schema()));
}

TEST_P(FlightRpcTest, GetFlightInfoOfUnknownDatasetIsKeyError) {
  EXPECT_THAT(client_->GetFlightInfo(FlightDescriptor::Path({"nope"})),
              StatusIs(StatusCode::KeyError, "unknown dataset 'nope'"));
}

TEST_P(FlightRpcTest, PollFlightInfo) {
  ASSERT_OK_AND_ASSIGN(PollInfo poll, client_->PollFlightInfo(FlightDescriptor::Path({"dict"})));
  ASSERT_TRUE(poll.info.has_value());
  ASSERT_OK_AND_ASSIGN(FlightInfo expected, server_->InfoFor("dict"));
  EXPECT_EQ(*poll.info, expected);
  EXPECT_EQ(poll.descriptor, FlightDescriptor::Command("poll-again"));
  EXPECT_EQ(poll.progress, 0.25);
  EXPECT_EQ(poll.expiration_time, Timestamp(std::chrono::seconds(1700000000)));
}

TEST_P(FlightRpcTest, GetSchema) {
  ASSERT_OK_AND_ASSIGN(SchemaPtr schema, client_->GetSchema(FlightDescriptor::Path({"every-type"})));
  ASSERT_NE(schema, nullptr);
  EXPECT_TRUE(schema->Equals(*EveryTypeTable()->schema(), /*check_metadata=*/true)) << schema->ToString();
}

TEST_P(FlightRpcTest, DoActionStreamsResults) {
  ASSERT_OK_AND_ASSIGN(auto results, client_->DoAction(Action{"count", Bytes("4")}));
  std::vector<std::string> bodies;
  while (true) {
    ASSERT_OK_AND_ASSIGN(std::optional<FlightResult> result, results->Next());
    if (!result.has_value()) break;
    bodies.push_back(Text(result->body));
  }
  EXPECT_THAT(bodies, ElementsAre("0", "1", "2", "3"));

  ASSERT_OK_AND_ASSIGN(auto echo, client_->DoAction(Action{"echo", Bytes("abc")}));
  ASSERT_OK_AND_ASSIGN(std::vector<FlightResult> echoed, echo->ReadAll());
  ASSERT_EQ(echoed.size(), 2u);
  EXPECT_EQ(Text(echoed[0].body), "abc");
  EXPECT_EQ(Text(echoed[1].body), "cba");
}

TEST_P(FlightRpcTest, DoActionOfUnknownTypeIsNotImplemented) {
  ASSERT_OK_AND_ASSIGN(auto results, client_->DoAction(Action{"frobnicate", nullptr}));
  EXPECT_THAT(results->Next(), StatusIs(StatusCode::NotImplemented, "unknown action 'frobnicate'"));
}

TEST_P(FlightRpcTest, ListActions) {
  ASSERT_OK_AND_ASSIGN(std::vector<ActionType> types, client_->ListActions());
  EXPECT_THAT(types, ElementsAre(ActionType{"echo", "the body, then reversed"}, ActionType{"count", "n results"},
                                 ActionType{"raise", "an error"}));
}

TEST_P(FlightRpcTest, WellKnownActions) {
  ASSERT_OK_AND_ASSIGN(FlightInfo info, server_->InfoFor("ints"));
  ASSERT_OK_AND_ASSIGN(CancelFlightInfoResult cancelled, client_->CancelFlightInfo({}, CancelFlightInfoRequest{info}));
  EXPECT_EQ(cancelled.status, CancelStatus::CANCELLED);
  info.app_metadata = "not-cancellable";
  ASSERT_OK_AND_ASSIGN(cancelled, client_->CancelFlightInfo({}, CancelFlightInfoRequest{info}));
  EXPECT_EQ(cancelled.status, CancelStatus::NOT_CANCELLABLE);

  ASSERT_OK_AND_ASSIGN(FlightEndpoint renewed,
                       client_->RenewFlightEndpoint({}, RenewFlightEndpointRequest{info.endpoints[0]}));
  EXPECT_EQ(renewed.ticket, info.endpoints[0].ticket);
  EXPECT_EQ(renewed.expiration_time, Timestamp(std::chrono::seconds(2000000000)));
  // They travel as DoAction calls.
  EXPECT_THAT(server_->recorded().methods, Contains("DoAction"));
}

TEST_P(FlightRpcTest, Handshake) {
  ASSERT_OK_AND_ASSIGN(auto stream, client_->Handshake());
  ASSERT_OK(stream->Write("one"));
  ASSERT_OK(stream->Write(std::string("t\0o", 3)));
  ASSERT_OK(stream->DoneWriting());
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> first, stream->Read());
  EXPECT_EQ(first, "ack:one");
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> second, stream->Read());
  EXPECT_EQ(second, std::string("ack:t\0o", 7));
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> end, stream->Read());
  EXPECT_FALSE(end.has_value());
  ASSERT_OK(stream->Finish());
  EXPECT_THAT(stream->headers(), Contains(Pair("x-handshake", "started")));
}

// --- DoGet ----------------------------------------------------------------------------------

TEST_P(FlightRpcTest, DoGetTable) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"table:ints"}));
  ASSERT_OK_AND_ASSIGN(SchemaPtr schema, reader->GetSchema());
  EXPECT_TRUE(schema->Equals(*Int64Schema()));
  ASSERT_OK_AND_ASSIGN(RecordBatchVector batches, reader->ReadAll());
  ASSERT_OK_AND_ASSIGN(RecordBatchVector sent, IntsTable()->ToBatches());
  EXPECT_EQ(batches.size(), sent.size());
  ExpectTablesEqual(MakeTable(batches), IntsTable());
}

TEST_P(FlightRpcTest, DoGetSchemaOnlyStream) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"table:empty"}));
  ASSERT_OK_AND_ASSIGN(SchemaPtr schema, reader->GetSchema());
  EXPECT_TRUE(schema->Equals(*Int64Schema()));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk chunk, reader->Next());
  EXPECT_TRUE(chunk.end());
  // Reading past the end stays at the end.
  ASSERT_OK_AND_ASSIGN(chunk, reader->Next());
  EXPECT_TRUE(chunk.end());
}

TEST_P(FlightRpcTest, DoGetDictionaryBatches) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"table:dict"}));
  ASSERT_OK_AND_ASSIGN(TablePtr table, reader->ToTable());
  ExpectTablesEqual(table, DictionaryTable());
}

TEST_P(FlightRpcTest, DoGetEveryType) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"table:every-type"}));
  ASSERT_OK_AND_ASSIGN(TablePtr table, reader->ToTable());
  ExpectTablesEqual(table, EveryTypeTable());
}

TEST_P(FlightRpcTest, DoGetMetadataOnlyMessagesAreChunks) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"chunks"}));
  for (const FlightStreamChunk& expected : server_->chunks) {
    ASSERT_OK_AND_ASSIGN(FlightStreamChunk chunk, reader->Next());
    ASSERT_FALSE(chunk.end());
    EXPECT_EQ(Text(chunk.app_metadata), Text(expected.app_metadata));
    if (expected.data == nullptr) {
      EXPECT_EQ(chunk.data, nullptr);
    } else {
      ASSERT_NE(chunk.data, nullptr);
      EXPECT_TRUE(chunk.data->Equals(*expected.data));
    }
  }
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk end, reader->Next());
  EXPECT_TRUE(end.end());
}

TEST_P(FlightRpcTest, DoGetBatchesOverFourMebibytes) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"table:big"}));
  ASSERT_OK_AND_ASSIGN(TablePtr table, reader->ToTable());
  ExpectTablesEqual(table, server_->tables["big"]);
}

TEST_P(FlightRpcTest, DoGetBatchOverSixtyFourMebibytes) {
  server_->tables["huge"] = MakeTable({MakeInt64Batch(9 << 20, 3)});  // 72 MiB in one message
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"table:huge"}));
  ASSERT_OK_AND_ASSIGN(TablePtr table, reader->ToTable());
  ExpectTablesEqual(table, server_->tables["huge"]);
}

TEST_P(FlightRpcTest, DoGetErrorBeforeTheStream) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"raise:Unavailable"}));
  Result<SchemaPtr> schema = reader->GetSchema();
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().message(), "Unavailable happened. Detail: Unavailable");
  ExpectFlightError(schema.status(), FlightStatusCode::Unavailable, "extra:Unavailable");
}

TEST_P(FlightRpcTest, DoGetErrorMidStreamIsNotAQuietEnd) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"fail-after-one:ints"}));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk first, reader->Next());
  ASSERT_NE(first.data, nullptr);
  EXPECT_EQ(first.data->num_rows(), 10);
  Result<FlightStreamChunk> second = reader->Next();
  ASSERT_FALSE(second.ok());
  ExpectFlightError(second.status(), FlightStatusCode::Internal, "mid");
  EXPECT_THAT(second.status().message(), HasSubstr("failed mid-stream"));
}

TEST_P(FlightRpcTest, DoGetUnknownTicketIsKeyError) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"what"}));
  EXPECT_THAT(reader->Next(), StatusIs(StatusCode::KeyError, "unknown ticket 'what'"));
}

// --- DoPut ----------------------------------------------------------------------------------

TEST_P(FlightRpcTest, DoPut) {
  const FlightDescriptor descriptor = FlightDescriptor::Command("store");
  ASSERT_OK_AND_ASSIGN(auto put, client_->DoPut(descriptor, Int64Schema()));
  ASSERT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(4, 0)));
  ASSERT_OK(put.writer->WriteWithMetadata(*MakeInt64Batch(2, 50), Bytes("with-batch")));
  ASSERT_OK(put.writer->WriteMetadata(Bytes("alone")));
  ASSERT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(0, 0)));
  ASSERT_OK(put.writer->DoneWriting());
  std::vector<std::string> acks;
  while (true) {
    ASSERT_OK_AND_ASSIGN(std::optional<std::shared_ptr<Buffer>> ack, put.reader->ReadMetadata());
    if (!ack.has_value()) break;
    acks.push_back(Text(*ack));
  }
  EXPECT_THAT(acks, ElementsAre("ack:with-batch", "ack:alone"));
  ASSERT_OK(put.writer->Close());

  const TestServer::Recorded recorded = server_->recorded();
  EXPECT_EQ(recorded.put_descriptor, descriptor);
  ASSERT_EQ(recorded.put_chunks.size(), 4u);
  EXPECT_TRUE(recorded.put_chunks[0].data->Equals(*MakeInt64Batch(4, 0)));
  EXPECT_EQ(recorded.put_chunks[0].app_metadata, nullptr);
  EXPECT_TRUE(recorded.put_chunks[1].data->Equals(*MakeInt64Batch(2, 50)));
  EXPECT_EQ(Text(recorded.put_chunks[1].app_metadata), "with-batch");
  EXPECT_EQ(recorded.put_chunks[2].data, nullptr);
  EXPECT_EQ(Text(recorded.put_chunks[2].app_metadata), "alone");
  EXPECT_EQ(recorded.put_chunks[3].data->num_rows(), 0);
}

TEST_P(FlightRpcTest, DoPutPutResultsStayReadableAfterClose) {
  // The client never reads while uploading: PutResults are buffered, the upload does not stall.
  ASSERT_OK_AND_ASSIGN(auto put, client_->DoPut(FlightDescriptor::Command("store"), Int64Schema()));
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK(put.writer->WriteWithMetadata(*MakeInt64Batch(100, i), Bytes(std::to_string(i))));
  }
  ASSERT_OK(put.writer->Close());
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK_AND_ASSIGN(std::optional<std::shared_ptr<Buffer>> ack, put.reader->ReadMetadata());
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(Text(*ack), "ack:" + std::to_string(i));
  }
  ASSERT_OK_AND_ASSIGN(std::optional<std::shared_ptr<Buffer>> end, put.reader->ReadMetadata());
  EXPECT_FALSE(end.has_value());
}

TEST_P(FlightRpcTest, DoPutBatchOverSixtyFourMebibytes) {
  RecordBatchPtr batch = MakeInt64Batch(9 << 20, 11);  // 72 MiB
  ASSERT_OK_AND_ASSIGN(auto put, client_->DoPut(FlightDescriptor::Command("store"), Int64Schema()));
  ASSERT_OK(put.writer->WriteRecordBatch(*batch));
  ASSERT_OK(put.writer->Close());
  const TestServer::Recorded recorded = server_->recorded();
  ASSERT_EQ(recorded.put_chunks.size(), 1u);
  EXPECT_TRUE(recorded.put_chunks[0].data->Equals(*batch));
}

TEST_P(FlightRpcTest, DoPutDictionaryBatchesAndEveryType) {
  for (const TablePtr& table : {DictionaryTable(), EveryTypeTable()}) {
    ASSERT_OK_AND_ASSIGN(auto put, client_->DoPut(FlightDescriptor::Path({"upload"}), table->schema()));
    ASSERT_OK(put.writer->WriteTable(*table));
    ASSERT_OK(put.writer->Close());
    RecordBatchVector received;
    for (const FlightStreamChunk& chunk : server_->recorded().put_chunks) received.push_back(chunk.data);
    ExpectTablesEqual(MakeTable(received, table->schema()), table);
  }
}

TEST_P(FlightRpcTest, DoPutServerErrorReachesTheWriter) {
  // As pyarrow's test_write_error_propagation: the writes fail with the server's
  // error, and so does Close, extra_info included.
  ASSERT_OK_AND_ASSIGN(auto put,
                       client_->DoPut(FlightDescriptor::Command("raise-after-first:Cancelled"), Int64Schema()));
  Status write_status;
  for (int i = 0; i < 10000 && write_status.ok(); ++i) {
    write_status = put.writer->WriteRecordBatch(*MakeInt64Batch(1000, i));
  }
  ASSERT_FALSE(write_status.ok()) << "the server stopped the upload, but every write succeeded";
  ExpectFlightError(write_status, FlightStatusCode::Cancelled, "extra:Cancelled");
  const Status closed = put.writer->Close();
  ExpectFlightError(closed, FlightStatusCode::Cancelled, "extra:Cancelled");
  EXPECT_EQ(closed.message(), "Cancelled happened. Detail: Cancelled");
}

TEST_P(FlightRpcTest, DoPutWriteSizeLimit) {
  FlightClientOptions options;
  options.write_size_limit_bytes = 4096;
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(*location_, options));
  ASSERT_OK_AND_ASSIGN(auto put, client->DoPut(FlightDescriptor::Command("store"), Int64Schema()));
  const Status refused = put.writer->WriteRecordBatch(*MakeInt64Batch(1000, 0));
  EXPECT_EQ(refused.code(), StatusCode::Invalid);
  auto detail = FlightWriteSizeStatusDetail::UnwrapStatus(refused);
  ASSERT_NE(detail, nullptr) << refused.ToString();
  EXPECT_EQ(detail->limit(), 4096);
  EXPECT_GT(detail->actual(), 8000);
  EXPECT_THAT(refused.message(), HasSubstr("exceeded soft limit (4096 bytes)"));
  // Nothing was sent; the stream goes on.
  ASSERT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(10, 0)));
  ASSERT_OK(put.writer->Close());
  const TestServer::Recorded recorded = server_->recorded();
  ASSERT_EQ(recorded.put_chunks.size(), 1u);
  EXPECT_EQ(recorded.put_chunks[0].data->num_rows(), 10);
}

TEST_P(FlightRpcTest, DoPutWithoutADescriptorlessStart) {
  // A schema given later with Begin: the descriptor rides on that first message.
  ASSERT_OK_AND_ASSIGN(auto put, client_->DoPut(FlightDescriptor::Path({"later"}), nullptr));
  EXPECT_THAT(put.writer->WriteRecordBatch(*MakeInt64Batch(1, 0)),
              StatusIs(StatusCode::Invalid, HasSubstr("expected Begin(schema)")));
  ASSERT_OK(put.writer->Begin(Int64Schema()));
  EXPECT_THAT(put.writer->Begin(Int64Schema()), StatusIs(StatusCode::Invalid, HasSubstr("already called")));
  ASSERT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(1, 0)));
  ASSERT_OK(put.writer->Close());
  EXPECT_EQ(server_->recorded().put_descriptor, FlightDescriptor::Path({"later"}));
}

TEST_P(FlightRpcTest, WriterRefusesBatchesOfAnotherSchema) {
  ASSERT_OK_AND_ASSIGN(auto put, client_->DoPut(FlightDescriptor::Command("store"), Int64Schema()));
  auto other = RecordBatch::Make(schema({field("y", int32())}), 1, {ArrayFromJSONOrDie(int32(), "[1]")});
  EXPECT_THAT(put.writer->WriteRecordBatch(*other),
              StatusIs(StatusCode::Invalid, HasSubstr("expected a record batch of the stream's schema")));
  ASSERT_OK(put.writer->Close());
}

// --- DoExchange -----------------------------------------------------------------------------

TEST_P(FlightRpcTest, DoExchangeEcho) {
  ASSERT_OK_AND_ASSIGN(auto exchange, client_->DoExchange(FlightDescriptor::Command("echo")));
  // Metadata may flow before any schema.
  ASSERT_OK(exchange.writer->WriteMetadata(Bytes("hello")));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk chunk, exchange.reader->Next());
  EXPECT_EQ(chunk.data, nullptr);
  EXPECT_EQ(Text(chunk.app_metadata), "hello");

  ASSERT_OK(exchange.writer->Begin(DictionaryTable()->schema()));
  ASSERT_OK_AND_ASSIGN(RecordBatchVector batches, DictionaryTable()->ToBatches());
  for (size_t i = 0; i < batches.size(); ++i) {
    ASSERT_OK(exchange.writer->WriteWithMetadata(*batches[i], Bytes("b" + std::to_string(i))));
    ASSERT_OK_AND_ASSIGN(chunk, exchange.reader->Next());
    ASSERT_NE(chunk.data, nullptr);
    EXPECT_TRUE(chunk.data->Equals(*batches[i]));
    EXPECT_EQ(Text(chunk.app_metadata), "b" + std::to_string(i));
  }
  // A batch over 4 MiB, both ways.
  ASSERT_OK_AND_ASSIGN(auto big, client_->DoExchange(FlightDescriptor::Command("echo")));
  ASSERT_OK(big.writer->Begin(Int64Schema()));
  ASSERT_OK(big.writer->WriteRecordBatch(*MakeInt64Batch(1 << 20, 5)));
  ASSERT_OK_AND_ASSIGN(chunk, big.reader->Next());
  ASSERT_NE(chunk.data, nullptr);
  EXPECT_TRUE(chunk.data->Equals(*MakeInt64Batch(1 << 20, 5)));
  ASSERT_OK(big.writer->DoneWriting());
  ASSERT_OK_AND_ASSIGN(chunk, big.reader->Next());
  EXPECT_TRUE(chunk.end());
  ASSERT_OK(big.writer->Close());

  ASSERT_OK(exchange.writer->DoneWriting());
  ASSERT_OK_AND_ASSIGN(chunk, exchange.reader->Next());
  EXPECT_TRUE(chunk.end());
  ASSERT_OK(exchange.writer->Close());
}

TEST_P(FlightRpcTest, DoExchangeServerSendsAlone) {
  ASSERT_OK_AND_ASSIGN(auto exchange, client_->DoExchange(FlightDescriptor::Command("server-only")));
  ASSERT_OK(exchange.writer->DoneWriting());
  ASSERT_OK_AND_ASSIGN(SchemaPtr schema, exchange.reader->GetSchema());
  EXPECT_TRUE(schema->Equals(*Int64Schema()));
  size_t n = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(FlightStreamChunk chunk, exchange.reader->Next());
    if (chunk.end()) break;
    ASSERT_LT(n, server_->chunks.size());
    EXPECT_EQ(Text(chunk.app_metadata), Text(server_->chunks[n].app_metadata));
    EXPECT_EQ(chunk.data == nullptr, server_->chunks[n].data == nullptr);
    ++n;
  }
  EXPECT_EQ(n, server_->chunks.size());
  ASSERT_OK(exchange.writer->Close());
}

TEST_P(FlightRpcTest, DoExchangeCloseDiscardsUnreadData) {
  ASSERT_OK_AND_ASSIGN(auto exchange, client_->DoExchange(FlightDescriptor::Command("server-only")));
  ASSERT_OK(exchange.writer->Close());
}

TEST_P(FlightRpcTest, DoExchangeError) {
  ASSERT_OK_AND_ASSIGN(auto exchange, client_->DoExchange(FlightDescriptor::Command("raise:Unauthenticated")));
  Result<FlightStreamChunk> chunk = exchange.reader->Next();
  ASSERT_FALSE(chunk.ok());
  ExpectFlightError(chunk.status(), FlightStatusCode::Unauthenticated, "extra:Unauthenticated");
  ExpectFlightError(exchange.writer->Close(), FlightStatusCode::Unauthenticated, "extra:Unauthenticated");
}

TEST_P(FlightRpcTest, DoExchangeWithoutSchemaHasNone) {
  ASSERT_OK_AND_ASSIGN(auto exchange, client_->DoExchange(FlightDescriptor::Command("echo")));
  ASSERT_OK(exchange.writer->WriteMetadata(Bytes("only metadata")));
  ASSERT_OK(exchange.writer->DoneWriting());
  EXPECT_THAT(exchange.reader->GetSchema(),
              StatusIs(StatusCode::Invalid, HasSubstr("expected a schema message but the data stream ended")));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk chunk, exchange.reader->Next());
  EXPECT_EQ(Text(chunk.app_metadata), "only metadata");
  ASSERT_OK(exchange.writer->Close());
}

// --- Errors, headers, deadlines, cancellation ------------------------------------------------

TEST_P(FlightRpcTest, ErrorClassesCrossTheWire) {
  const char* flight_kinds[] = {"Internal", "TimedOut", "Cancelled", "Unauthenticated",
                                "Unauthorized", "Unavailable", "Failed"};
  for (const char* kind : flight_kinds) {
    SCOPED_TRACE(kind);
    const Status sent = ScriptedError(kind);
    const FlightStatusCode code = FlightStatusDetail::UnwrapStatus(sent)->code();
    const std::string message = std::string(kind) + " happened. Detail: " + kind;
    // A unary call, a message stream and a data stream.
    Result<FlightInfo> info = client_->GetFlightInfo(FlightDescriptor::Command(std::string("raise:") + kind));
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.status().code(), StatusCode::IOError);
    EXPECT_EQ(info.status().message(), message);
    ExpectFlightError(info.status(), code, std::string("extra:") + kind);

    ASSERT_OK_AND_ASSIGN(auto results, client_->DoAction(Action{"raise", Bytes(kind)}));
    Result<std::optional<FlightResult>> result = results->Next();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().message(), message);
    ExpectFlightError(result.status(), code, std::string("extra:") + kind);

    ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{std::string("raise:") + kind}));
    Result<FlightStreamChunk> chunk = reader->Next();
    ASSERT_FALSE(chunk.ok());
    ExpectFlightError(chunk.status(), code, std::string("extra:") + kind);
  }
  const std::pair<const char*, StatusCode> arrow_kinds[] = {
      {"KeyError", StatusCode::KeyError},     {"Invalid", StatusCode::Invalid},
      {"NotImplemented", StatusCode::NotImplemented}, {"AlreadyExists", StatusCode::AlreadyExists},
      {"TypeError", StatusCode::TypeError},   {"IOError", StatusCode::IOError},
      {"Cancelled-arrow", StatusCode::Cancelled},
  };
  for (const auto& [kind, code] : arrow_kinds) {
    SCOPED_TRACE(kind);
    const Status sent = ScriptedError(kind);
    EXPECT_THAT(client_->GetFlightInfo(FlightDescriptor::Command(std::string("raise:") + kind)),
                StatusIs(code, sent.message()));
  }
}

TEST_P(FlightRpcTest, HeadersBothWays) {
  FlightCallOptions options;
  options.headers = {{"x-client", "abc"}, {"x-binary-bin", std::string("\0\x01\xff", 3)}};
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(options, Ticket{"headers"}));
  ASSERT_OK_AND_ASSIGN(TablePtr table, reader->ToTable());
  ExpectTablesEqual(table, IntsTable());
  const CallHeaders received = server_->recorded().headers;
  EXPECT_THAT(received, Contains(Pair("x-client", "abc")));
  EXPECT_THAT(received, Contains(Pair("x-binary-bin", std::string("\0\x01\xff", 3))));
  const CallHeaders sent = reader->headers();
  EXPECT_THAT(sent, Contains(Pair("x-server", "hello")));
  EXPECT_THAT(sent, Contains(Pair("x-trailer-bin", std::string("\0\xff", 2))));
}

TEST_P(FlightRpcTest, InvalidHeadersAreRefusedBeforeSending) {
  FlightCallOptions options;
  options.headers = {{"X-Upper", "v"}};
  EXPECT_THAT(client_->GetFlightInfo(options, FlightDescriptor::Path({"ints"})),
              StatusIs(StatusCode::Invalid, HasSubstr("expected lower-case ASCII letters")));
  options.headers = {{"x-value", "line\nbreak"}};
  EXPECT_THAT(client_->DoGet(options, Ticket{"table:ints"}),
              StatusIs(StatusCode::Invalid, HasSubstr("expected printable ASCII")));
}

TEST_P(FlightRpcTest, PeerIsReported) {
  ASSERT_OK(client_->GetFlightInfo(FlightDescriptor::Path({"ints"})).status());
  EXPECT_THAT(server_->recorded().peer, StartsWith(GetParam() == Transport::kTcp ? "ipv4:127.0.0.1:" : "unix:"));
}

TEST_P(FlightRpcTest, DeadlineBecomesTimedOut) {
  FlightCallOptions options;
  options.timeout = 200ms;
  Result<FlightInfo> info = client_->GetFlightInfo(options, FlightDescriptor::Command("until-cancelled"));
  ASSERT_FALSE(info.ok());
  ExpectFlightError(info.status(), FlightStatusCode::TimedOut, "");
  EXPECT_THAT(info.status().message(), StartsWith("Flight returned timeout error, with message: "));
  // The server's handler saw the deadline as a cancellation.
  EXPECT_TRUE(server_->WaitForCancellation());
}

TEST_P(FlightRpcTest, DeadlineOnADataStream) {
  FlightCallOptions options;
  // Long enough for the first batch to arrive on a loaded machine under TSan;
  // the deadline must strike mid-stream, not before it starts.
  options.timeout = 2s;
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(options, Ticket{"until-cancelled"}));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk first, reader->Next());
  ASSERT_NE(first.data, nullptr);
  Result<FlightStreamChunk> next = reader->Next();
  ASSERT_FALSE(next.ok());
  ExpectFlightError(next.status(), FlightStatusCode::TimedOut, "");
  EXPECT_TRUE(server_->WaitForCancellation());
}

TEST_P(FlightRpcTest, CancelReachesTheServer) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"until-cancelled"}));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk first, reader->Next());
  ASSERT_NE(first.data, nullptr);
  reader->Cancel();
  Result<FlightStreamChunk> next = reader->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::Cancelled);
  ExpectFlightError(next.status(), FlightStatusCode::Cancelled, "");
  EXPECT_TRUE(server_->WaitForCancellation());
}

TEST_P(FlightRpcTest, WaitForNextReadsAheadAndTellsWhenNextWouldNotWait) {
  // Dictionaries included: a chunk may take more than one message to make.
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"table:dict"}));
  ASSERT_OK_AND_ASSIGN(bool schema_ready, reader->WaitForSchema(60s));
  ASSERT_TRUE(schema_ready);
  ASSERT_OK_AND_ASSIGN(SchemaPtr schema, reader->GetSchema());
  RecordBatchVector batches;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool ready, reader->WaitForNext(60s));
    ASSERT_TRUE(ready);
    ASSERT_OK_AND_ASSIGN(FlightStreamChunk chunk, reader->Next());
    if (chunk.end()) break;
    batches.push_back(chunk.data);
  }
  ExpectTablesEqual(MakeTable(batches), DictionaryTable());
  // At the end, nothing is left to wait for.
  ASSERT_OK_AND_ASSIGN(bool ready, reader->WaitForNext(0ms));
  EXPECT_TRUE(ready);
}

TEST_P(FlightRpcTest, WaitForNextTimesOutOnASilentServerAndCancelEndsTheWait) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"until-cancelled"}));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk first, reader->Next());
  ASSERT_NE(first.data, nullptr);
  // The server sends nothing more until the call is cancelled.
  ASSERT_OK_AND_ASSIGN(bool ready, reader->WaitForNext(10ms));
  EXPECT_FALSE(ready);
  reader->Cancel();
  // The cancellation is what the next read has to report.
  Result<bool> after_cancel = reader->WaitForNext(60s);
  ASSERT_FALSE(after_cancel.ok());
  ExpectFlightError(after_cancel.status(), FlightStatusCode::Cancelled, "");
  EXPECT_TRUE(server_->WaitForCancellation());
}

TEST_P(FlightRpcTest, StopTokenCancelsTheCall) {
  StopSource stop;
  FlightCallOptions options;
  options.stop_token = stop.token();
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(options, Ticket{"until-cancelled"}));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk first, reader->Next());
  std::thread stopper([&] { stop.RequestStop(); });
  stopper.join();
  Result<FlightStreamChunk> next = reader->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::Cancelled);
  EXPECT_TRUE(server_->WaitForCancellation());

  // A token already stopped cancels a unary call before it runs.
  EXPECT_THAT(client_->GetFlightInfo(options, FlightDescriptor::Path({"ints"})),
              StatusIs(StatusCode::Cancelled, HasSubstr("Flight cancelled call")));
}

TEST_P(FlightRpcTest, AbandonedReaderCancelsItsCall) {
  {
    ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"until-cancelled"}));
    ASSERT_OK_AND_ASSIGN(FlightStreamChunk first, reader->Next());
  }
  EXPECT_TRUE(server_->WaitForCancellation());
}

TEST_P(FlightRpcTest, ShutdownWithACallInFlight) {
  ASSERT_OK_AND_ASSIGN(auto reader, client_->DoGet(Ticket{"until-cancelled"}));
  ASSERT_OK_AND_ASSIGN(FlightStreamChunk first, reader->Next());
  ASSERT_NE(first.data, nullptr);
  // The call does not end by itself: past the deadline, shutdown cancels it.
  ASSERT_OK(server_->Shutdown(std::chrono::system_clock::now() + 100ms));
  EXPECT_TRUE(server_->WaitForCancellation());
  Result<FlightStreamChunk> next = reader->Next();
  EXPECT_FALSE(next.ok());
  ASSERT_OK(server_->Wait());
  // New calls find no server.
  Result<FlightInfo> info = client_->GetFlightInfo(FlightDescriptor::Path({"ints"}));
  ASSERT_FALSE(info.ok());
  ExpectFlightError(info.status(), FlightStatusCode::Unavailable, "");
}

TEST_P(FlightRpcTest, ConcurrentCalls) {
  std::vector<std::thread> threads;
  std::vector<Status> statuses(6);
  for (size_t t = 0; t < statuses.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        Result<std::unique_ptr<FlightStreamReader>> reader = client_->DoGet(Ticket{t % 2 ? "table:ints" : "table:dict"});
        if (!reader.ok()) {
          statuses[t] = reader.status();
          return;
        }
        Result<TablePtr> table = (*reader)->ToTable();
        if (!table.ok()) {
          statuses[t] = table.status();
          return;
        }
        if (!(*table)->Equals(*(t % 2 ? IntsTable() : DictionaryTable()))) {
          statuses[t] = Status::Invalid("thread ", t, " read a different table");
          return;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& status : statuses) EXPECT_OK(status);
}

TEST_P(FlightRpcTest, SplittingWriterServesClientsWithAFourMebibyteLimit) {
  // A client that keeps gRPC's 4 MiB receive limit (as Go and Rust do by default).
  FlightClientOptions limited;
  limited.max_receive_message_bytes = 4 << 20;
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(*location_, limited));
  ASSERT_OK_AND_ASSIGN(auto refused, client->DoGet(Ticket{"table:big"}));
  EXPECT_THAT(refused->ToTable(), StatusIs(StatusCode::Invalid, HasSubstr("gRPC returned resource exhausted error")));

  // The same data from a server that splits batches over 1 MiB.
  TestServer splitting;
  splitting.tables["big"] = server_->tables["big"];
  splitting.write_options.max_message_bytes = 1 << 20;
  ASSERT_OK(splitting.Init(FlightServerOptions(ListenLocation(GetParam()))));
  ASSERT_OK_AND_ASSIGN(Location location, splitting.location());
  ASSERT_OK_AND_ASSIGN(auto split_client, FlightClient::Connect(location, limited));
  ASSERT_OK_AND_ASSIGN(auto reader, split_client->DoGet(Ticket{"table:big"}));
  ASSERT_OK_AND_ASSIGN(RecordBatchVector batches, reader->ReadAll());
  EXPECT_GE(batches.size(), 8u);
  for (const RecordBatchPtr& batch : batches) EXPECT_LE(batch->num_rows() * 8, 1 << 20);
  ExpectTablesEqual(MakeTable(batches), server_->tables["big"]);
  ASSERT_OK(splitting.Shutdown());
}

TEST_P(FlightRpcTest, ClientSideSplittingOnUpload) {
  FlightCallOptions options;
  options.write_options.max_message_bytes = 100 * 8;
  ASSERT_OK_AND_ASSIGN(auto put, client_->DoPut(options, FlightDescriptor::Command("store"), Int64Schema()));
  RecordBatchPtr batch = MakeInt64Batch(1000, 0);
  ASSERT_OK(put.writer->WriteWithMetadata(*batch, Bytes("last")));
  ASSERT_OK(put.writer->Close());
  const TestServer::Recorded recorded = server_->recorded();
  ASSERT_GE(recorded.put_chunks.size(), 10u);
  RecordBatchVector pieces;
  for (size_t i = 0; i < recorded.put_chunks.size(); ++i) {
    pieces.push_back(recorded.put_chunks[i].data);
    // The app_metadata rides on the last piece only.
    EXPECT_EQ(recorded.put_chunks[i].app_metadata != nullptr, i + 1 == recorded.put_chunks.size());
  }
  ExpectTablesEqual(MakeTable(pieces), MakeTable({batch}));
}

TEST_P(FlightRpcTest, ClosedClientRefusesCalls) {
  ASSERT_OK(client_->Close());
  ASSERT_OK(client_->Close());
  EXPECT_THAT(client_->GetFlightInfo(FlightDescriptor::Path({"ints"})),
              StatusIs(StatusCode::Invalid, "the FlightClient is closed"));
  EXPECT_THAT(client_->DoGet(Ticket{"table:ints"}), StatusIs(StatusCode::Invalid, "the FlightClient is closed"));
}

// --- A server that implements nothing -------------------------------------------------------

class BareServer : public FlightServerBase {};

TEST(UnimplementedServerTest, EveryRpcAnswersUnimplementedNamingIt) {
  BareServer server;
  ASSERT_OK(server.Init(FlightServerOptions(ListenLocation(Transport::kTcp))));
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location));
  const FlightDescriptor descriptor = FlightDescriptor::Path({"x"});
  auto unimplemented = [](const char* rpc) {
    return StatusIs(StatusCode::NotImplemented, std::string(rpc) + " is not implemented by this Flight server");
  };
  EXPECT_THAT(client->GetFlightInfo(descriptor), unimplemented("GetFlightInfo"));
  EXPECT_THAT(client->PollFlightInfo(descriptor), unimplemented("PollFlightInfo"));
  EXPECT_THAT(client->GetSchema(descriptor), unimplemented("GetSchema"));
  EXPECT_THAT(client->ListActions(), unimplemented("ListActions"));
  ASSERT_OK_AND_ASSIGN(auto listing, client->ListFlights());
  EXPECT_THAT(listing->Next(), unimplemented("ListFlights"));
  ASSERT_OK_AND_ASSIGN(auto reader, client->DoGet(Ticket{"t"}));
  EXPECT_THAT(reader->Next(), unimplemented("DoGet"));
  ASSERT_OK_AND_ASSIGN(auto put, client->DoPut(descriptor, Int64Schema()));
  EXPECT_THAT(put.writer->Close(), unimplemented("DoPut"));
  ASSERT_OK_AND_ASSIGN(auto exchange, client->DoExchange(descriptor));
  EXPECT_THAT(exchange.reader->Next(), unimplemented("DoExchange"));
  ASSERT_OK_AND_ASSIGN(auto results, client->DoAction(Action{"anything", nullptr}));
  EXPECT_THAT(results->Next(), StatusIs(StatusCode::NotImplemented,
                                        "action 'anything' is not implemented by this Flight server"));
  EXPECT_THAT(client->CancelFlightInfo({}, CancelFlightInfoRequest{FlightInfo{{}, descriptor, {}, -1, -1, false, {}}}),
              unimplemented("CancelFlightInfo"));
  ASSERT_OK_AND_ASSIGN(auto handshake, client->Handshake());
  EXPECT_THAT(handshake->Finish(), StatusIs(StatusCode::NotImplemented,
                                            "This service does not have an authentication mechanism enabled."));
  ASSERT_OK(server.Shutdown());
}

// --- Connecting and serving -----------------------------------------------------------------

TEST(ConnectTest, UnsupportedSchemeIsKeyError) {
  ASSERT_OK_AND_ASSIGN(Location location, Location::Parse("https://example.com/data"));
  EXPECT_THAT(FlightClient::Connect(location),
              StatusIs(StatusCode::KeyError, "No client transport implementation for https"));
}

TEST(ConnectTest, UnreachableServerIsUnavailableOnTheFirstCall) {
  ASSERT_OK_AND_ASSIGN(Location location,
                       Location::ForGrpcUnix("/tmp/quiver-flight-no-such-socket-" + std::to_string(::getpid())));
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location));
  Result<FlightInfo> info = client->GetFlightInfo(FlightDescriptor::Path({"x"}));
  ASSERT_FALSE(info.ok());
  ExpectFlightError(info.status(), FlightStatusCode::Unavailable, "");
}

TEST(ServerLifecycleTest, InitServeShutdown) {
  TestServer server;
  EXPECT_THAT(server.Serve(), StatusIs(StatusCode::Invalid, HasSubstr("Init")));
  EXPECT_THAT(server.location(), StatusIs(StatusCode::Invalid, HasSubstr("before Init")));
  EXPECT_EQ(server.port(), -1);
  ASSERT_OK(server.Init(FlightServerOptions(ListenLocation(Transport::kTcp))));
  EXPECT_GT(server.port(), 0);
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  EXPECT_EQ(location.port(), server.port());
  EXPECT_EQ(location.scheme(), "grpc+tcp");
  EXPECT_THAT(server.Init(FlightServerOptions(location)), StatusIs(StatusCode::Invalid, HasSubstr("already")));

  Status served;
  std::thread serving([&] { served = server.Serve(); });
  ASSERT_OK(server.Shutdown());
  serving.join();
  EXPECT_OK(served);
  EXPECT_OK(server.Shutdown());
}

TEST(ServerLifecycleTest, UnixSocketLocationIsKept) {
  TestServer server;
  const Location requested = ListenLocation(Transport::kUnix);
  ASSERT_OK(server.Init(FlightServerOptions(requested)));
  EXPECT_EQ(server.port(), -1);
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  EXPECT_EQ(location, requested);
  ASSERT_OK(server.Shutdown());
}

// Counts how each upload ended, as a store deciding whether to commit would see it.
class UploadEndServer : public FlightServerBase {
 public:
  Status DoPut(ServerCallContext&, std::unique_ptr<FlightMessageReader> reader,
               std::unique_ptr<FlightMetadataWriter>) override {
    Status status;
    while (true) {
      Result<FlightStreamChunk> chunk = reader->Next();
      if (!chunk.ok()) {
        status = chunk.status();
        break;
      }
      if (chunk->data == nullptr && chunk->app_metadata == nullptr) break;
      std::lock_guard<std::mutex> lock(mutex);
      ++batches_seen;
      batch_seen.notify_all();
    }
    std::lock_guard<std::mutex> lock(mutex);
    (status.ok() ? clean_ends : failed_ends) += 1;
    return status;
  }

  // Waits until the handlers have seen `count` batches in all: an upload is then
  // known to be in a handler's hands before the client abandons it.
  bool WaitForBatches(int count) {
    std::unique_lock<std::mutex> lock(mutex);
    return batch_seen.wait_for(lock, std::chrono::seconds(30), [&] { return batches_seen >= count; });
  }

  std::mutex mutex;
  std::condition_variable batch_seen;
  int batches_seen = 0;
  int clean_ends = 0;
  int failed_ends = 0;
};

TEST(UploadEndTest, AnAbandonedOrCancelledUploadNeverLooksComplete) {
  UploadEndServer server;
  ASSERT_OK(server.Init(FlightServerOptions(ListenLocation(Transport::kTcp))));
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location));
  // Each upload is abandoned only once its handler has read its first batch, so
  // every one of them reaches a handler that must see it fail. (Cancelled before
  // the server saw it, an upload would never reach a handler at all.)
  int batches = 0;
  constexpr int kUploads = 30;
  for (int i = 0; i < kUploads; ++i) {
    ASSERT_OK_AND_ASSIGN(auto put, client->DoPut(FlightDescriptor::Path({"t"}), Int64Schema()));
    ASSERT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(1000)));
    ASSERT_TRUE(server.WaitForBatches(++batches));
    // Dropped without Close(): the call is cancelled mid-upload.
    put.writer.reset();
    put.reader.reset();
  }
  // Cancelled by the writer: later writes, and Close, fail with Cancelled.
  constexpr int kCancelled = 10;
  for (int i = 0; i < kCancelled; ++i) {
    ASSERT_OK_AND_ASSIGN(auto put, client->DoPut(FlightDescriptor::Path({"t"}), Int64Schema()));
    ASSERT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(1000)));
    ASSERT_TRUE(server.WaitForBatches(++batches));
    put.writer->Cancel();
    EXPECT_THAT(put.writer->WriteRecordBatch(*MakeInt64Batch(1000)),
                StatusIs(StatusCode::Cancelled, HasSubstr("cancelled by the client")));
    EXPECT_THAT(put.writer->Close(), StatusIs(StatusCode::Cancelled, ::testing::_));
  }
  // And finished uploads still end cleanly.
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(auto put, client->DoPut(FlightDescriptor::Path({"t"}), Int64Schema()));
    ASSERT_OK(put.writer->WriteRecordBatch(*MakeInt64Batch(1000)));
    ASSERT_OK(put.writer->Close());
  }
  client.reset();
  // Shutdown returns once every handler has returned.
  ASSERT_OK(server.Shutdown());
  std::lock_guard<std::mutex> lock(server.mutex);
  EXPECT_EQ(server.clean_ends, 3) << server.failed_ends << " uploads failed";
  EXPECT_EQ(server.failed_ends, kUploads + kCancelled);
}

// Holds every GetFlightInfo handler on its thread until released.
class HoldingServer : public FlightServerBase {
 public:
  Result<FlightInfo> GetFlightInfo(ServerCallContext&, const FlightDescriptor&) override {
    std::unique_lock<std::mutex> lock(mutex_);
    ++held_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
    return Status::NotImplemented("held, then released");
  }
  Result<std::vector<ActionType>> ListActions(ServerCallContext&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++listed_;
    return std::vector<ActionType>{};
  }
  bool WaitHeld(int count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return held_ >= count; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  int listed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return listed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int held_ = 0;
  int listed_ = 0;
  bool released_ = false;
};

TEST(HandlerThreadLimitTest, ACallBeyondTheLimitIsRefusedAsUnavailableAndRunsNoHandler) {
  HoldingServer server;
  FlightServerOptions options(ListenLocation(Transport::kTcp));
  options.max_handler_threads = 2;
  ASSERT_OK(server.Init(options));
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location));
  std::vector<Status> held(2);
  std::vector<std::thread> holders;
  for (int i = 0; i < 2; ++i) {
    holders.emplace_back([&, i] { held[i] = client->GetFlightInfo(FlightDescriptor::Path({"x"})).status(); });
  }
  ASSERT_TRUE(server.WaitHeld(2));
  // Both handler threads are busy: further calls, unary and streaming, are
  // refused at once as retryable, saying why, and no handler runs for them.
  const std::string why = "the server is handling its maximum of 2 calls at once";
  Status refused = client->ListActions().status();
  EXPECT_THAT(refused, StatusIs(StatusCode::IOError, HasSubstr(why)));
  ExpectFlightError(refused, FlightStatusCode::Unavailable, "");
  ASSERT_OK_AND_ASSIGN(auto reader, client->DoGet(Ticket{"t"}));
  Status refused_stream = reader->Next().status();
  EXPECT_THAT(refused_stream, StatusIs(StatusCode::IOError, HasSubstr(why)));
  ExpectFlightError(refused_stream, FlightStatusCode::Unavailable, "");
  EXPECT_EQ(server.listed(), 0);
  server.Release();
  for (std::thread& holder : holders) holder.join();
  for (const Status& status : held) EXPECT_THAT(status, StatusIs(StatusCode::NotImplemented, HasSubstr("released")));
  // The threads are free again: calls are admitted.
  EXPECT_OK(client->ListActions().status());
  EXPECT_EQ(server.listed(), 1);
  ASSERT_OK(server.Shutdown());
}

TEST(HandlerThreadLimitTest, ANegativeLimitIsRefused) {
  HoldingServer server;
  FlightServerOptions options(ListenLocation(Transport::kTcp));
  options.max_handler_threads = -1;
  EXPECT_THAT(server.Init(options), StatusIs(StatusCode::Invalid, HasSubstr("max_handler_threads must be 0")));
}

TEST(ServerLifecycleTest, UnservableLocationsAreRefused) {
  TestServer server;
  ASSERT_OK_AND_ASSIGN(Location https, Location::Parse("https://localhost:1234"));
  EXPECT_THAT(server.Init(FlightServerOptions(https)), StatusIs(StatusCode::NotImplemented, HasSubstr("https")));
  ASSERT_OK_AND_ASSIGN(Location tls, Location::ForGrpcTls("127.0.0.1", 0));
  EXPECT_THAT(server.Init(FlightServerOptions(tls)), StatusIs(StatusCode::Invalid, HasSubstr("tls_certificates")));
}

}  // namespace
}  // namespace quiver::flight
