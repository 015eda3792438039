// How deep a schema's fields nest, read from a flatbuffer that failed verification.
//
// flatbuffers' Verifier answers only "valid or not", and the commonest hostile
// schema, fields nested thousands deep, fails it on its depth limit. To name that
// cause in the error, the reader walks the schema's field tree here, without the
// generated accessors (which trust the buffer) and without recursion: every offset
// is checked to lie inside the buffer before it is read, and the walk visits a
// bounded number of tables, so a buffer of shared subtrees cannot make it slow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace quiver::ipc::internal {

// Which flatbuffer root holds the schema.
enum class SchemaRoot {
  kMessage,  // a Message whose header is a Schema (the IPC stream's first message)
  kFooter,   // an IPC file's Footer
};

// The nesting depth of the deepest field under the schema (1: a flat schema), or,
// once it passes `stop_above`, the first depth found above it. Nullopt when the
// buffer holds no readable schema there, or the walk would exceed `max_tables`.
std::optional<int> RawSchemaFieldDepth(const uint8_t* data, size_t size, SchemaRoot root, int stop_above,
                                       size_t max_tables);

}  // namespace quiver::ipc::internal
