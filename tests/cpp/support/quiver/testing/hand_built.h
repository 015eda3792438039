// Arrays built by hand from C++ values, straight through ArrayData::Make (no
// builders), for tests of the containers and kernels that sit under the builders.
//
//   auto ints = testing::NumericArray<int64_t>(int64(), {1, std::nullopt, 3});
//   auto strs = testing::StringArray({"a", std::nullopt});
//
// Buffers come from the default memory pool; a validity bitmap is made only when
// some value is null, as Arrow producers do.
#pragma once

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quiver/array.h"

namespace quiver::testing {

/// A buffer holding `values` as they are laid out in memory.
template <typename T>
std::shared_ptr<Buffer> BufferOf(const std::vector<T>& values) {
  auto buf = *AllocateBuffer(static_cast<int64_t>(values.size() * sizeof(T)));
  if (!values.empty()) std::memcpy(buf->mutable_data(), values.data(), values.size() * sizeof(T));
  return buf;
}

/// A validity bitmap with bit i set where flags[i] is non-zero.
inline std::shared_ptr<Buffer> BitmapOf(const std::vector<int>& flags) {
  auto buf = *AllocateZeroedBuffer(bit_util::BytesForBits(static_cast<int64_t>(flags.size())));
  for (size_t i = 0; i < flags.size(); ++i) {
    if (flags[i]) bit_util::SetBit(buf->mutable_data(), static_cast<int64_t>(i));
  }
  return buf;
}

/// The validity bitmap of `values` (set where a value is present), or null when none is missing.
template <typename T>
std::shared_ptr<Buffer> ValidityOf(const std::vector<std::optional<T>>& values) {
  std::vector<int> flags;
  bool any_null = false;
  for (const auto& v : values) {
    flags.push_back(v.has_value());
    any_null = any_null || !v;
  }
  return any_null ? BitmapOf(flags) : nullptr;
}

/// A fixed-width array of `type` (whose C type is T) from optional values.
template <typename T>
ArrayPtr NumericArray(TypePtr type, const std::vector<std::optional<T>>& values) {
  std::vector<T> raw;
  for (const auto& v : values) raw.push_back(v.value_or(T{}));
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                                   {ValidityOf(values), BufferOf(raw)}));
}

/// A utf8 array from optional strings.
inline ArrayPtr StringArray(const std::vector<std::optional<std::string>>& values) {
  std::vector<int32_t> offsets{0};
  std::string data;
  for (const auto& v : values) {
    if (v) data += *v;
    offsets.push_back(static_cast<int32_t>(data.size()));
  }
  return MakeArray(ArrayData::Make(utf8(), static_cast<int64_t>(values.size()),
                                   {ValidityOf(values), BufferOf(offsets), *Buffer::CopyFrom(data)}));
}

}  // namespace quiver::testing
