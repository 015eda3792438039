// Hand framing of FlightData and PutResult; see serialization_internal.h.
#include "quiver/flight/grpc/serialization_internal.h"

#include <grpc/slice.h>
#include <grpcpp/support/slice.h>

#include <climits>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quiver::flight::internal {

namespace {

// Protobuf wire types.
constexpr uint32_t kWireVarint = 0;
constexpr uint32_t kWireFixed64 = 1;
constexpr uint32_t kWireLengthDelimited = 2;
constexpr uint32_t kWireFixed32 = 5;

// FlightData field numbers (format/Flight.proto).
constexpr uint32_t kFieldDescriptor = 1;
constexpr uint32_t kFieldDataHeader = 2;
constexpr uint32_t kFieldAppMetadata = 3;
constexpr uint32_t kFieldDataBody = 1000;
// PutResult.app_metadata.
constexpr uint32_t kFieldPutResultAppMetadata = 1;

// protobuf and gRPC cap a message at 2 GiB - 1 bytes.
constexpr uint64_t kMaxMessageBytes = INT_MAX;

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

size_t VarintSize(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

void AppendKey(uint32_t field, std::string* out) {
  AppendVarint((uint64_t{field} << 3) | kWireLengthDelimited, out);
}

// The bytes of a length-delimited field besides its content.
uint64_t FieldOverhead(uint32_t field, uint64_t length) {
  return VarintSize((uint64_t{field} << 3) | kWireLengthDelimited) + VarintSize(length);
}

void ReleaseBuffer(void* holder) { delete static_cast<std::shared_ptr<Buffer>*>(holder); }

// A slice of the buffer's own memory, holding a reference to it until gRPC drops
// the slice.
grpc::Slice WrapBuffer(const std::shared_ptr<Buffer>& buffer) {
  auto* holder = new std::shared_ptr<Buffer>(buffer);
  return grpc::Slice(const_cast<uint8_t*>(buffer->data()), static_cast<size_t>(buffer->size()),
                     &ReleaseBuffer, holder);
}

// Collects slices: small pieces are copied together, large buffers are wrapped.
class SliceListBuilder {
 public:
  void AppendBytes(std::string_view bytes) { pending_.append(bytes); }
  std::string* pending() { return &pending_; }

  void AppendBuffer(const std::shared_ptr<Buffer>& buffer) {
    if (buffer == nullptr || buffer->size() == 0) return;
    if (buffer->size() < kWrapThreshold) {
      pending_.append(buffer->view());
      return;
    }
    Flush();
    slices_.push_back(WrapBuffer(buffer));
  }

  grpc::ByteBuffer Finish() {
    Flush();
    return grpc::ByteBuffer(slices_.data(), slices_.size());
  }

 private:
  void Flush() {
    if (pending_.empty()) return;
    slices_.emplace_back(pending_);
    pending_.clear();
  }

  std::string pending_;
  std::vector<grpc::Slice> slices_;
};

// Reads a received message across its slices. Every read is checked against the
// bytes that are left.
class SliceCursor {
 public:
  SliceCursor(std::vector<grpc::Slice> slices, MemoryPool* pool)
      : slices_(std::move(slices)), pool_(pool) {
    for (const grpc::Slice& slice : slices_) remaining_ += slice.size();
    SkipEmptySlices();
  }

  uint64_t remaining() const { return remaining_; }
  uint64_t position() const { return position_; }

  Result<uint64_t> ReadVarint(const char* what) {
    uint64_t value = 0;
    const uint64_t start = position_;
    for (int shift = 0; shift < 64; shift += 7) {
      if (remaining_ == 0) {
        return Status::Invalid("expected ", what, " (a varint) at offset ", start,
                               " but the message ends inside it");
      }
      const uint8_t byte = NextByte();
      // The tenth byte may only hold the top bit of a 64-bit value.
      if (shift == 63 && byte > 1) break;
      value |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return Status::Invalid("expected ", what, " (a varint) at offset ", start,
                           " but found more than 64 bits");
  }

  Status Skip(uint64_t length, const char* what) {
    QUIVER_RETURN_NOT_OK(CheckAvailable(length, what));
    Advance(length, nullptr);
    return Status::OK();
  }

  // The next `length` bytes as a Buffer: a view of the slice when they lie in one,
  // a copy otherwise. Null for zero bytes.
  Result<std::shared_ptr<Buffer>> Take(uint64_t length, const char* what) {
    QUIVER_RETURN_NOT_OK(CheckAvailable(length, what));
    if (length == 0) return std::shared_ptr<Buffer>();
    const grpc::Slice& slice = slices_[index_];
    // An inlined slice (a few bytes, no refcount) keeps its bytes inside the
    // grpc::Slice object itself, so a view of it would not survive the object:
    // only refcounted slices are wrapped.
    grpc_slice raw = slice.c_slice();  // takes a reference
    const bool refcounted = raw.refcount != nullptr;
    grpc_slice_unref(raw);
    if (refcounted && slice.size() - offset_ >= length) {
      const uint8_t* data = slice.begin() + offset_;
      // The release callback owns a reference to the slice; dropping the callback drops it.
      std::shared_ptr<Buffer> view = Buffer::WrapForeign(
          data, static_cast<int64_t>(length), [keep = slice]() { (void)keep; });
      Advance(length, nullptr);
      return view;
    }
    QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> copy,
                           AllocateBuffer(static_cast<int64_t>(length), pool_));
    Advance(length, copy->mutable_data());
    return copy;
  }

 private:
  Status CheckAvailable(uint64_t length, const char* what) const {
    if (length > remaining_) {
      return Status::Invalid("expected ", length, " bytes of ", what, " at offset ", position_,
                             " but the message has only ", remaining_, " left");
    }
    return Status::OK();
  }

  uint8_t NextByte() {
    const uint8_t byte = slices_[index_].begin()[offset_];
    ++offset_;
    ++position_;
    --remaining_;
    SkipEmptySlices();
    return byte;
  }

  // Moves `length` bytes forward (checked by the caller), copying them to `out` if not null.
  void Advance(uint64_t length, uint8_t* out) {
    while (length > 0) {
      const grpc::Slice& slice = slices_[index_];
      const uint64_t n = std::min<uint64_t>(length, slice.size() - offset_);
      if (out != nullptr) {
        std::memcpy(out, slice.begin() + offset_, n);
        out += n;
      }
      offset_ += n;
      position_ += n;
      remaining_ -= n;
      length -= n;
      SkipEmptySlices();
    }
  }

  void SkipEmptySlices() {
    while (index_ < slices_.size() && offset_ == slices_[index_].size()) {
      ++index_;
      offset_ = 0;
    }
  }

  std::vector<grpc::Slice> slices_;
  MemoryPool* pool_;
  size_t index_ = 0;
  size_t offset_ = 0;
  uint64_t position_ = 0;
  uint64_t remaining_ = 0;
};

const char* FlightDataFieldName(uint32_t field) {
  switch (field) {
    case kFieldDescriptor: return "FlightData.flight_descriptor";
    case kFieldDataHeader: return "FlightData.data_header";
    case kFieldAppMetadata: return "FlightData.app_metadata";
    case kFieldDataBody: return "FlightData.data_body";
    default: return "an unknown field";
  }
}

const char* PutResultFieldName(uint32_t field) {
  return field == kFieldPutResultAppMetadata ? "PutResult.app_metadata" : "an unknown field";
}

// Walks the fields of a message. `on_bytes(field, cursor, length)` consumes the
// content of each length-delimited field whose number it knows (returning true);
// unknown fields of any wire type are skipped, as protobuf does. A known field
// with another wire type is an error, as protobuf's parser would refuse it too.
template <typename IsKnown, typename OnBytes>
Status WalkFields(SliceCursor* cursor, const char* message, const char* (*field_name)(uint32_t),
                  IsKnown is_known, OnBytes on_bytes) {
  while (cursor->remaining() > 0) {
    const uint64_t key_offset = cursor->position();
    QUIVER_ASSIGN_OR_RAISE(uint64_t key, cursor->ReadVarint("a field key"));
    const uint64_t field = key >> 3;
    const uint32_t wire_type = static_cast<uint32_t>(key & 7);
    if (field == 0 || field > 536870911) {
      return Status::Invalid("expected a ", message, " field number between 1 and 536870911 but found ",
                             field, " at offset ", key_offset);
    }
    const bool known = is_known(static_cast<uint32_t>(field));
    if (known && wire_type != kWireLengthDelimited) {
      return Status::Invalid("expected ", field_name(static_cast<uint32_t>(field)),
                             " to be length-delimited (wire type 2) but found wire type ",
                             wire_type, " at offset ", key_offset);
    }
    switch (wire_type) {
      case kWireVarint: {
        QUIVER_ASSIGN_OR_RAISE(uint64_t ignored, cursor->ReadVarint("a varint field"));
        (void)ignored;
        break;
      }
      case kWireFixed64:
        QUIVER_RETURN_NOT_OK(cursor->Skip(8, "a 64-bit field"));
        break;
      case kWireFixed32:
        QUIVER_RETURN_NOT_OK(cursor->Skip(4, "a 32-bit field"));
        break;
      case kWireLengthDelimited: {
        QUIVER_ASSIGN_OR_RAISE(uint64_t length, cursor->ReadVarint("a field length"));
        if (length > cursor->remaining()) {
          return Status::Invalid("field ", field, " of ", message, " at offset ", key_offset,
                                 " declares ", length, " bytes but only ", cursor->remaining(),
                                 " follow");
        }
        if (known) {
          QUIVER_RETURN_NOT_OK(on_bytes(static_cast<uint32_t>(field), length));
        } else {
          QUIVER_RETURN_NOT_OK(cursor->Skip(length, "an unknown field"));
        }
        break;
      }
      default:
        // 3 and 4 are the deprecated groups, 6 and 7 do not exist.
        return Status::Invalid("expected a protobuf wire type (0, 1, 2 or 5) in ", message,
                               " but found ", wire_type, " for field ", field, " at offset ",
                               key_offset);
    }
  }
  return Status::OK();
}

std::vector<grpc::Slice> SlicesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  // Dump adds references to the slices; it copies nothing. It fails only for an
  // uninitialised ByteBuffer, which holds no bytes.
  if (!buffer.Valid() || !buffer.Dump(&slices).ok()) slices.clear();
  return slices;
}

}  // namespace

