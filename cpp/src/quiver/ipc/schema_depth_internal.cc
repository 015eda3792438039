#include "quiver/ipc/schema_depth_internal.h"

#include <bit>
#include <cstring>
#include <utility>
#include <vector>

namespace quiver::ipc::internal {

namespace {

// Field ids (their order in the .fbs files, union type fields included).
constexpr int kMessageHeaderType = 1;
constexpr int kMessageHeader = 2;
constexpr uint8_t kMessageHeaderSchema = 1;
constexpr int kFooterSchema = 1;
constexpr int kSchemaFields = 1;
constexpr int kFieldChildren = 5;

// A flatbuffer read with bounds checks: every accessor answers nullopt for a
// position or offset outside the buffer. Flatbuffers are little-endian, and so is
// the host (asserted below), so values are read as they lie.
static_assert(std::endian::native == std::endian::little, "flatbuffers are read in the host's byte order");

class CheckedFlatbuffer {
 public:
  CheckedFlatbuffer(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  std::optional<size_t> Root() const { return Follow(0); }

  // The table or vector that offset field `id` of `table` points to.
  std::optional<size_t> Reference(size_t table, int id) const {
    const std::optional<size_t> field = FieldPosition(table, id);
    return field.has_value() ? Follow(*field) : std::nullopt;
  }

  std::optional<uint8_t> Byte(size_t table, int id) const {
    const std::optional<size_t> field = FieldPosition(table, id);
    if (!field.has_value() || !Readable(*field, 1)) return std::nullopt;
    return data_[*field];
  }

  std::optional<uint32_t> VectorLength(size_t vector) const {
    if (!Readable(vector, 4)) return std::nullopt;
    const uint32_t length = Read<uint32_t>(vector);
    if (!Readable(vector + 4, static_cast<size_t>(length) * 4)) return std::nullopt;
    return length;
  }

  // Element `i` of a vector of tables whose length VectorLength checked.
  std::optional<size_t> VectorTable(size_t vector, uint32_t i) const {
    return Follow(vector + 4 + static_cast<size_t>(i) * 4);
  }

 private:
  bool Readable(size_t position, size_t length) const {
    return position <= size_ && length <= size_ - position;
  }

  template <typename T>
  T Read(size_t position) const {
    T value;
    std::memcpy(&value, data_ + position, sizeof(T));
    return value;
  }

  // The target of the unsigned offset stored at `position` (relative to it).
  std::optional<size_t> Follow(size_t position) const {
    if (!Readable(position, 4)) return std::nullopt;
    const size_t target = position + Read<uint32_t>(position);
    if (target >= size_) return std::nullopt;
    return target;
  }

  // Where field `id` of the table at `table` is stored; nullopt when absent.
  std::optional<size_t> FieldPosition(size_t table, int id) const {
    if (!Readable(table, 4)) return std::nullopt;
    const int64_t vtable = static_cast<int64_t>(table) - Read<int32_t>(table);
    if (vtable < 0 || !Readable(static_cast<size_t>(vtable), 4)) return std::nullopt;
    const size_t vtable_start = static_cast<size_t>(vtable);
    const size_t vtable_size = Read<uint16_t>(vtable_start);
    const size_t slot = 4 + 2 * static_cast<size_t>(id);
    if (slot + 2 > vtable_size || !Readable(vtable_start + slot, 2)) return std::nullopt;
    const uint16_t offset = Read<uint16_t>(vtable_start + slot);
    if (offset == 0) return std::nullopt;
    return table + offset;
  }

  const uint8_t* data_;
  size_t size_;
};

std::optional<size_t> FindSchema(const CheckedFlatbuffer& buffer, SchemaRoot root) {
  const std::optional<size_t> table = buffer.Root();
  if (!table.has_value()) return std::nullopt;
  if (root == SchemaRoot::kFooter) return buffer.Reference(*table, kFooterSchema);
  if (buffer.Byte(*table, kMessageHeaderType) != kMessageHeaderSchema) return std::nullopt;
  return buffer.Reference(*table, kMessageHeader);
}

}  // namespace

std::optional<int> RawSchemaFieldDepth(const uint8_t* data, size_t size, SchemaRoot root, int stop_above,
                                       size_t max_tables) {
  const CheckedFlatbuffer buffer(data, size);
  const std::optional<size_t> schema = FindSchema(buffer, root);
  if (!schema.has_value()) return std::nullopt;
  // Depth-first, with the fields still to visit (table position, depth) on a stack.
  std::vector<std::pair<size_t, int>> pending;
  size_t visited = 0;
  int deepest = 0;
  auto push_children = [&](std::optional<size_t> vector, int depth) {
    if (!vector.has_value()) return true;  // no fields, or no children
    const std::optional<uint32_t> length = buffer.VectorLength(*vector);
    if (!length.has_value()) return false;
    if (visited + pending.size() + *length > max_tables) return false;
    for (uint32_t i = 0; i < *length; ++i) {
      const std::optional<size_t> field = buffer.VectorTable(*vector, i);
      if (!field.has_value()) return false;
      pending.emplace_back(*field, depth);
    }
    return true;
  };
  if (!push_children(buffer.Reference(*schema, kSchemaFields), 1)) return std::nullopt;
  while (!pending.empty()) {
    const auto [field, depth] = pending.back();
    pending.pop_back();
    ++visited;
    if (depth > deepest) deepest = depth;
    if (deepest > stop_above) return deepest;
    if (!push_children(buffer.Reference(field, kFieldChildren), depth + 1)) return std::nullopt;
  }
  return deepest;
}

}  // namespace quiver::ipc::internal
