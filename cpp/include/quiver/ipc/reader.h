// Reading Arrow IPC: streams, files, and messages arriving one at a time (Flight).
//
//   QUIVER_ASSIGN_OR_RAISE(auto reader, ipc::RecordBatchStreamReader::Open(input));
//   std::shared_ptr<RecordBatch> batch;
//   while (true) {
//     QUIVER_RETURN_NOT_OK(reader->ReadNext(&batch));
//     if (!batch) break;  // end of stream
//     ...
//   }
//
// Everything read is untrusted: the flatbuffer is verified, every length, offset,
// buffer and child count and dictionary id is checked against what is present
// before memory is touched, and each batch is ValidateFull'ed unless
// IpcReadOptions::validate is off. Bodies read from memory are sliced, not
// copied, when their buffers are 8-byte aligned.
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

/// Decodes a sequence of messages (schema first, then dictionary and record
/// batches) into record batches. This is the engine under the stream reader and
/// what Flight feeds FlightData into.
class QUIVER_EXPORT MessageDecoder {
 public:
  explicit MessageDecoder(IpcReadOptions options = {});
  ~MessageDecoder();
  MessageDecoder(MessageDecoder&&) noexcept;
  MessageDecoder& operator=(MessageDecoder&&) noexcept;

  /// What one message turned into.
  struct Decoded {
    MessageType type = MessageType::NONE;
    /// Set for RECORD_BATCH.
    std::shared_ptr<RecordBatch> batch;
    /// The message's custom metadata, if any.
    MetadataPtr custom_metadata;
  };
  /// Feeds one message. The first must be a schema (unless the schema was given
  /// with SetSchema); dictionary batches update the dictionaries later batches use.
  Result<Decoded> Consume(const Message& message);
  /// Uses a schema that arrived out of band (the file format's footer).
  Status SetSchema(SchemaPtr schema);
  /// Null until the schema message has been consumed.
  const SchemaPtr& schema() const;

  struct Stats {
    int64_t num_messages = 0;
    int64_t num_record_batches = 0;
    int64_t num_dictionary_batches = 0;
    int64_t num_dictionary_deltas = 0;
    int64_t num_replaced_dictionaries = 0;
  };
  Stats stats() const;

 private:
  friend class RecordBatchFileReader;  // hands over the footer's parsed schema
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Decodes a Schema message (also the encapsulated bytes of FlightInfo.schema via ReadSchema).
QUIVER_EXPORT Result<SchemaPtr> DecodeSchema(const Message& message, const IpcReadOptions& options = {});
/// Reads the first message of `encapsulated` as a schema; anything after it (Go
/// appends an end-of-stream marker) is ignored. An empty buffer is an error.
QUIVER_EXPORT Result<SchemaPtr> ReadSchema(const std::shared_ptr<Buffer>& encapsulated,
                                           const IpcReadOptions& options = {});

class QUIVER_EXPORT RecordBatchStreamReader : public RecordBatchReader {
 public:
  static Result<std::shared_ptr<RecordBatchStreamReader>> Open(std::shared_ptr<io::InputStream> stream,
                                                               const IpcReadOptions& options = {});
  ~RecordBatchStreamReader() override;
  SchemaPtr schema() const override;
  Status ReadNext(std::shared_ptr<RecordBatch>* batch) override;
  /// Like ReadNext, also returning the batch message's custom metadata.
  Status ReadNext(std::shared_ptr<RecordBatch>* batch, MetadataPtr* custom_metadata);
  MessageDecoder::Stats stats() const;

 private:
  RecordBatchStreamReader() = default;
  std::shared_ptr<io::InputStream> stream_;
  std::unique_ptr<MessageDecoder> decoder_;
  IpcReadOptions options_;
  bool finished_ = false;
};

class QUIVER_EXPORT RecordBatchFileReader {
 public:
  /// Reads and checks the magic at both ends and the footer.
  static Result<std::shared_ptr<RecordBatchFileReader>> Open(std::shared_ptr<io::RandomAccessFile> file,
                                                             const IpcReadOptions& options = {});
  ~RecordBatchFileReader();
  SchemaPtr schema() const;
  int num_record_batches() const;
  int num_dictionaries() const;
  MetadataVersion version() const;
  /// The footer's custom metadata, possibly null.
  MetadataPtr metadata() const;
  /// The i-th record batch (random access; dictionaries are loaded on first use).
  Result<std::shared_ptr<RecordBatch>> ReadRecordBatch(int i);
  /// Every batch, in order.
  Result<std::shared_ptr<Table>> ReadTable();
  /// A RecordBatchReader over the batches, in order.
  Result<std::shared_ptr<RecordBatchReader>> ToReader();

 private:
  RecordBatchFileReader();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quiver::ipc
