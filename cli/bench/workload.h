// The benchmark workload convention shared by `quiver bench`, its servers and the
// Python peers in bench/ (bench/flight_peer.py speaks the same protocol, for
// quiver.flight and pyarrow.flight alike):
//
//   Workload JSON   {"columns": "int64x4", "records": 1000000, "batch": 65536,
//                    "streams": 1, "compression": "none", "generator": false}
//   GetFlightInfo   CMD descriptor = the workload JSON. The answer has `streams`
//                   endpoints (no locations: same server); endpoint i's ticket is the
//                   workload JSON with "stream": i added.
//   DoGet           ticket as above: `records` rows in batches of `batch` rows (the
//                   last one shorter), the same batch re-sent, IPC body compressed
//                   with `compression` (none, lz4, zstd); "generator": true serves
//                   them through a GeneratorStream (one callback per batch).
//   DoPut           CMD descriptor = workload JSON with "stream"; the server drains
//                   and counts the rows, answering one PutResult with the row count
//                   as decimal text.
//   DoExchange      CMD descriptor as for DoPut; every batch is echoed back.
//   DoAction        "ping" -> one result "ok" (the round-trip probe).
//
// Columns: a comma-separated list of TYPE or TYPExN, TYPE one of int64, float64,
// string (utf8 values of exactly 12 ASCII characters, no nulls). Payload bytes,
// the unit every throughput figure counts, are rows x row width, the row width
// being 8 per int64/float64 column and 16 per string column (4-byte offset + 12
// bytes): Arrow body bytes without validity bitmaps, padding, IPC metadata or
// gRPC framing, as Apache Arrow's flight-benchmark counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quiver/ipc/options.h"
#include "quiver/record_batch.h"
#include "quiver/result.h"
#include "quiver/schema.h"

namespace quiver::cli::bench {

inline constexpr int kStringWidth = 12;

struct Workload {
  std::string columns = "int64x4";
  int64_t records = 0;
  int64_t batch = 65536;
  int streams = 1;
  std::string compression = "none";
  bool generator = false;
  /// The endpoint index (in tickets and DoPut/DoExchange descriptors); -1 if none.
  int stream = -1;

  std::string ToJson() const;
  static Result<Workload> FromJson(const std::string& text);
};

/// The column types named by a column spec ("int64x4", "int64,float64,string").
Result<std::vector<std::string>> ParseColumns(const std::string& spec);
/// The payload bytes of one row of these columns.
int64_t RowWidth(const std::vector<std::string>& types);
/// The schema: columns c0, c1, ... of the named types.
SchemaPtr MakeSchema(const std::vector<std::string>& types);
/// One batch of `rows` deterministic rows.
Result<RecordBatchPtr> MakeBatch(const std::vector<std::string>& types, int64_t rows);
/// The batches of one stream: `records` rows as batches of `batch` rows, all views
/// of one batch (the last a slice of it).
Result<RecordBatchVector> MakeStreamBatches(const Workload& workload);
/// IPC compression from "none", "lz4" or "zstd".
Result<ipc::CompressionType> ParseCompression(const std::string& name);

}  // namespace quiver::cli::bench
