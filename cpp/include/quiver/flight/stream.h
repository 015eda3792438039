// Streams shared by the Flight client and server.
//
// Data streams (DoGet, DoPut, DoExchange) carry FlightData messages: one IPC
// message each (schema, dictionary batch or record batch) and, optionally,
// application bytes (`app_metadata`). A message may also carry app_metadata
// alone; readers surface it as a chunk without data:
//
//   while (true) {
//     QUIVER_ASSIGN_OR_RAISE(FlightStreamChunk chunk, reader->Next());
//     if (chunk.end()) break;
//     if (chunk.data) Consume(*chunk.data);
//     if (chunk.app_metadata) Note(chunk.app_metadata->view());
//   }
//
// The sending side of a server's DoGet is a FlightDataStream. RecordBatchStream
// serves a RecordBatchReader (or a Table); GeneratorStream serves whatever a
// callback produces. Both encode with the IPC writer, whose body buffers are
// views of the batches' own memory: nothing is concatenated or copied on the way
// to the network.
//
// Message streams (ListFlights, DoAction) are MessageStream<T>: a Next() that
// yields values until nullopt.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/flight/types.h"
#include "quiver/ipc/options.h"
#include "quiver/ipc/writer.h"
#include "quiver/record_batch.h"
#include "quiver/result.h"
#include "quiver/schema.h"
#include "quiver/table.h"
#include "quiver/visibility.h"

namespace quiver::flight {

/// Call headers (gRPC metadata). Keys are lower-case ASCII (digits, letters,
/// '-', '_', '.'); keys ending in "-bin" carry arbitrary bytes, other values
/// printable ASCII. Senders check this and refuse other headers with Invalid.
using CallHeaders = std::multimap<std::string, std::string>;

// ---------------------------------------------------------------------------
// Message streams.

/// A stream of values arriving one at a time (e.g. FlightInfos from ListFlights).
template <typename T>
class MessageStream {
 public:
  virtual ~MessageStream() = default;
  /// The next value; nullopt at the end of the stream. After an error, the stream is over.
  virtual Result<std::optional<T>> Next() = 0;

  /// Every remaining value.
  Result<std::vector<T>> ReadAll() {
    std::vector<T> values;
    while (true) {
      QUIVER_ASSIGN_OR_RAISE(std::optional<T> value, Next());
      if (!value.has_value()) break;
      values.push_back(std::move(*value));
    }
    return values;
  }
};

/// A MessageStream over values already in memory.
template <typename T>
class VectorMessageStream final : public MessageStream<T> {
 public:
  explicit VectorMessageStream(std::vector<T> values) : values_(std::move(values)) {}
  Result<std::optional<T>> Next() override {
    if (next_ >= values_.size()) return std::optional<T>();
    return std::optional<T>(std::move(values_[next_++]));
  }

 private:
  std::vector<T> values_;
  size_t next_ = 0;
};

/// What ListFlights yields.
using FlightListing = MessageStream<FlightInfo>;
/// What DoAction yields.
using ResultStream = MessageStream<FlightResult>;

// ---------------------------------------------------------------------------
// Data streams.

/// One item of a data stream: a record batch, application metadata, or both.
struct QUIVER_EXPORT FlightStreamChunk {
  /// The batch; null for a metadata-only message (and at the end of the stream).
  RecordBatchPtr data;
  /// The message's app_metadata; null when it carried none.
  std::shared_ptr<Buffer> app_metadata;

  /// True for the empty chunk that marks the end of the stream.
  bool end() const { return data == nullptr && app_metadata == nullptr; }
};

/// How a data stream encodes what it sends.
struct QUIVER_EXPORT FlightWriteOptions {
  /// IPC options: compression, metadata version, dictionary deltas.
  ipc::IpcWriteOptions ipc = ipc::IpcWriteOptions::Defaults();
  /// Opt-in: when > 0, a record batch whose message (metadata + body) would be
  /// larger than this many bytes is sent as several row slices of it, in order,
  /// each within the size where one row allows. For peers that keep gRPC's 4 MiB
  /// receive limit (Go and Rust clients by default). The app_metadata given with
  /// the batch rides on the last slice. 0 (the default) sends batches whole.
  int64_t max_message_bytes = 0;
};

/// One encoded FlightData message, ready to send. The IPC payload's buffers are
/// views: they keep the data they point into alive until the message is sent.
struct QUIVER_EXPORT FlightPayload {
  /// The IPC message; type NONE (and null metadata) for a metadata-only message.
  ipc::IpcPayload ipc_message;
  /// Application bytes sent along; null for none.
  std::shared_ptr<Buffer> app_metadata;

