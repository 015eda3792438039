// IPC encode/decode micro-benchmarks (Google Benchmark): what one Flight message
// costs Quiver before and after the network, without the network.
//
//   Encode         PayloadEncoder::EncodeBatch: metadata flatbuffer + body views
//                  (zero-copy: what a Flight DoGet/DoPut sender does per batch)
//   EncodeLz4/Zstd the same with IPC body compression
//   Serialize      SerializeRecordBatch: one contiguous encapsulated message (copies)
//   Decode         Message::Open + MessageDecoder::Consume of a received message
//                  (what a Flight receiver does per batch once the bytes are in),
//                  with the default full validation (UTF-8, offsets) and without
//
// Each takes the rows per batch as its argument; columns are 4 x int64 ("i64x4")
// or int64, float64, int64, utf8 of 12 characters ("mixed"). Bytes/s counts
// payload bytes (rows x row width) as `quiver bench` does.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "quiver/builder.h"
#include "quiver/ipc/message.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"
#include "quiver/record_batch.h"
#include "quiver/type.h"

namespace {

using namespace quiver;

RecordBatchPtr MakeBatch(bool mixed, int64_t rows) {
  ArrayVector columns;
  FieldVector fields;
  for (int c = 0; c < 4; ++c) {
    ArrayPtr array;
    if (mixed && c == 3) {
      StringBuilder b;
      char text[32];
      for (int64_t i = 0; i < rows; ++i) {
        std::snprintf(text, sizeof(text), "%012llx",
                      static_cast<unsigned long long>((static_cast<uint64_t>(i) * 2654435761ULL) & 0xFFFFFFFFFFFFULL));
        (void)b.Append(std::string_view(text, 12));
      }
      array = *b.Finish();
    } else if (mixed && c == 1) {
      DoubleBuilder b;
      (void)b.Reserve(rows);
      for (int64_t i = 0; i < rows; ++i) b.UnsafeAppend(static_cast<double>(i) * 0.5);
      array = *b.Finish();
    } else {
      Int64Builder b;
      (void)b.Reserve(rows);
      for (int64_t i = 0; i < rows; ++i) b.UnsafeAppend(i * 2654435761LL + c);
      array = *b.Finish();
    }
    fields.push_back(field("c" + std::to_string(c), array->type(), false));
    columns.push_back(std::move(array));
  }
  return RecordBatch::Make(schema(std::move(fields)), rows, std::move(columns));
}

int64_t PayloadBytes(bool mixed, int64_t rows) { return rows * (mixed ? 40 : 32); }

void Encode(benchmark::State& state, bool mixed, ipc::CompressionType codec) {
  const int64_t rows = state.range(0);
  RecordBatchPtr batch = MakeBatch(mixed, rows);
  ipc::IpcWriteOptions options = ipc::IpcWriteOptions::Defaults();
  options.compression = codec;
  ipc::PayloadEncoder encoder(batch->schema(), options);
  if (!encoder.EncodeSchema().ok()) state.SkipWithError("schema encoding failed");
  for (auto _ : state) {
    auto payloads = encoder.EncodeBatch(*batch);
    if (!payloads.ok()) {
      state.SkipWithError(payloads.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(payloads->back().body_length);
  }
  state.SetBytesProcessed(state.iterations() * PayloadBytes(mixed, rows));
  state.SetItemsProcessed(state.iterations());
}

void Serialize(benchmark::State& state, bool mixed) {
  const int64_t rows = state.range(0);
  RecordBatchPtr batch = MakeBatch(mixed, rows);
  for (auto _ : state) {
    auto buffer = ipc::SerializeRecordBatch(*batch);
    if (!buffer.ok()) {
      state.SkipWithError(buffer.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize((*buffer)->data());
  }
  state.SetBytesProcessed(state.iterations() * PayloadBytes(mixed, rows));
  state.SetItemsProcessed(state.iterations());
}

// One received message: its metadata and its body as one contiguous buffer.
std::shared_ptr<Buffer> Concatenate(const std::vector<std::shared_ptr<Buffer>>& parts, int64_t length) {
  std::string bytes;
  bytes.reserve(static_cast<size_t>(length));
  for (const auto& p : parts) bytes.append(p->view());
  return Buffer::FromString(std::move(bytes));
}

void Decode(benchmark::State& state, bool mixed, bool validate) {
  const int64_t rows = state.range(0);
  RecordBatchPtr batch = MakeBatch(mixed, rows);
  ipc::PayloadEncoder encoder(batch->schema());
  auto schema_payload = encoder.EncodeSchema();
  auto payloads = encoder.EncodeBatch(*batch);
  if (!schema_payload.ok() || !payloads.ok()) {
    state.SkipWithError("encoding failed");
    return;
  }
  const ipc::IpcPayload& p = payloads->back();
  auto metadata = Buffer::FromString(p.metadata->ToString());
  auto body = Concatenate(p.body_buffers, p.body_length);
  ipc::IpcReadOptions read_options = ipc::IpcReadOptions::Defaults();
  read_options.validate = validate;
  ipc::MessageDecoder decoder(read_options);
  auto schema_message = ipc::Message::Open(schema_payload->metadata, nullptr);
  if (!schema_message.ok() || !decoder.Consume(**schema_message).ok()) {
    state.SkipWithError("schema decoding failed");
    return;
  }
  for (auto _ : state) {
    auto message = ipc::Message::Open(metadata, body);
    if (!message.ok()) {
      state.SkipWithError(message.status().ToString().c_str());
      break;
    }
    auto decoded = decoder.Consume(**message);
    if (!decoded.ok() || decoded->batch == nullptr || decoded->batch->num_rows() != rows) {
      state.SkipWithError("decoding failed");
      break;
    }
    benchmark::DoNotOptimize(decoded->batch.get());
  }
  state.SetBytesProcessed(state.iterations() * PayloadBytes(mixed, rows));
  state.SetItemsProcessed(state.iterations());
}

void Rows(benchmark::internal::Benchmark* b) { b->Arg(1024)->Arg(65536); }

BENCHMARK_CAPTURE(Encode, i64x4, false, ipc::CompressionType::NONE)->Apply(Rows);
BENCHMARK_CAPTURE(Encode, mixed, true, ipc::CompressionType::NONE)->Apply(Rows);
BENCHMARK_CAPTURE(Encode, i64x4_lz4, false, ipc::CompressionType::LZ4_FRAME)->Apply(Rows);
BENCHMARK_CAPTURE(Encode, i64x4_zstd, false, ipc::CompressionType::ZSTD)->Apply(Rows);
BENCHMARK_CAPTURE(Serialize, i64x4, false)->Apply(Rows);
BENCHMARK_CAPTURE(Decode, i64x4, false, true)->Apply(Rows);
BENCHMARK_CAPTURE(Decode, mixed, true, true)->Apply(Rows);
BENCHMARK_CAPTURE(Decode, mixed_novalidate, true, false)->Apply(Rows);

}  // namespace

BENCHMARK_MAIN();
