// Arrow IPC messages: a flatbuffer `Message` (the metadata) plus an optional body.
//
// In a stream or file every message is "encapsulated":
//
//   0xFFFFFFFF | int32 metadata length | Message flatbuffer | padding to 8 | body
//
// (files written before Arrow 0.15 omit the 0xFFFFFFFF marker; both are read).
// Flight carries the same flatbuffer and body in the FlightData fields
// data_header and data_body instead, without the prefix.
//
// A Message only holds bytes; decoding a schema or record batch out of it is the
// reader's job (reader.h). Message::Open verifies the flatbuffer before anything
// looks inside it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "quiver/buffer.h"
#include "quiver/io.h"
#include "quiver/ipc/options.h"
#include "quiver/type.h"

namespace quiver::ipc {

enum class MessageType : int8_t { NONE, SCHEMA, DICTIONARY_BATCH, RECORD_BATCH, TENSOR, SPARSE_TENSOR };
QUIVER_EXPORT std::string_view MessageTypeName(MessageType type);

/// The continuation marker that opens an encapsulated message.
inline constexpr uint32_t kContinuationMarker = 0xFFFFFFFFu;

class QUIVER_EXPORT Message {
 public:
  /// Verifies `metadata` as a flatbuffer Message and checks that the body is as
  /// long as the metadata says (`body` may be null for an empty body).
  static Result<std::unique_ptr<Message>> Open(std::shared_ptr<Buffer> metadata,
                                               std::shared_ptr<Buffer> body);
  ~Message();

  MessageType type() const { return type_; }
  MetadataVersion metadata_version() const { return version_; }
  /// The flatbuffer bytes (no prefix, no padding).
  const std::shared_ptr<Buffer>& metadata() const { return metadata_; }
  /// The body; an empty buffer when there is none.
  const std::shared_ptr<Buffer>& body() const { return body_; }
  int64_t body_length() const { return body_->size(); }
  /// Custom metadata of the message (not of the schema), possibly null.
  const MetadataPtr& custom_metadata() const { return custom_metadata_; }

  /// The message as an encapsulated IPC message (marker, length, metadata, padding, body).
  Result<std::shared_ptr<Buffer>> SerializeEncapsulated(MemoryPool* pool = default_memory_pool()) const;

 private:
  Message() = default;
  std::shared_ptr<Buffer> metadata_;
  std::shared_ptr<Buffer> body_;
  MessageType type_ = MessageType::NONE;
  MetadataVersion version_ = MetadataVersion::V5;
  MetadataPtr custom_metadata_;
};

/// Reads the next encapsulated message. Returns null at the end of the stream
/// (end of input, or the end-of-stream marker: a zero metadata length).
QUIVER_EXPORT Result<std::unique_ptr<Message>> ReadMessage(io::InputStream* stream,
                                                           const IpcReadOptions& options = {});
/// Reads the encapsulated message at `offset` of a file whose metadata block is
/// `metadata_length` bytes (prefix included) and body `body_length` bytes.
QUIVER_EXPORT Result<std::unique_ptr<Message>> ReadMessageAt(io::RandomAccessFile* file, int64_t offset,
                                                             int32_t metadata_length, int64_t body_length,
                                                             const IpcReadOptions& options = {});

}  // namespace quiver::ipc
