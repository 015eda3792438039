// The data path copies no batch body when sending and at most once when
// receiving, counted with memory pools across a real DoGet of 1 GiB.
//
// Send side: the table lives in its own pool; the DoGet allocates nothing from
// it, and the IPC encoder's own allocations (metadata) stay tiny. (That the
// bytes gRPC writes are the buffers themselves, not copies, is checked at the
// slice level in serialization_test.cc.)
// Receive side: everything the client allocates for received data comes from
// read_options.pool; its total over the whole stream is at most the body size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flight_test_util.h"
#include "quiver/flight/client.h"
#include "quiver/flight/server.h"
#include "quiver/testing/matchers.h"

namespace quiver::flight {
namespace {

using testing::CountingPool;
using testing::ListenLocation;
using testing::MakeInt64Batch;
using testing::Transport;

class TableServer : public FlightServerBase {
 public:
  explicit TableServer(TablePtr table, MemoryPool* ipc_pool) : table_(std::move(table)) {
    options_.ipc.pool = ipc_pool;
  }
  Result<std::unique_ptr<FlightDataStream>> DoGet(ServerCallContext&, const Ticket&) override {
    return std::unique_ptr<FlightDataStream>(std::make_unique<RecordBatchStream>(table_, options_));
  }

 private:
  TablePtr table_;
  FlightWriteOptions options_;
};

class ZeroCopyTest : public ::testing::TestWithParam<Transport> {};

INSTANTIATE_TEST_SUITE_P(Transports, ZeroCopyTest, ::testing::Values(Transport::kTcp, Transport::kUnix),
                         testing::TransportName);

TEST_P(ZeroCopyTest, DoGetOfOneGibibyte) {
  constexpr int64_t kRowsPerBatch = int64_t{8} << 20;  // 64 MiB of int64 per batch
  constexpr int kBatches = 16;                          // 1 GiB in all
  constexpr int64_t kBodyBytes = kRowsPerBatch * 8 * kBatches;

  CountingPool data_pool;
  RecordBatchVector batches;
  for (int i = 0; i < kBatches; ++i) batches.push_back(MakeInt64Batch(kRowsPerBatch, i * kRowsPerBatch, &data_pool));
  ASSERT_OK_AND_ASSIGN(TablePtr table, Table::FromRecordBatches(batches));
  batches.clear();

  CountingPool ipc_pool;
  TableServer server(table, &ipc_pool);
  ASSERT_OK(server.Init(FlightServerOptions(ListenLocation(GetParam()))));
  ASSERT_OK_AND_ASSIGN(Location location, server.location());
  ASSERT_OK_AND_ASSIGN(auto client, FlightClient::Connect(location));

  const int64_t data_allocations_before = data_pool.num_allocations();
  const int64_t data_bytes_before = data_pool.total_allocated();
  CountingPool receive_pool;
  FlightCallOptions options;
  options.read_options.pool = &receive_pool;
  ASSERT_OK_AND_ASSIGN(auto reader, client->DoGet(options, Ticket{"all"}));
  int64_t rows = 0;
  int received_batches = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(FlightStreamChunk chunk, reader->Next());
    if (chunk.end()) break;
    ASSERT_NE(chunk.data, nullptr);
    const auto& column = static_cast<const Int64Array&>(*chunk.data->column(0));
    ASSERT_EQ(column.length(), kRowsPerBatch);
    // Every value is its row number.
    for (int64_t i = 0; i < column.length(); i += 4099) ASSERT_EQ(column.Value(i), rows + i);
    ASSERT_EQ(column.Value(column.length() - 1), rows + column.length() - 1);
    rows += column.length();
    ++received_batches;
  }
  EXPECT_EQ(received_batches, kBatches);
  EXPECT_EQ(rows, kRowsPerBatch * kBatches);

  // Sending: nothing new in the data's pool, and the encoder's allocations are metadata-sized.
  EXPECT_EQ(data_pool.num_allocations(), data_allocations_before);
  EXPECT_EQ(data_pool.total_allocated(), data_bytes_before);
  EXPECT_LT(ipc_pool.total_allocated(), 1 << 20);
  // Receiving: at most one copy of the body (zero where gRPC delivered it in one slice).
  const int64_t copied = receive_pool.total_allocated();
  EXPECT_LE(copied, kBodyBytes + (1 << 20));
  RecordProperty("received_body_bytes", std::to_string(kBodyBytes));
  RecordProperty("received_bytes_copied", std::to_string(copied));
  std::cout << "DoGet of " << kBodyBytes << " body bytes: the receiver copied " << copied << " bytes\n";
  ASSERT_OK(server.Shutdown());
}

}  // namespace
}  // namespace quiver::flight
