// The bridge between Quiver objects and the Arrow C Data / C Stream interfaces.
//
// Export fills a C struct that any Arrow implementation in the same process
// (pyarrow, polars, DuckDB, nanoarrow, ...) can read; import turns such a struct
// into Quiver objects. Neither direction copies array memory:
//
//   - An exported ArrowArray points straight at Quiver's buffers and keeps them
//     alive through its private_data; its release callback drops those
//     references. The Quiver array may be destroyed at any time afterwards.
//   - An imported array's Buffers wrap the foreign memory; the ArrowArray is
//     moved into a shared holder that every one of those Buffers references,
//     and its release callback runs exactly once, when the last of them goes.
//
// Ownership of the C structs, in one line each:
//   Export*(..., out)  -> *out must be uninitialised or released; on success the
//                         caller owns it and must release it (or hand it on);
//                         on error *out is left untouched.
//   Import*(c_struct)  -> takes the struct over whatever the outcome: on return
//                         it is marked released (moved into Quiver, or released
//                         after an error). A struct that is already released is
//                         an Invalid error.
//
// Imported data is untrusted. Import checks what the C interface lets it check
// -- released or null pointers, negative lengths and offsets, buffer and child
// counts against the format, malformed format strings and metadata, buffer
// alignment -- and then runs Quiver's structural validation
// (ValidateArrayData(data, /*full=*/false)). It cannot know how large a foreign
// buffer really is: it takes the sizes the Arrow format implies for the length
// and offset it was given, as every consumer of the interface must. Call
// Array::ValidateFull() on the result to check every offset, UTF-8 string and
// index as well.
//
// Typical use:
//
//   UniqueArrowArray c_array;
//   UniqueArrowSchema c_schema;
//   QUIVER_RETURN_NOT_OK(ExportArray(*array, c_array.get(), c_schema.get()));
//   ... hand both to another library, or ...
//   QUIVER_ASSIGN_OR_RAISE(ArrayPtr back, ImportArray(c_array.get(), c_schema.get()));
#pragma once

#include <memory>

#include "quiver/array.h"
#include "quiver/c/abi.h"
#include "quiver/record_batch.h"
#include "quiver/schema.h"
#include "quiver/type.h"

namespace quiver {

// ---------------------------------------------------------------------------
// Move-only owners of the C structs.
//
// A holder starts released (all members null). get() hands out a pointer for a
// producer to fill; from then on the holder releases the struct when it is
// destroyed or reset, unless the struct was moved out (MoveTo, or an Import
// function, both of which leave it marked released). This is what the Python
// layer keeps inside its PyCapsules.

template <typename CStruct>
class UniqueCStruct {
 public:
  UniqueCStruct() noexcept : value_{} {}
  /// Takes `source` (not null) over: copies it bitwise and marks `source`
  /// released (the spec's "moving" of a struct).
  explicit UniqueCStruct(CStruct* source) noexcept : value_(*source) { source->release = nullptr; }
  UniqueCStruct(UniqueCStruct&& other) noexcept : value_(other.value_) {
    other.value_.release = nullptr;
  }
  UniqueCStruct& operator=(UniqueCStruct&& other) noexcept {
    if (this != &other) {
      reset();
      value_ = other.value_;
      other.value_.release = nullptr;
    }
    return *this;
  }
  UniqueCStruct(const UniqueCStruct&) = delete;
  UniqueCStruct& operator=(const UniqueCStruct&) = delete;
  ~UniqueCStruct() { reset(); }

  CStruct* get() noexcept { return &value_; }
  const CStruct* get() const noexcept { return &value_; }
  CStruct* operator->() noexcept { return &value_; }
  const CStruct* operator->() const noexcept { return &value_; }

  bool is_released() const noexcept { return value_.release == nullptr; }

  /// Calls the release callback (if the struct is live) and returns to the released state.
  void reset() noexcept {
    if (value_.release != nullptr) {
      value_.release(&value_);
    }
    value_ = CStruct{};
  }

  /// Moves the struct into `*out` (which must be released or uninitialised) and
  /// leaves this holder released.
  void MoveTo(CStruct* out) noexcept {
    *out = value_;
    value_.release = nullptr;
  }

