// Translation between Quiver's types and the Arrow IPC flatbuffers.
//
// This header and metadata_internal.cc are the only code that sees the
// flatc-generated headers; everything else in ipc/ talks in Quiver types and
// the small structs below.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/ipc/compression_type.h"
#include "quiver/ipc/message.h"
#include "quiver/ipc/options.h"
#include "quiver/schema.h"

namespace quiver::ipc::internal {

/// Dictionary ids of the dictionary-encoded fields of a schema. The reader maps
/// each DictionaryType object it created while parsing to the id the file gave
/// it; two fields may share an id (a shared dictionary).
struct DictionaryIds {
  std::unordered_map<const DataType*, int64_t> id_of;
  /// The value type of each id.
  std::unordered_map<int64_t, TypePtr> value_type;
};

/// A parsed Schema message.
struct ParsedSchema {
  SchemaPtr schema;
  DictionaryIds dictionaries;
  bool big_endian = false;
};

/// Verifies `metadata` as a Message flatbuffer and reads its envelope.
struct MessageEnvelope {
  MessageType type = MessageType::NONE;
  MetadataVersion version = MetadataVersion::V5;
  int64_t body_length = 0;
  MetadataPtr custom_metadata;
};
Result<MessageEnvelope> ReadEnvelope(const Buffer& metadata);

Result<ParsedSchema> ParseSchemaMessage(const Buffer& metadata, const IpcReadOptions& options);

/// One IPC buffer reference: offset and length within the body.
struct BufferSpec {
  int64_t offset;
  int64_t length;
};
struct FieldNodeSpec {
  int64_t length;
  int64_t null_count;
};

/// A parsed RecordBatch header (also the data of a DictionaryBatch).
struct RecordBatchSpec {
  int64_t length = 0;
  std::vector<FieldNodeSpec> nodes;
  std::vector<BufferSpec> buffers;
  std::vector<int64_t> variadic_buffer_counts;
  CompressionType compression = CompressionType::NONE;
};
struct DictionaryBatchSpec {
  int64_t id = 0;
  bool is_delta = false;
  RecordBatchSpec data;
};

Result<RecordBatchSpec> ParseRecordBatchMessage(const Buffer& metadata);
Result<DictionaryBatchSpec> ParseDictionaryBatchMessage(const Buffer& metadata);

// --- writing -----------------------------------------------------------------

/// Assigns ids to the dictionary-encoded fields of `schema` in depth-first order
/// (a dictionary's own value type is walked after its id is taken) and returns them
/// in that order.
std::vector<int64_t> AssignDictionaryIds(const Schema& schema);

Result<std::shared_ptr<Buffer>> BuildSchemaMessage(const Schema& schema, const IpcWriteOptions& options);
Result<std::shared_ptr<Buffer>> BuildRecordBatchMessage(const RecordBatchSpec& spec, int64_t body_length,
                                                       const MetadataPtr& custom_metadata,
                                                       const IpcWriteOptions& options);
Result<std::shared_ptr<Buffer>> BuildDictionaryBatchMessage(const DictionaryBatchSpec& spec,
                                                           int64_t body_length,
                                                           const IpcWriteOptions& options);

/// The file footer.
struct FileBlock {
  int64_t offset;
  int32_t metadata_length;
  int64_t body_length;
};
struct Footer {
  MetadataVersion version = MetadataVersion::V5;
  ParsedSchema schema;
  std::vector<FileBlock> dictionaries;
  std::vector<FileBlock> record_batches;
  MetadataPtr custom_metadata;
};
Result<Footer> ParseFooter(const Buffer& footer, const IpcReadOptions& options);
Result<std::shared_ptr<Buffer>> BuildFooter(const Schema& schema, const std::vector<FileBlock>& dictionaries,
                                           const std::vector<FileBlock>& record_batches,
                                           const MetadataPtr& custom_metadata,
                                           const IpcWriteOptions& options);

}  // namespace quiver::ipc::internal
