#include "quiver/ipc/message.h"

#include <cstring>

#include "quiver/ipc/metadata_internal.h"

namespace quiver::ipc {

std::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::NONE: return "none";
    case MessageType::SCHEMA: return "schema";
    case MessageType::DICTIONARY_BATCH: return "dictionary batch";
    case MessageType::RECORD_BATCH: return "record batch";
    case MessageType::TENSOR: return "tensor";
    case MessageType::SPARSE_TENSOR: return "sparse tensor";
  }
  return "unknown";
}

namespace {

// The flatbuffer is read in place; it must be 8-byte aligned for that. Bytes
// from a network frame may not be, so those (small) metadata bytes are copied.
Result<std::shared_ptr<Buffer>> EnsureAligned(std::shared_ptr<Buffer> buf) {
  if (reinterpret_cast<uintptr_t>(buf->data()) % 8 == 0) return buf;
  return CopyBuffer(*buf);
}

}  // namespace

Message::~Message() = default;

Result<std::unique_ptr<Message>> Message::Open(std::shared_ptr<Buffer> metadata, std::shared_ptr<Buffer> body) {
  if (!metadata) return Status::Invalid("a message needs metadata");
  QUIVER_ASSIGN_OR_RAISE(metadata, EnsureAligned(std::move(metadata)));
  QUIVER_ASSIGN_OR_RAISE(auto env, internal::ReadEnvelope(*metadata));
  if (!body) body = Buffer::FromString("");
  if (body->size() < env.body_length) {
    return Status::Invalid("message body is truncated: expected ", env.body_length, " bytes but found ",
                           body->size());
  }
  if (body->size() > env.body_length) body = SliceBuffer(body, 0, env.body_length);
  std::unique_ptr<Message> m(new Message());
  m->metadata_ = std::move(metadata);
  m->body_ = std::move(body);
  m->type_ = env.type;
  m->version_ = env.version;
  m->custom_metadata_ = std::move(env.custom_metadata);
  return m;
}

Result<std::shared_ptr<Buffer>> Message::SerializeEncapsulated(MemoryPool* pool) const {
  const int64_t meta = metadata_->size();
  const int64_t padded = (8 + meta + 7) / 8 * 8 - 8;
  QUIVER_ASSIGN_OR_RAISE(auto out, AllocateZeroedBuffer(8 + padded + body_->size(), pool));
  uint8_t* p = out->mutable_data();
  const uint32_t marker = kContinuationMarker;
  const int32_t len = static_cast<int32_t>(padded);
  std::memcpy(p, &marker, 4);
  std::memcpy(p + 4, &len, 4);
  std::memcpy(p + 8, metadata_->data(), static_cast<size_t>(meta));
  if (body_->size()) std::memcpy(p + 8 + padded, body_->data(), static_cast<size_t>(body_->size()));
  return out;
}

namespace {

// Reads the int32 metadata length that follows an optional continuation marker.
// Returns -1 at a clean end of input.
Result<int32_t> ReadMetadataLength(io::InputStream* stream, int64_t* prefix_bytes) {
  QUIVER_ASSIGN_OR_RAISE(auto word, stream->Read(4));
  if (word->size() == 0) return -1;
  if (word->size() < 4) {
    return Status::Invalid("expected a 4-byte message prefix but the stream ends after ", word->size(),
                           " bytes");
  }
  uint32_t first;
  std::memcpy(&first, word->data(), 4);
  *prefix_bytes = 4;
  if (first == kContinuationMarker) {
    QUIVER_ASSIGN_OR_RAISE(word, stream->Read(4));
    if (word->size() == 0) return -1;  // a marker alone ends the stream too
    if (word->size() < 4) {
      return Status::Invalid("expected a 4-byte metadata length after the continuation marker but found ",
                             word->size(), " bytes");
    }
    std::memcpy(&first, word->data(), 4);
    *prefix_bytes = 8;
  }
  // Legacy framing (Arrow < 0.15): the first word is the length itself.
  return static_cast<int32_t>(first);
}

Result<std::unique_ptr<Message>> ReadBody(io::InputStream* stream, std::shared_ptr<Buffer> metadata,
                                          const IpcReadOptions& options) {
  QUIVER_ASSIGN_OR_RAISE(metadata, EnsureAligned(std::move(metadata)));
  QUIVER_ASSIGN_OR_RAISE(auto env, internal::ReadEnvelope(*metadata));
  if (env.body_length > options.max_body_size) {
    return Status::Invalid("message body of ", env.body_length, " bytes exceeds the limit of ",
                           options.max_body_size, " bytes");
  }
  QUIVER_ASSIGN_OR_RAISE(auto body, stream->Read(env.body_length));
  if (body->size() != env.body_length) {
    return Status::Invalid("message body is truncated: expected ", env.body_length, " bytes but found ",
                           body->size());
  }
  return Message::Open(std::move(metadata), std::move(body));
}

}  // namespace