 private:
  CStruct value_;
};

using UniqueArrowSchema = UniqueCStruct<ArrowSchema>;
using UniqueArrowArray = UniqueCStruct<ArrowArray>;
using UniqueArrowArrayStream = UniqueCStruct<ArrowArrayStream>;

// ---------------------------------------------------------------------------
// Export. Each function fills `*out` (see the ownership notes at the top).

/// The type alone: name "", flags ARROW_FLAG_NULLABLE, no metadata except the
/// ARROW:extension:* keys of an extension type.
QUIVER_EXPORT Status ExportType(const DataType& type, ArrowSchema* out);
/// The field: its name, nullability and metadata (plus ARROW:extension:* keys
/// for an extension type).
QUIVER_EXPORT Status ExportField(const Field& field, ArrowSchema* out);
/// A struct ("+s") schema whose children are the fields; the schema's metadata
/// becomes the top-level metadata.
QUIVER_EXPORT Status ExportSchema(const Schema& schema, ArrowSchema* out);

/// The array, zero-copy, with its offset and null count as they are (a null
/// count not computed yet is exported as -1). When `out_schema` is not null the
/// type is exported there too (as by ExportType); if either export fails,
/// neither struct is filled.
QUIVER_EXPORT Status ExportArray(const Array& array, ArrowArray* out,
                                 ArrowSchema* out_schema = nullptr);
/// The batch as a struct array without nulls (and, when `out_schema` is not
/// null, its schema as by ExportSchema).
QUIVER_EXPORT Status ExportRecordBatch(const RecordBatch& batch, ArrowArray* out,
                                       ArrowSchema* out_schema = nullptr);

// ---------------------------------------------------------------------------
// Import. Each function takes its C structs over (see the top of this file).

/// The type described by `schema`; its name, nullability and metadata other
/// than ARROW:extension:* are dropped.
QUIVER_EXPORT Result<TypePtr> ImportType(ArrowSchema* schema);
/// The field described by `schema`: name (empty when null), ARROW_FLAG_NULLABLE,
/// metadata (without the ARROW:extension:* keys, which make the type an
/// ExtensionType).
QUIVER_EXPORT Result<FieldPtr> ImportField(ArrowSchema* schema);
/// A schema from a struct ("+s") ArrowSchema: its children are the fields and
/// its metadata the schema metadata.
QUIVER_EXPORT Result<SchemaPtr> ImportSchema(ArrowSchema* schema);

/// The array described by `array`, of the type in `schema`.
QUIVER_EXPORT Result<ArrayPtr> ImportArray(ArrowArray* array, ArrowSchema* schema);
/// The array described by `array`, of the known `type`.
QUIVER_EXPORT Result<ArrayPtr> ImportArray(ArrowArray* array, TypePtr type);
/// A record batch from a struct array without top-level nulls, whose schema
/// is the struct ArrowSchema `schema`. A non-zero offset slices the columns.
QUIVER_EXPORT Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, ArrowSchema* schema);
/// As above, with a schema already known.
QUIVER_EXPORT Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, SchemaPtr schema);

// ---------------------------------------------------------------------------
// C Stream Interface.

/// Exposes `reader` as an ArrowArrayStream. get_schema exports reader->schema();
/// get_next exports the next batch (a released ArrowArray at the end) and
/// rejects a batch whose fields differ from the stream's schema. On error both
/// return an errno value -- EINVAL (Invalid, TypeError, KeyError, IndexError,
/// CapacityError), ENOMEM (OutOfMemory), ENOSYS (NotImplemented), ECANCELED
/// (Cancelled), EIO (IOError and anything else) -- and get_last_error returns
/// the Status text until the next call (null after a success). The stream
/// holds the reader until it is released.
QUIVER_EXPORT Status ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader,
                                             ArrowArrayStream* out);
/// A reader over `stream`, which it takes over and releases when closed or
/// destroyed. The schema is fetched once, here. Errors reported by the stream
/// become a Status carrying the errno's meaning (EINVAL -> Invalid, ENOMEM ->
/// OutOfMemory, ENOSYS -> NotImplemented, ECANCELED -> Cancelled, others ->
/// IOError) and the producer's get_last_error text.
QUIVER_EXPORT Result<std::shared_ptr<RecordBatchReader>> ImportRecordBatchReader(
    ArrowArrayStream* stream);

}  // namespace quiver
