// Writing Arrow IPC: streams, files, and the encoded messages Flight sends.
//
//   auto writer = ipc::MakeStreamWriter(sink, schema);      // or MakeFileWriter
//   QUIVER_RETURN_NOT_OK((*writer)->WriteRecordBatch(*batch));
//   QUIVER_RETURN_NOT_OK((*writer)->Close());
//
// Underneath, every message is an IpcPayload: the metadata flatbuffer plus a list
// of body buffers (views into the arrays' own memory, with padding views between
// them) — never one concatenated blob, so a transport can send the views as they
// are. PayloadEncoder produces them for a caller (Flight) that frames them itself.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "quiver/io.h"
#include "quiver/ipc/message.h"
#include "quiver/ipc/options.h"
#include "quiver/record_batch.h"
#include "quiver/schema.h"
#include "quiver/table.h"

namespace quiver::ipc {

/// One encoded message.
struct QUIVER_EXPORT IpcPayload {
  MessageType type = MessageType::NONE;
  /// The flatbuffer Message bytes (unpadded, no prefix).
  std::shared_ptr<Buffer> metadata;
  /// The body as a list of views: each array buffer followed, where needed, by a
  /// view of zero bytes that pads it to a multiple of 8. Sums to body_length.
  std::vector<std::shared_ptr<Buffer>> body_buffers;
  int64_t body_length = 0;
};

/// What an encoder or writer has produced so far.
struct QUIVER_EXPORT WriteStats {
  int64_t num_messages = 0;
  int64_t num_record_batches = 0;
  int64_t num_dictionary_batches = 0;
  int64_t num_dictionary_deltas = 0;
  int64_t num_replaced_dictionaries = 0;
  /// Body bytes before compression, and as encoded.
  int64_t total_raw_body_size = 0;
  int64_t total_serialized_body_size = 0;
};

/// Turns schemas and batches into payloads, remembering which dictionaries the
/// receiver already has so that each is sent once (or as a delta / replacement).
class QUIVER_EXPORT PayloadEncoder {
 public:
  PayloadEncoder(SchemaPtr schema, IpcWriteOptions options = {}, bool file_format = false);
  ~PayloadEncoder();
  PayloadEncoder(PayloadEncoder&&) noexcept;
  PayloadEncoder& operator=(PayloadEncoder&&) noexcept;

  const SchemaPtr& schema() const;
  /// The schema message.
  Result<IpcPayload> EncodeSchema();
  /// The dictionary batches this batch needs that were not sent yet (or changed),
  /// followed by the record batch itself. `custom_metadata` goes on the record batch message.
  Result<std::vector<IpcPayload>> EncodeBatch(const RecordBatch& batch,
                                              const MetadataPtr& custom_metadata = nullptr);
  /// Counts of everything encoded so far (one message per payload).
  WriteStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a payload as an encapsulated message; returns the bytes written
/// (metadata block incl. prefix and padding, and body) for file footers.
struct WrittenBlock {
  int64_t offset;
  int32_t metadata_length;
  int64_t body_length;
};
QUIVER_EXPORT Result<WrittenBlock> WritePayload(const IpcPayload& payload, const IpcWriteOptions& options,
                                                io::OutputStream* sink);

/// The schema as an encapsulated IPC message, as FlightInfo.schema and SchemaResult carry it.
QUIVER_EXPORT Result<std::shared_ptr<Buffer>> SerializeSchema(const Schema& schema,
                                                              const IpcWriteOptions& options = {});
/// A record batch (which must not contain dictionary-encoded columns) as an encapsulated message.
QUIVER_EXPORT Result<std::shared_ptr<Buffer>> SerializeRecordBatch(const RecordBatch& batch,
                                                                   const IpcWriteOptions& options = {});

class QUIVER_EXPORT RecordBatchWriter {
 public:
  virtual ~RecordBatchWriter() = default;
  virtual Status WriteRecordBatch(const RecordBatch& batch) = 0;
  virtual Status WriteRecordBatch(const RecordBatch& batch, const MetadataPtr& custom_metadata) = 0;
  /// Writes every batch of the table (chunked as it is, or re-chunked to max_chunksize rows).
  Status WriteTable(const Table& table, int64_t max_chunksize = -1);
  /// Ends the stream (end-of-stream marker) or file (footer, magic). Does not close the sink.
  virtual Status Close() = 0;
  using Stats = WriteStats;
  /// Messages and bytes written so far.
  virtual Stats stats() const = 0;
};

/// The IPC stream format: schema, dictionaries and batches, end-of-stream marker.
QUIVER_EXPORT Result<std::unique_ptr<RecordBatchWriter>> MakeStreamWriter(
    std::shared_ptr<io::OutputStream> sink, SchemaPtr schema, const IpcWriteOptions& options = {});
/// The IPC file format: "ARROW1" magic, the stream, a footer indexing every block, magic.
QUIVER_EXPORT Result<std::unique_ptr<RecordBatchWriter>> MakeFileWriter(
    std::shared_ptr<io::OutputStream> sink, SchemaPtr schema, const IpcWriteOptions& options = {},
    MetadataPtr footer_metadata = nullptr);

}  // namespace quiver::ipc