Result<std::unique_ptr<Message>> ReadMessage(io::InputStream* stream, const IpcReadOptions& options) {
  int64_t prefix = 0;
  QUIVER_ASSIGN_OR_RAISE(int32_t length, ReadMetadataLength(stream, &prefix));
  if (length == -1 && prefix == 0) return nullptr;  // clean end of input
  if (length == 0) return nullptr;                  // end-of-stream marker
  if (length < 0) {
    return Status::Invalid("message metadata length must be positive but found ", length);
  }
  QUIVER_ASSIGN_OR_RAISE(auto metadata, stream->Read(length));
  if (metadata->size() != length) {
    return Status::Invalid("message metadata is truncated: expected ", length, " bytes but found ",
                           metadata->size());
  }
  return ReadBody(stream, std::move(metadata), options);
}

Result<std::unique_ptr<Message>> ReadMessageAt(io::RandomAccessFile* file, int64_t offset, int32_t metadata_length,
                                               int64_t body_length, const IpcReadOptions& options) {
  if (offset < 0 || metadata_length < 8 || body_length < 0) {
    return Status::Invalid("invalid file block: offset ", offset, ", metadata length ", metadata_length,
                           ", body length ", body_length);
  }
  QUIVER_ASSIGN_OR_RAISE(const int64_t size, file->GetSize());
  if (offset > size || metadata_length > size - offset || body_length > size - offset - metadata_length) {
    return Status::Invalid("file block [", offset, ", +", metadata_length, " +", body_length,
                           ") lies outside a file of ", size, " bytes");
  }
  if (body_length > options.max_body_size) {
    return Status::Invalid("message body of ", body_length, " bytes exceeds the limit of ",
                           options.max_body_size, " bytes");
  }
  QUIVER_ASSIGN_OR_RAISE(auto block, file->ReadAt(offset, metadata_length));
  io::BufferReader reader(block);
  int64_t prefix = 0;
  QUIVER_ASSIGN_OR_RAISE(int32_t length, ReadMetadataLength(&reader, &prefix));
  if (length <= 0 || length > metadata_length - prefix) {
    return Status::Invalid("message at offset ", offset, " declares ", length,
                           " metadata bytes but its block holds ", metadata_length - prefix);
  }
  QUIVER_ASSIGN_OR_RAISE(auto metadata, reader.Read(length));
  QUIVER_ASSIGN_OR_RAISE(metadata, EnsureAligned(std::move(metadata)));
  QUIVER_ASSIGN_OR_RAISE(auto env, internal::ReadEnvelope(*metadata));
  if (env.body_length != body_length) {
    return Status::Invalid("message at offset ", offset, " declares a body of ", env.body_length,
                           " bytes but the footer says ", body_length);
  }
  QUIVER_ASSIGN_OR_RAISE(auto body, file->ReadAt(offset + metadata_length, body_length));
  return Message::Open(std::move(metadata), std::move(body));
}

}  // namespace quiver::ipc
