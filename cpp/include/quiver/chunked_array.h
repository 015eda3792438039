// ChunkedArray: one logical column made of several arrays of the same type.
//
// Tables hold their columns as chunked arrays, so that concatenating tables or
// appending batches never copies column data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "quiver/array.h"

namespace quiver {

struct PrettyPrintOptions;

class QUIVER_EXPORT ChunkedArray {
 public:
  /// Chunks must all have `type`; no chunk is copied.
  ChunkedArray(ArrayVector chunks, TypePtr type);

  /// Chunks of one type; the type comes from the first chunk, so `chunks` must
  /// not be empty (use the two-argument form for an empty column). A chunk of
  /// another type is a TypeError naming the chunk and both types.
  static Result<std::shared_ptr<ChunkedArray>> Make(ArrayVector chunks, TypePtr type = nullptr);

  const TypePtr& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const;
  int num_chunks() const { return static_cast<int>(chunks_.size()); }
  const ArrayPtr& chunk(int i) const { return chunks_[static_cast<size_t>(i)]; }
  const ArrayVector& chunks() const { return chunks_; }

  /// Zero-copy slice across chunk boundaries; offset and length are clamped. Chunks
  /// outside the range are dropped; a zero-length slice of a column with chunks keeps
  /// one empty chunk (as Arrow does).
  std::shared_ptr<ChunkedArray> Slice(int64_t offset, int64_t length) const;
  std::shared_ptr<ChunkedArray> Slice(int64_t offset) const { return Slice(offset, length_ - offset); }

  /// Equal logical content, whatever the chunk boundaries (type, length, null count,
  /// then values through Array::RangeEquals).
  bool Equals(const ChunkedArray& other, const EqualOptions& options = {}) const;

  /// Every chunk has the type, the lengths add up, and each chunk passes
  /// Array::Validate (ValidateFull: Array::ValidateFull); errors name the chunk.
  Status Validate() const;
  Status ValidateFull() const;

  /// pyarrow's form: "[\n  [\n    1,\n    2\n  ],\n  [\n    3\n  ]\n]", with
  /// pyarrow's defaults (5 values at each end of a chunk, 2 chunks at each end).
  std::string ToString() const;
  /// The same with explicit options: `window` applies inside each chunk,
  /// `container_window` to the number of chunks shown, and `skip_new_lines`
  /// gives the one-line form "[[1,2],[3]]" that tables print.
  std::string ToString(const PrettyPrintOptions& options) const;

 private:
  ArrayVector chunks_;
  TypePtr type_;
  int64_t length_ = 0;
};

using ChunkedArrayPtr = std::shared_ptr<ChunkedArray>;
using ChunkedArrayVector = std::vector<ChunkedArrayPtr>;

}  // namespace quiver