Result<grpc::ByteBuffer> SerializeFlightData(const FlightPayload& payload,
                                             const FlightDescriptor* descriptor) {
  std::string descriptor_bytes;
  if (descriptor != nullptr) {
    QUIVER_ASSIGN_OR_RAISE(descriptor_bytes, descriptor->SerializeToString());
  }
  const ipc::IpcPayload& ipc = payload.ipc_message;
  const uint64_t metadata_size = ipc.metadata != nullptr ? static_cast<uint64_t>(ipc.metadata->size()) : 0;
  const uint64_t app_metadata_size =
      payload.app_metadata != nullptr ? static_cast<uint64_t>(payload.app_metadata->size()) : 0;
  if (ipc.body_length < 0) {
    return Status::Invalid("expected a non-negative IPC body length but found ", ipc.body_length);
  }
  const uint64_t body_size = static_cast<uint64_t>(ipc.body_length);

  uint64_t total = 0;
  if (!descriptor_bytes.empty()) total += FieldOverhead(kFieldDescriptor, descriptor_bytes.size()) + descriptor_bytes.size();
  if (metadata_size > 0) total += FieldOverhead(kFieldDataHeader, metadata_size) + metadata_size;
  if (app_metadata_size > 0) total += FieldOverhead(kFieldAppMetadata, app_metadata_size) + app_metadata_size;
  if (body_size > 0) total += FieldOverhead(kFieldDataBody, body_size) + body_size;
  if (total > kMaxMessageBytes) {
    return Status::CapacityError("cannot send a FlightData message of ", total,
                           " bytes: gRPC carries at most ", kMaxMessageBytes,
                           " bytes per message (send smaller batches, or set "
                           "FlightWriteOptions::max_message_bytes to split them)");
  }

  SliceListBuilder builder;
  // Fields in field-number order, as protobuf writes them.
  if (!descriptor_bytes.empty()) {
    AppendKey(kFieldDescriptor, builder.pending());
    AppendVarint(descriptor_bytes.size(), builder.pending());
    builder.AppendBytes(descriptor_bytes);
  }
  if (metadata_size > 0) {
    AppendKey(kFieldDataHeader, builder.pending());
    AppendVarint(metadata_size, builder.pending());
    builder.AppendBytes(ipc.metadata->view());
  }
  if (app_metadata_size > 0) {
    AppendKey(kFieldAppMetadata, builder.pending());
    AppendVarint(app_metadata_size, builder.pending());
    builder.AppendBuffer(payload.app_metadata);
  }
  if (body_size > 0) {
    AppendKey(kFieldDataBody, builder.pending());
    AppendVarint(body_size, builder.pending());
    uint64_t written = 0;
    for (const std::shared_ptr<Buffer>& buffer : ipc.body_buffers) {
      if (buffer == nullptr) continue;
      builder.AppendBuffer(buffer);
      written += static_cast<uint64_t>(buffer->size());
    }
    if (written != body_size) {
      return Status::Invalid("the IPC payload's body buffers hold ", written,
                             " bytes but its body_length says ", body_size);
    }
  }
  return builder.Finish();
}