  /// The bytes this message puts on the wire besides protobuf framing:
  /// metadata + body + app_metadata.
  int64_t size() const;
};

/// The data a server sends for a DoGet.
class QUIVER_EXPORT FlightDataStream {
 public:
  virtual ~FlightDataStream();
  /// The schema of the batches that follow.
  virtual SchemaPtr schema() const = 0;
  /// The schema message, sent first.
  virtual Result<FlightPayload> GetSchemaPayload() = 0;
  /// The next message (dictionary batch, record batch or metadata only); nullopt at the end.
  virtual Result<std::optional<FlightPayload>> Next() = 0;
  /// Called once the stream has been sent, or abandoned because the call ended.
  virtual Status Close();
};

/// Serves the batches of a RecordBatchReader (or a Table), each with no app_metadata.
class QUIVER_EXPORT RecordBatchStream final : public FlightDataStream {
 public:
  explicit RecordBatchStream(std::shared_ptr<RecordBatchReader> reader,
                             FlightWriteOptions options = {});
  /// The table's batches, as they are chunked.
  explicit RecordBatchStream(std::shared_ptr<Table> table, FlightWriteOptions options = {});
  ~RecordBatchStream() override;

  SchemaPtr schema() const override;
  Result<FlightPayload> GetSchemaPayload() override;
  Result<std::optional<FlightPayload>> Next() override;
  Status Close() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Serves whatever `generator` returns: batches of `schema`, with or without
/// app_metadata, or metadata alone (a chunk with null data). The generator returns
/// nullopt at the end; an error from it ends the call with that error.
class QUIVER_EXPORT GeneratorStream final : public FlightDataStream {
 public:
  using Generator = std::function<Result<std::optional<FlightStreamChunk>>()>;

  GeneratorStream(SchemaPtr schema, Generator generator, FlightWriteOptions options = {});
  ~GeneratorStream() override;

  SchemaPtr schema() const override;
  Result<FlightPayload> GetSchemaPayload() override;
  Result<std::optional<FlightPayload>> Next() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads a data stream: the client's side of DoGet and DoExchange, the server's
/// side of DoPut and DoExchange.
class QUIVER_EXPORT MetadataRecordBatchReader {
 public:
  virtual ~MetadataRecordBatchReader();

  /// The stream's schema, waiting for the schema message if it has not arrived
  /// yet (metadata-only messages before it are kept for Next()). An error if the
  /// stream ends without one (a DoExchange peer need not send any).
  virtual Result<SchemaPtr> GetSchema() = 0;
  /// The next chunk; chunk.end() at the end of the stream. Dictionary batches are
  /// applied as they come and are not chunks of their own.
  virtual Result<FlightStreamChunk> Next() = 0;

  /// Every remaining batch (app_metadata is dropped).
  Result<RecordBatchVector> ReadAll();
  /// Every remaining batch, as a table of the stream's schema.
  Result<TablePtr> ToTable();
};

/// Writes a data stream: the client's side of DoPut and DoExchange, the server's
/// side of DoExchange.
class QUIVER_EXPORT MetadataRecordBatchWriter {
 public:
  virtual ~MetadataRecordBatchWriter();

  /// Sends the schema message. Required before the first batch; metadata-only
  /// messages may be written without it.
  virtual Status Begin(SchemaPtr schema) = 0;
  /// Sends a batch of the schema given to Begin (and the dictionaries it needs first).
  Status WriteRecordBatch(const RecordBatch& batch) { return WriteWithMetadata(batch, nullptr); }
  /// Sends a batch with app_metadata (null for none) in the same message.
  virtual Status WriteWithMetadata(const RecordBatch& batch,
                                   std::shared_ptr<Buffer> app_metadata) = 0;
  /// Sends app_metadata alone.
  virtual Status WriteMetadata(std::shared_ptr<Buffer> app_metadata) = 0;
  /// Sends every batch of the table (as chunked, or re-chunked to max_chunksize rows).
  Status WriteTable(const Table& table, int64_t max_chunksize = -1);
};

}  // namespace quiver::flight
