#include "fuzz_seeds.h"

#include <cstdint>
#include <optional>
#include <random>

#include <grpcpp/support/byte_buffer.h>

#include "quiver/flight/grpc/serialization_internal.h"
#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "quiver/io.h"
#include "quiver/ipc/compression.h"
#include "quiver/ipc/writer.h"
#include "test_tables.h"

namespace quiver::fuzz {
namespace {

using Bytes = std::string;

Bytes Dump(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  Bytes bytes;
  for (const grpc::Slice& slice : slices) bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return bytes;
}

void AppendFramed(Bytes* out, const Bytes& message) {
  const uint32_t length = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
  out->append(message);
}

// A whole upload of `table` as FuzzFlightDataStream reads it: the slicing byte,
// then schema (with the descriptor), dictionaries and batches, each framed.
Bytes UploadOf(const TablePtr& table, uint8_t slicing) {
  flight::RecordBatchStream stream(table);
  Bytes out(1, static_cast<char>(slicing));
  const flight::FlightDescriptor descriptor = flight::FlightDescriptor::Path({"fuzz", "seed"});
  flight::FlightPayload schema = stream.GetSchemaPayload().ValueOrDie();
  AppendFramed(&out, Dump(flight::internal::SerializeFlightData(schema, &descriptor).ValueOrDie()));
  while (true) {
    std::optional<flight::FlightPayload> payload = stream.Next().ValueOrDie();
    if (!payload.has_value()) break;
    AppendFramed(&out, Dump(flight::internal::SerializeFlightData(*payload, nullptr).ValueOrDie()));
  }
  return out;
}

Bytes IpcBytes(const TablePtr& table, bool file, ipc::CompressionType compression) {
  auto sink = io::BufferOutputStream::Create().ValueOrDie();
  ipc::IpcWriteOptions options;
  options.compression = compression;
  auto writer = (file ? ipc::MakeFileWriter(sink, table->schema(), options)
                      : ipc::MakeStreamWriter(sink, table->schema(), options))
                    .ValueOrDie();
  (void)writer->WriteTable(*table);
  (void)writer->Close();
  return sink->Finish().ValueOrDie()->ToString();
}

}  // namespace

Seeds MakeSeeds() {
  Seeds seeds;
  const TablePtr tables[] = {flight::testing::EveryTypeTable(), flight::testing::DictionaryTable(),
                             flight::testing::IntsTable()};
  for (const TablePtr& table : tables) {
    for (ipc::CompressionType compression :
         {ipc::CompressionType::NONE, ipc::CompressionType::LZ4_FRAME, ipc::CompressionType::ZSTD}) {
      seeds.ipc_stream.push_back(IpcBytes(table, /*file=*/false, compression));
      seeds.ipc_file.push_back(IpcBytes(table, /*file=*/true, compression));
    }
  }

  for (uint8_t slicing : {0, 1, 2, 5}) {
    seeds.flight_data_stream.push_back(UploadOf(flight::testing::EveryTypeTable(), slicing));
    seeds.flight_data_stream.push_back(UploadOf(flight::testing::DictionaryTable(), slicing));
  }

  const TablePtr table = flight::testing::EveryTypeTable();
  flight::FlightEndpoint endpoint{flight::Ticket{"ticket"}, {flight::Location::ForGrpcTcp("localhost", 1).ValueOrDie()},
                                  std::nullopt, "meta"};
  flight::FlightInfo info = flight::FlightInfo::Make(*table->schema(), flight::FlightDescriptor::Path({"a", "b"}),
                                                     {endpoint}, 10, 100, true, "app")
                                .ValueOrDie();
  seeds.flight_message = {
      Bytes(1, 0) + flight::FlightDescriptor::Command("select 1").SerializeToString().ValueOrDie(),
      Bytes(1, 1) + flight::Ticket{"ticket"}.SerializeToString().ValueOrDie(),
      Bytes(1, 2) + flight::Action{"drop", Buffer::FromString("body")}.SerializeToString().ValueOrDie(),
      Bytes(1, 3) + flight::Criteria{"prefix"}.SerializeToString().ValueOrDie(),
      Bytes(1, 4) + info.SerializeToString().ValueOrDie(),
      Bytes(1, 6) + endpoint.SerializeToString().ValueOrDie(),
      Bytes(1, 8) + flight::BasicAuth{"user", "password"}.SerializeToString().ValueOrDie(),
  };

  // Half compressible, half noise, so both codecs do real work.
  std::mt19937 random(7);
  Bytes raw(100000, '\0');
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<char>(i % 97 < 50 ? 'a' : random() % 256);
  for (ipc::CompressionType type : {ipc::CompressionType::LZ4_FRAME, ipc::CompressionType::ZSTD}) {
    auto codec = ipc::Codec::Create(type).ValueOrDie();
    bool left_uncompressed = false;
    auto framed =
        ipc::CompressBodyBuffer(*codec, *Buffer::FromString(raw), default_memory_pool(), &left_uncompressed)
            .ValueOrDie();
    seeds.compressed_body.push_back(Bytes(1, type == ipc::CompressionType::ZSTD ? 1 : 0) + framed->ToString());
  }
  return seeds;
}

}  // namespace quiver::fuzz