Result<FlightDataMessage> DeserializeFlightData(const grpc::ByteBuffer& buffer, MemoryPool* pool) {
  SliceCursor cursor(SlicesOf(buffer), pool);
  FlightDataMessage message;
  // A repeated embedded message merges on the wire; parsing the concatenation of
  // its occurrences gives exactly that.
  std::string descriptor_bytes;
  bool has_descriptor = false;
  auto is_known = [](uint32_t field) {
    return field == kFieldDescriptor || field == kFieldDataHeader || field == kFieldAppMetadata ||
           field == kFieldDataBody;
  };
  auto on_bytes = [&](uint32_t field, uint64_t length) -> Status {
    QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> bytes, cursor.Take(length, FlightDataFieldName(field)));
    switch (field) {
      case kFieldDescriptor:
        has_descriptor = true;
        if (bytes != nullptr) descriptor_bytes.append(bytes->view());
        break;
      // For bytes fields the last occurrence wins, as in protobuf.
      case kFieldDataHeader: message.metadata = std::move(bytes); break;
      case kFieldAppMetadata: message.app_metadata = std::move(bytes); break;
      case kFieldDataBody: message.body = std::move(bytes); break;
      default: break;
    }
    return Status::OK();
  };
  Status walked = WalkFields(&cursor, "FlightData", &FlightDataFieldName, is_known, on_bytes);
  if (!walked.ok()) return walked.WithContext("malformed FlightData message");
  if (has_descriptor) {
    Result<FlightDescriptor> descriptor = FlightDescriptor::Deserialize(descriptor_bytes);
    if (!descriptor.ok()) return descriptor.status().WithContext("malformed FlightData.flight_descriptor");
    message.descriptor = descriptor.MoveValueUnsafe();
  }
  return message;
}

Result<grpc::ByteBuffer> SerializePutResult(const std::shared_ptr<Buffer>& app_metadata) {
  SliceListBuilder builder;
  if (app_metadata != nullptr && app_metadata->size() > 0) {
    const uint64_t size = static_cast<uint64_t>(app_metadata->size());
    if (FieldOverhead(kFieldPutResultAppMetadata, size) + size > kMaxMessageBytes) {
      return Status::CapacityError("cannot send a PutResult of ", size,
                             " bytes: gRPC carries at most ", kMaxMessageBytes, " bytes per message");
    }
    AppendKey(kFieldPutResultAppMetadata, builder.pending());
    AppendVarint(size, builder.pending());
    builder.AppendBuffer(app_metadata);
  }
  return builder.Finish();
}

Result<std::shared_ptr<Buffer>> DeserializePutResult(const grpc::ByteBuffer& buffer) {
  SliceCursor cursor(SlicesOf(buffer), default_memory_pool());
  std::shared_ptr<Buffer> app_metadata;
  auto is_known = [](uint32_t field) { return field == kFieldPutResultAppMetadata; };
  auto on_bytes = [&](uint32_t, uint64_t length) -> Status {
    QUIVER_ASSIGN_OR_RAISE(app_metadata, cursor.Take(length, "PutResult.app_metadata"));
    return Status::OK();
  };
  Status walked = WalkFields(&cursor, "PutResult", &PutResultFieldName, is_known, on_bytes);
  if (!walked.ok()) return walked.WithContext("malformed PutResult message");
  if (app_metadata == nullptr) app_metadata = Buffer::FromString(std::string());
  return app_metadata;
}

}  // namespace quiver::flight::internal
