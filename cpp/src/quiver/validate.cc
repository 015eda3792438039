// Validation of ArrayData against the Arrow columnar format (see validate.h).
//
// Two passes over the array tree:
//   Layout(): the structural pass. It reads only what it has just proven to be
//     there: buffer counts, then buffer sizes, then (for offsets and run ends)
//     the first and last entries. It recurses into children and dictionaries
//     before looking at anything that depends on them.
//   Contents(): the full pass, run only after Layout() succeeded on the whole
//     tree, so every buffer it walks is known to be large enough. It checks
//     every offset, view, index, run end and type id, and every UTF-8 string.
//
// Buffers may be unaligned (they can come straight out of an IPC body), so
// every multi-byte value is read with memcpy.
#include "quiver/validate.h"

#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "quiver/array.h"

namespace quiver {
namespace {

const DataType& StorageOf(const DataType& type) {
  const DataType* t = &type;
  while (t->id() == TypeId::EXTENSION) t = static_cast<const ExtensionType*>(t)->storage_type().get();
  return *t;
}

template <typename T>
T Load(const uint8_t* base, int64_t index) {
  T v;
  std::memcpy(&v, base + index * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

// bit_util::BytesForBits without the overflow near INT64_MAX.
int64_t BitmapBytes(int64_t bits) { return bits / 8 + (bits % 8 != 0 ? 1 : 0); }

int64_t BufferSize(const ArrayData& d, size_t i) {
  return i < d.buffers.size() && d.buffers[i] ? d.buffers[i]->size() : 0;
}

const uint8_t* BufferData(const ArrayData& d, size_t i) {
  return i < d.buffers.size() && d.buffers[i] ? d.buffers[i]->data() : nullptr;
}

// "int32 array", "list array", "extension<uuid> array": the subject of every message.
std::string Describe(const DataType& type) {
  if (type.id() == TypeId::EXTENSION) return type.ToString() + " array";
  return std::string(type.name()) + " array";
}

bool HasValidityBitmap(TypeId id) {
  return id != TypeId::NA && !is_union(id) && id != TypeId::RUN_END_ENCODED;
}

bool IsLargeOffsets(TypeId id) {
  return id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING || id == TypeId::LARGE_LIST ||
         id == TypeId::LARGE_LIST_VIEW;
}

// The number of buffers each layout has (binary views: at least 2, checked apart).
int ExpectedBufferCount(TypeId id) {
  if (id == TypeId::NA || id == TypeId::RUN_END_ENCODED) return 0;
  if (is_fixed_width(id)) return 2;
  if (is_base_binary(id) || is_list_view(id)) return 3;
  if (is_var_list(id) || id == TypeId::DICTIONARY) return 2;
  if (id == TypeId::FIXED_SIZE_LIST || id == TypeId::STRUCT) return 1;
  if (id == TypeId::SPARSE_UNION) return 1;
  if (id == TypeId::DENSE_UNION) return 2;
  return 2;  // binary views: validity, views (+ variadic data buffers)
}

const char* BufferLayoutName(TypeId id) {
  if (id == TypeId::NA || id == TypeId::RUN_END_ENCODED) return "no buffers";
  if (is_fixed_width(id)) return "validity, values";
  if (is_base_binary(id)) return "validity, offsets, data";
  if (is_list_view(id)) return "validity, offsets, sizes";
  if (is_var_list(id)) return "validity, offsets";
  if (id == TypeId::DICTIONARY) return "validity, indices";
  if (id == TypeId::SPARSE_UNION) return "type_ids";
  if (id == TypeId::DENSE_UNION) return "type_ids, offsets";
  if (is_binary_view(id)) return "validity, views, data buffers...";
  return "validity";
}

// The child fields of a storage type, in the order child_data must follow.
int ExpectedChildCount(const DataType& st) {
  const TypeId id = st.id();
  if (is_var_list(id) || is_list_view(id) || id == TypeId::FIXED_SIZE_LIST) return 1;
  if (id == TypeId::STRUCT || is_union(id) || id == TypeId::RUN_END_ENCODED) return st.num_fields();
  return 0;
}

// ---------------------------------------------------------------------------
// UTF-8

// Position of the first byte that breaks UTF-8 well-formedness (Unicode table
// 3-7: no overlongs, no surrogates, nothing past U+10FFFF), or -1 if none.
// `truncated` is set when the failure is a sequence cut off by the end.
int64_t FindInvalidUtf8(const uint8_t* s, int64_t n, bool* truncated) {
  *truncated = false;
  int64_t i = 0;
  while (i < n) {
    // ASCII fast path: 32 bytes at a time, then 8.
    if (i + 32 <= n) {
      uint64_t w[4];
      std::memcpy(w, s + i, 32);
      if (((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) == 0) {
        i += 32;
        continue;
      }
    }
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    int need;
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lo = 0xA0;  // no overlongs
      if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lo = 0x90;  // no overlongs
      if (b == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
    } else {
      return i;  // a continuation byte, an overlong lead (C0, C1) or F5..FF
    }
    for (int k = 1; k <= need; ++k) {
      if (i + k >= n) {
        *truncated = true;
        return i;
      }
      const uint8_t c = s[i + k];
      const uint8_t min = k == 1 ? lo : 0x80;
      const uint8_t max = k == 1 ? hi : 0xBF;
      if (c < min || c > max) return i + k;
    }
    i += need + 1;
  }
  return -1;
}

std::string HexByte(uint8_t b) {
  static const char* kDigits = "0123456789ABCDEF";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 15];
}

Status CheckUtf8(const std::string& what, int64_t index, const uint8_t* s, int64_t n) {
  bool truncated = false;
  const int64_t bad = FindInvalidUtf8(s, n, &truncated);
  if (bad < 0) return Status::OK();
  if (truncated) {
    return Status::Invalid(what, ": value at index ", index, " is not valid UTF-8: expected ",
                           "continuation bytes after lead byte ", HexByte(s[bad]), " at byte ", bad,
                           " but found the end of the value (", n, " bytes)");
  }
  return Status::Invalid(what, ": value at index ", index, " is not valid UTF-8: unexpected byte ",
                         HexByte(s[bad]), " at byte ", bad, " of ", n);
}

// ---------------------------------------------------------------------------
// Structural pass

Status ValidateLayout(const ArrayData& d);

Status CheckBuffer(const ArrayData& d, const std::string& what, size_t index, const char* name,
                   int64_t needed, const std::string& why) {
  const int64_t size = BufferSize(d, index);
  if (size >= needed) return Status::OK();
  if (index >= d.buffers.size() || !d.buffers[index]) {
    return Status::Invalid(what, ": the ", name, " buffer is missing, expected at least ", needed,
                           " bytes (", why, ")");
  }
  return Status::Invalid(what, ": the ", name, " buffer has ", size, " bytes, expected at least ", needed,
                         " (", why, ")");
}

// Bytes needed for `count` values of `width` bytes, or an error on overflow.
Status BytesFor(const std::string& what, int64_t count, int64_t width, int64_t* out) {
  if (__builtin_mul_overflow(count, width, out)) {
    return Status::Invalid(what, ": ", count, " values of ", width, " bytes overflow a 64-bit size");
  }
  return Status::OK();
}

// Checks the offsets buffer holds offset + length + 1 entries and that the first
// and last of them bound a range inside [0, limit].
template <typename O>
Status CheckOffsetsLayout(const ArrayData& d, const std::string& what, int64_t limit,
                          const char* limit_name) {
  if (d.length == 0 && BufferSize(d, 1) == 0) return Status::OK();  // empty arrays may omit offsets
  const int64_t end = d.offset + d.length;
  int64_t entries = 0, needed = 0;
  if (__builtin_add_overflow(end, 1, &entries)) {
    return Status::Invalid(what, ": offset + length + 1 overflows a 64-bit integer");
  }
  QUIVER_RETURN_NOT_OK(BytesFor(what, entries, sizeof(O), &needed));
  QUIVER_RETURN_NOT_OK(CheckBuffer(d, what, 1, "offsets", needed,
                                   "offset + length + 1 = " + std::to_string(end + 1) + " offsets of " +
                                       std::to_string(sizeof(O)) + " bytes"));
  const uint8_t* offsets = BufferData(d, 1);
  const int64_t first = static_cast<int64_t>(Load<O>(offsets, d.offset));
  const int64_t last = static_cast<int64_t>(Load<O>(offsets, end));
  if (first < 0) {
    return Status::Invalid(what, ": offset at index 0 is ", first, ", expected >= 0");
  }
  if (last < first) {
    return Status::Invalid(what, ": offset at index ", d.length, " is ", last, ", expected >= ", first,
                           " (the offset at index 0)");
  }
  if (last > limit) {
    return Status::Invalid(what, ": offset at index ", d.length, " is ", last, ", expected <= ", limit,
                           " (", limit_name, ")");
  }
  return Status::OK();
}

Status CheckChildType(const DataType& st, const ArrayData& child, int i, const std::string& what) {
  const FieldPtr& f = st.field(i);
  if (!child.type) {
    return Status::Invalid(what, ": child ", i, " ('", f->name(), "') has no type, expected ",
                           f->type()->ToString());
  }
  if (!child.type->Equals(*f->type())) {
    return Status::Invalid(what, ": child ", i, " ('", f->name(), "') has type ", child.type->ToString(),
                           ", expected ", f->type()->ToString());
  }
  return Status::OK();
}

Status ValidateChildrenLayout(const ArrayData& d, const DataType& st, const std::string& what) {
  const int expected = ExpectedChildCount(st);
  if (static_cast<int64_t>(d.child_data.size()) != expected) {
    return Status::Invalid(what, ": expected ", expected, " child arrays but found ", d.child_data.size());
  }
  for (int i = 0; i < expected; ++i) {
    const auto& child = d.child_data[static_cast<size_t>(i)];
    if (!child) return Status::Invalid(what, ": child ", i, " ('", st.field(i)->name(), "') is missing");
    QUIVER_RETURN_NOT_OK(CheckChildType(st, *child, i, what));
    QUIVER_RETURN_NOT_OK(ValidateLayout(*child).WithContext(what + ", child " + std::to_string(i) + " ('" +
                                                            st.field(i)->name() + "')"));
  }
  return Status::OK();
}

int64_t LoadRunEnd(const ArrayData& run_ends, int64_t k) {
  const uint8_t* p = BufferData(run_ends, 1);
  const int64_t at = run_ends.offset + k;
  switch (run_ends.type->id()) {
    case TypeId::INT16: return Load<int16_t>(p, at);
    case TypeId::INT32: return Load<int32_t>(p, at);
    default: return Load<int64_t>(p, at);
  }
}

Status ValidateRunEndEncodedLayout(const ArrayData& d, const DataType& st, const std::string& what) {
  const auto& rt = static_cast<const RunEndEncodedType&>(st);
  const TypeId re_id = rt.run_end_type()->id();
  if (re_id != TypeId::INT16 && re_id != TypeId::INT32 && re_id != TypeId::INT64) {
    return Status::Invalid(what, ": run ends must be int16, int32 or int64 but the type says ",
                           rt.run_end_type()->ToString());
  }
  QUIVER_RETURN_NOT_OK(ValidateChildrenLayout(d, st, what));
  const ArrayData& run_ends = *d.child_data[0];
  const ArrayData& values = *d.child_data[1];
  const int64_t run_end_nulls = run_ends.GetNullCount();
  if (run_end_nulls != 0) {
    return Status::Invalid(what, ": run ends must not be null but found ", run_end_nulls, " null(s)");
  }
  if (run_ends.length > values.length) {
    return Status::Invalid(what, ": expected at least as many values as run ends (", run_ends.length,
                           ") but found ", values.length, " values");
  }
  if (d.length == 0) return Status::OK();
  const int64_t end = d.offset + d.length;
  const int64_t max_end = re_id == TypeId::INT16   ? std::numeric_limits<int16_t>::max()
                          : re_id == TypeId::INT32 ? std::numeric_limits<int32_t>::max()
                                                   : std::numeric_limits<int64_t>::max();
  if (end > max_end) {
    return Status::Invalid(what, ": offset + length is ", end, ", expected <= ", max_end, " (the largest ",
                           rt.run_end_type()->ToString(), " run end)");
  }
  if (run_ends.length == 0) {
    return Status::Invalid(what, ": expected at least one run for ", d.length, " values but found none");
  }
  const int64_t last = LoadRunEnd(run_ends, run_ends.length - 1);
  if (last < end) {
    return Status::Invalid(what, ": last run end is ", last, ", expected >= ", end, " (offset ", d.offset,
                           " + length ", d.length, ")");
  }
  return Status::OK();
}

Status ValidateLayout(const ArrayData& d) {
  if (!d.type) return Status::Invalid("array has no type");
  const DataType& st = StorageOf(*d.type);
  const TypeId id = st.id();
  const std::string what = Describe(*d.type);

  if (d.length < 0) return Status::Invalid(what, ": length is ", d.length, ", expected >= 0");
  if (d.offset < 0) return Status::Invalid(what, ": offset is ", d.offset, ", expected >= 0");
  if (d.offset > std::numeric_limits<int64_t>::max() - d.length) {
    return Status::Invalid(what, ": offset ", d.offset, " + length ", d.length, " overflows a 64-bit integer");
  }
  if (d.null_count < kUnknownNullCount || d.null_count > d.length) {
    return Status::Invalid(what, ": null_count is ", d.null_count, ", expected in [0, ", d.length,
                           "] (the length) or ", kUnknownNullCount, " (unknown)");
  }
  if (id == TypeId::NA && d.null_count != kUnknownNullCount && d.null_count != d.length) {
    return Status::Invalid(what, ": null_count is ", d.null_count, ", expected ", d.length,
                           " (every value of a null array is null)");
  }

  // Buffer count.
  const int expected_buffers = ExpectedBufferCount(id);
  const auto nbuffers = static_cast<int64_t>(d.buffers.size());
  if (is_binary_view(id) ? nbuffers < expected_buffers : nbuffers != expected_buffers) {
    return Status::Invalid(what, ": expected ", is_binary_view(id) ? "at least " : "", expected_buffers,
                           " buffers (", BufferLayoutName(id), ") but found ", nbuffers);
  }
  if (id != TypeId::DICTIONARY && d.dictionary) {
    return Status::Invalid(what, ": only dictionary arrays carry a dictionary, but this one has one");
  }

  // Nothing is read from an empty array's buffers, so they need not cover its offset.
  const int64_t end = d.length == 0 ? 0 : d.offset + d.length;

  if (HasValidityBitmap(id)) {
    if (!d.buffers[0]) {
      if (d.null_count > 0) {
        return Status::Invalid(what, ": null_count is ", d.null_count,
                               " but there is no validity bitmap, expected 0");
      }
    } else {
      QUIVER_RETURN_NOT_OK(CheckBuffer(d, what, 0, "validity", BitmapBytes(end),
                                       std::to_string(end) + " bits for offset + length"));
    }
  }

  switch (id) {
    case TypeId::NA:
      return Status::OK();
    case TypeId::BOOL:
      return CheckBuffer(d, what, 1, "values", BitmapBytes(end),
                         std::to_string(end) + " bits for offset + length");
    case TypeId::BINARY:
    case TypeId::STRING:
    case TypeId::LARGE_BINARY:
    case TypeId::LARGE_STRING:
      if (IsLargeOffsets(id)) {
        return CheckOffsetsLayout<int64_t>(d, what, BufferSize(d, 2), "size of the data buffer");
      }
      return CheckOffsetsLayout<int32_t>(d, what, BufferSize(d, 2), "size of the data buffer");
    case TypeId::BINARY_VIEW:
    case TypeId::STRING_VIEW: {
      int64_t needed = 0;
      QUIVER_RETURN_NOT_OK(BytesFor(what, end, sizeof(BinaryViewHeader), &needed));
      return CheckBuffer(d, what, 1, "views", needed,
                         std::to_string(end) + " views of 16 bytes for offset + length");
    }
    case TypeId::LIST:
    case TypeId::LARGE_LIST:
    case TypeId::MAP: {
      QUIVER_RETURN_NOT_OK(ValidateChildrenLayout(d, st, what));
      const int64_t child_length = d.child_data[0]->length;
      if (id == TypeId::MAP) {
        const DataType& entries = *st.field(0)->type();
        if (entries.id() != TypeId::STRUCT || entries.num_fields() != 2) {
          return Status::Invalid(what, ": map entries must be a struct of two fields but found ",
                                 entries.ToString());
        }
      }
      if (id == TypeId::LARGE_LIST) {
        return CheckOffsetsLayout<int64_t>(d, what, child_length, "length of the child array");
      }
      return CheckOffsetsLayout<int32_t>(d, what, child_length, "length of the child array");
    }
    case TypeId::LIST_VIEW:
    case TypeId::LARGE_LIST_VIEW: {
      QUIVER_RETURN_NOT_OK(ValidateChildrenLayout(d, st, what));
      const int64_t width = IsLargeOffsets(id) ? 8 : 4;
      int64_t needed = 0;
      QUIVER_RETURN_NOT_OK(BytesFor(what, end, width, &needed));
      const std::string why = std::to_string(end) + " entries of " + std::to_string(width) +
                              " bytes for offset + length";
      QUIVER_RETURN_NOT_OK(CheckBuffer(d, what, 1, "offsets", needed, why));
      return CheckBuffer(d, what, 2, "sizes", needed, why);
    }
    case TypeId::FIXED_SIZE_LIST: {
      QUIVER_RETURN_NOT_OK(ValidateChildrenLayout(d, st, what));
      const int64_t list_size = static_cast<const FixedSizeListType&>(st).list_size();
      int64_t needed = 0;
      QUIVER_RETURN_NOT_OK(BytesFor(what, end, list_size, &needed));
      const int64_t child_length = d.child_data[0]->length;
      if (child_length < needed) {
        return Status::Invalid(what, ": child array has length ", child_length, ", expected >= ", needed,
                               " ((offset + length) * list_size = ", end, " * ", list_size, ")");
      }
      return Status::OK();
    }
    case TypeId::STRUCT:
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      if (is_union(id)) {
        QUIVER_RETURN_NOT_OK(CheckBuffer(d, what, 0, "type_ids", end,
                                         std::to_string(end) + " one-byte type ids for offset + length"));
        if (id == TypeId::DENSE_UNION) {
          int64_t needed = 0;
          QUIVER_RETURN_NOT_OK(BytesFor(what, end, 4, &needed));
          QUIVER_RETURN_NOT_OK(CheckBuffer(d, what, 1, "offsets", needed,
                                           std::to_string(end) + " int32 offsets for offset + length"));
        }
      }
      QUIVER_RETURN_NOT_OK(ValidateChildrenLayout(d, st, what));
      if (id == TypeId::DENSE_UNION) return Status::OK();
      // Struct and sparse union children are indexed by the parent's own positions.
      for (size_t i = 0; i < d.child_data.size(); ++i) {
        const int64_t child_length = d.child_data[i]->length;
        if (child_length < end) {
          return Status::Invalid(what, ": child ", i, " ('", st.field(static_cast<int>(i))->name(),
                                 "') has length ", child_length, ", expected >= ", end,
                                 " (offset + length of the parent)");
        }
      }
      return Status::OK();
    }
    case TypeId::DICTIONARY: {
      const auto& dt = static_cast<const DictionaryType&>(st);
      if (!is_integer(dt.index_type()->id())) {
        return Status::Invalid(what, ": index type must be an integer type but found ",
                               dt.index_type()->ToString());
      }
      int64_t needed = 0;
      QUIVER_RETURN_NOT_OK(BytesFor(what, end, dt.index_type()->byte_width(), &needed));
      QUIVER_RETURN_NOT_OK(CheckBuffer(d, what, 1, "indices", needed,
                                       std::to_string(end) + " " + dt.index_type()->ToString() +
                                           " indices for offset + length"));
      if (!d.dictionary) return Status::Invalid(what, ": expected a dictionary but found none");
      if (!d.dictionary->type || !d.dictionary->type->Equals(*dt.value_type())) {
        return Status::Invalid(what, ": dictionary has type ",
                               d.dictionary->type ? d.dictionary->type->ToString() : "(none)", ", expected ",
                               dt.value_type()->ToString());
      }
      return ValidateLayout(*d.dictionary).WithContext(what + ", dictionary");
    }
    case TypeId::RUN_END_ENCODED:
      return ValidateRunEndEncodedLayout(d, st, what);
    case TypeId::EXTENSION:
      break;  // StorageOf never yields an extension type
    default: {
      // Every other fixed-width type: whole bytes per value (fixed_size_binary may have 0).
      const int width = id == TypeId::FIXED_SIZE_BINARY ? static_cast<const FixedSizeBinaryType&>(st).width()
                                                        : st.byte_width();
      if (width < 0) return Status::Invalid(what, ": cannot validate arrays of type ", st.ToString());
      int64_t needed = 0;
      QUIVER_RETURN_NOT_OK(BytesFor(what, end, width, &needed));
      return CheckBuffer(d, what, 1, "values", needed,
                         std::to_string(end) + " values of " + std::to_string(width) +
                             " bytes for offset + length");
    }
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Full pass (the structural pass has succeeded on the whole tree)

Status ValidateContents(const ArrayData& d);

bool BitmapValid(const ArrayData& d, int64_t i) {
  const uint8_t* bits = BufferData(d, 0);
  return bits == nullptr || d.null_count == 0 || bit_util::GetBit(bits, d.offset + i);
}

// Offsets never decrease; with the structural first/last checks this puts every
// value inside [0, limit].
template <typename O>
Status CheckOffsetsMonotonic(const ArrayData& d, const std::string& what, int64_t limit,
                             const char* limit_name) {
  if (d.length == 0) return Status::OK();
  const uint8_t* offsets = BufferData(d, 1);
  int64_t prev = static_cast<int64_t>(Load<O>(offsets, d.offset));
  for (int64_t i = 1; i <= d.length; ++i) {
    const int64_t cur = static_cast<int64_t>(Load<O>(offsets, d.offset + i));
    if (cur > limit) {
      return Status::Invalid(what, ": offset at index ", i, " is ", cur, ", expected <= ", limit, " (",
                             limit_name, ")");
    }
    if (cur < prev) {
      return Status::Invalid(what, ": offset at index ", i, " is ", cur, ", expected >= ", prev,
                             " (the offset at index ", i - 1, "; offsets must not decrease)");
    }
    prev = cur;
  }
  return Status::OK();
}

// The fast check for a whole string array: when the bytes from the first value's
// start to the last value's end are well-formed UTF-8 and no value starts on a
// continuation byte, every value is well-formed on its own (a value then ends
// where the next begins, on a character boundary). One pass over the bytes
// instead of a call per value. False means "not proven": check value by value.
template <typename O>
bool AllValuesUtf8(const ArrayData& d, const uint8_t* offsets, const uint8_t* data) {
  const int64_t first = static_cast<int64_t>(Load<O>(offsets, d.offset));
  const int64_t last = static_cast<int64_t>(Load<O>(offsets, d.offset + d.length));
  if (last <= first) return true;
  bool truncated = false;
  if (FindInvalidUtf8(data + first, last - first, &truncated) >= 0) return false;
  for (int64_t i = 1; i < d.length; ++i) {
    const int64_t start = static_cast<int64_t>(Load<O>(offsets, d.offset + i));
    if (start < last && (data[start] & 0xC0) == 0x80) return false;
  }
  return true;
}

template <typename O>
Status ValidateBinaryContents(const ArrayData& d, const std::string& what, bool utf8) {
  const int64_t data_size = BufferSize(d, 2);
  QUIVER_RETURN_NOT_OK(CheckOffsetsMonotonic<O>(d, what, data_size, "size of the data buffer"));
  if (!utf8 || d.length == 0) return Status::OK();
  const uint8_t* offsets = BufferData(d, 1);
  const uint8_t* data = BufferData(d, 2);
  if (AllValuesUtf8<O>(d, offsets, data)) return Status::OK();
  // Something is wrong (or a null slot holds non-UTF-8 bytes, which is allowed):
  // value by value, skipping nulls, for the exact message.
  for (int64_t i = 0; i < d.length; ++i) {
    if (!BitmapValid(d, i)) continue;
    const int64_t begin = static_cast<int64_t>(Load<O>(offsets, d.offset + i));
    const int64_t stop = static_cast<int64_t>(Load<O>(offsets, d.offset + i + 1));
    if (stop > begin) QUIVER_RETURN_NOT_OK(CheckUtf8(what, i, data + begin, stop - begin));
  }
  return Status::OK();
}

Status ValidateBinaryViewContents(const ArrayData& d, const std::string& what, bool utf8) {
  const uint8_t* views = BufferData(d, 1);
  const int64_t num_data_buffers = static_cast<int64_t>(d.buffers.size()) - 2;
  for (int64_t i = 0; i < d.length; ++i) {
    const auto v = Load<BinaryViewHeader>(views, d.offset + i);
    const int32_t size = v.inlined.size;
    if (size < 0) return Status::Invalid(what, ": view at index ", i, " has size ", size, ", expected >= 0");
    const uint8_t* bytes;
    if (size <= BinaryViewHeader::kInlineSize) {
      bytes = views + (d.offset + i) * 16 + 4;  // the inline bytes follow the size
    } else {
      const int32_t index = v.ref.buffer_index;
      if (index < 0 || index >= num_data_buffers) {
        return Status::Invalid(what, ": view at index ", i, " refers to data buffer ", index,
                               ", expected in [0, ", num_data_buffers, ") (the number of data buffers)");
      }
      const int32_t offset = v.ref.offset;
      const int64_t buffer_size = BufferSize(d, static_cast<size_t>(index) + 2);
      if (offset < 0 || static_cast<int64_t>(offset) + size > buffer_size) {
        return Status::Invalid(what, ": view at index ", i, " covers bytes [", offset, ", ",
                               static_cast<int64_t>(offset) + size, ") of data buffer ", index,
                               ", expected within [0, ", buffer_size, ") (the size of that buffer)");
      }
      bytes = BufferData(d, static_cast<size_t>(index) + 2) + offset;
      if (std::memcmp(bytes, v.ref.prefix, 4) != 0) {
        std::string expected, found;
        for (int k = 0; k < 4; ++k) {
          expected += (k ? " " : "") + HexByte(bytes[k]);
          found += (k ? " " : "") + HexByte(v.ref.prefix[k]);
        }
        return Status::Invalid(what, ": view at index ", i, " has prefix ", found, ", expected ", expected,
                               " (the first 4 bytes of its data)");
      }
    }
    if (utf8 && size > 0 && BitmapValid(d, i)) QUIVER_RETURN_NOT_OK(CheckUtf8(what, i, bytes, size));
  }
  return Status::OK();
}

template <typename O>
Status ValidateListViewContents(const ArrayData& d, const std::string& what) {
  const int64_t child_length = d.child_data[0]->length;
  const uint8_t* offsets = BufferData(d, 1);
  const uint8_t* sizes = BufferData(d, 2);
  for (int64_t i = 0; i < d.length; ++i) {
    const int64_t offset = static_cast<int64_t>(Load<O>(offsets, d.offset + i));
    const int64_t size = static_cast<int64_t>(Load<O>(sizes, d.offset + i));
    if (size < 0) return Status::Invalid(what, ": size at index ", i, " is ", size, ", expected >= 0");
    if (offset < 0 || offset > child_length || size > child_length - offset) {
      return Status::Invalid(what, ": list at index ", i, " has offset ", offset, " and size ", size,
                             ", expected 0 <= offset and offset + size <= ", child_length,
                             " (the length of the child array)");
    }
  }
  return Status::OK();
}

// Map keys may not be null within the entries the map refers to.
Status ValidateMapKeys(const ArrayData& d, const std::string& what) {
  if (d.length == 0 || BufferSize(d, 1) == 0) return Status::OK();
  const ArrayData& entries = *d.child_data[0];
  const ArrayData& keys = *entries.child_data[0];
  const uint8_t* offsets = BufferData(d, 1);
  const int64_t first = Load<int32_t>(offsets, d.offset);
  const int64_t last = Load<int32_t>(offsets, d.offset + d.length);
  for (int64_t j = first; j < last; ++j) {
    if (!keys.IsValid(entries.offset + j)) {
      return Status::Invalid(what, ": key of map entry ", j, " is null, expected a non-null key");
    }
  }
  return Status::OK();
}

Status ValidateUnionContents(const ArrayData& d, const DataType& st, const std::string& what) {
  const auto& ut = static_cast<const UnionType&>(st);
  const uint8_t* type_ids = BufferData(d, 0);
  const uint8_t* offsets = st.id() == TypeId::DENSE_UNION ? BufferData(d, 1) : nullptr;
  for (int64_t i = 0; i < d.length; ++i) {
    const auto code = static_cast<int8_t>(type_ids[d.offset + i]);
    const int child = code < 0 ? -1 : ut.child_ids()[static_cast<size_t>(code)];
    if (child < 0) {
      std::string declared;
      for (size_t k = 0; k < ut.type_codes().size(); ++k) {
        declared += (k ? ", " : "") + std::to_string(ut.type_codes()[k]);
      }
      return Status::Invalid(what, ": type id ", static_cast<int>(code), " at position ", i,
                             " is not declared by the type, expected one of {", declared, "}");
    }
    if (offsets) {
      const int64_t off = Load<int32_t>(offsets, d.offset + i);
      const int64_t child_length = d.child_data[static_cast<size_t>(child)]->length;
      if (off < 0 || off >= child_length) {
        return Status::Invalid(what, ": offset ", off, " at position ", i, " (type id ", static_cast<int>(code),
                               ", child ", child, ") is out of range: expected in [0, ", child_length, ")");
      }
    }
  }
  return Status::OK();
}

Status ValidateDictionaryContents(const ArrayData& d, const DataType& st, const std::string& what) {
  QUIVER_RETURN_NOT_OK(ValidateContents(*d.dictionary).WithContext(what + ", dictionary"));
  const auto& dt = static_cast<const DictionaryType&>(st);
  const int64_t dict_length = d.dictionary->length;
  const uint8_t* indices = BufferData(d, 1);
  for (int64_t i = 0; i < d.length; ++i) {
    if (!BitmapValid(d, i)) continue;
    const int64_t at = d.offset + i;
    int64_t index = 0;
    bool too_large = false;  // an unsigned 64-bit index beyond int64
    switch (dt.index_type()->id()) {
      case TypeId::INT8: index = Load<int8_t>(indices, at); break;
      case TypeId::UINT8: index = Load<uint8_t>(indices, at); break;
      case TypeId::INT16: index = Load<int16_t>(indices, at); break;
      case TypeId::UINT16: index = Load<uint16_t>(indices, at); break;
      case TypeId::INT32: index = Load<int32_t>(indices, at); break;
      case TypeId::UINT32: index = Load<uint32_t>(indices, at); break;
      case TypeId::INT64: index = Load<int64_t>(indices, at); break;
      case TypeId::UINT64: {
        const uint64_t u = Load<uint64_t>(indices, at);
        too_large = u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
        index = static_cast<int64_t>(u);
        if (too_large) {
          return Status::Invalid(what, ": dictionary index ", u, " at position ", i,
                                 " is out of range: expected in [0, ", dict_length, ")");
        }
        break;
      }
      default:
        return Status::Invalid(what, ": index type must be an integer but found ",
                               dt.index_type()->ToString());
    }
    if (index < 0 || index >= dict_length) {
      return Status::Invalid(what, ": dictionary index ", index, " at position ", i,
                             " is out of range: expected in [0, ", dict_length, ")");
    }
  }
  return Status::OK();
}

Status ValidateRunEndsContents(const ArrayData& d, const std::string& what) {
  const ArrayData& run_ends = *d.child_data[0];
  int64_t prev = 0;
  for (int64_t k = 0; k < run_ends.length; ++k) {
    const int64_t cur = LoadRunEnd(run_ends, k);
    if (k == 0 && cur <= 0) {
      return Status::Invalid(what, ": run end at index 0 is ", cur, ", expected > 0");
    }
    if (k > 0 && cur <= prev) {
      return Status::Invalid(what, ": run end at index ", k, " is ", cur, ", expected > ", prev,
                             " (the run end at index ", k - 1, "; run ends must strictly increase)");
    }
    prev = cur;
  }
  return Status::OK();
}

Status ValidateChildrenContents(const ArrayData& d, const DataType& st, const std::string& what) {
  for (size_t i = 0; i < d.child_data.size(); ++i) {
    QUIVER_RETURN_NOT_OK(ValidateContents(*d.child_data[i])
                             .WithContext(what + ", child " + std::to_string(i) + " ('" +
                                          st.field(static_cast<int>(i))->name() + "')"));
  }
  return Status::OK();
}

Status ValidateContents(const ArrayData& d) {
  const DataType& st = StorageOf(*d.type);
  const TypeId id = st.id();
  const std::string what = Describe(*d.type);

  // A known null count must agree with the bitmap.
  if (HasValidityBitmap(id) && d.null_count != kUnknownNullCount && BufferData(d, 0) != nullptr) {
    const int64_t nulls = d.length - bit_util::CountSetBits(BufferData(d, 0), d.offset, d.length);
    if (nulls != d.null_count) {
      return Status::Invalid(what, ": null_count is ", d.null_count, ", expected ", nulls,
                             " (the number of nulls in the validity bitmap)");
    }
  }

  switch (id) {
    case TypeId::BINARY:
      return ValidateBinaryContents<int32_t>(d, what, false);
    case TypeId::STRING:
      return ValidateBinaryContents<int32_t>(d, what, true);
    case TypeId::LARGE_BINARY:
      return ValidateBinaryContents<int64_t>(d, what, false);
    case TypeId::LARGE_STRING:
      return ValidateBinaryContents<int64_t>(d, what, true);
    case TypeId::BINARY_VIEW:
      return ValidateBinaryViewContents(d, what, false);
    case TypeId::STRING_VIEW:
      return ValidateBinaryViewContents(d, what, true);
    case TypeId::LIST:
    case TypeId::MAP:
      if (d.length > 0 && BufferSize(d, 1) > 0) {
        QUIVER_RETURN_NOT_OK(
            CheckOffsetsMonotonic<int32_t>(d, what, d.child_data[0]->length, "length of the child array"));
      }
      QUIVER_RETURN_NOT_OK(ValidateChildrenContents(d, st, what));
      return id == TypeId::MAP ? ValidateMapKeys(d, what) : Status::OK();
    case TypeId::LARGE_LIST:
      if (d.length > 0 && BufferSize(d, 1) > 0) {
        QUIVER_RETURN_NOT_OK(
            CheckOffsetsMonotonic<int64_t>(d, what, d.child_data[0]->length, "length of the child array"));
      }
      return ValidateChildrenContents(d, st, what);
    case TypeId::LIST_VIEW:
      QUIVER_RETURN_NOT_OK(ValidateListViewContents<int32_t>(d, what));
      return ValidateChildrenContents(d, st, what);
    case TypeId::LARGE_LIST_VIEW:
      QUIVER_RETURN_NOT_OK(ValidateListViewContents<int64_t>(d, what));
      return ValidateChildrenContents(d, st, what);
    case TypeId::FIXED_SIZE_LIST:
    case TypeId::STRUCT:
      return ValidateChildrenContents(d, st, what);
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION:
      QUIVER_RETURN_NOT_OK(ValidateUnionContents(d, st, what));
      return ValidateChildrenContents(d, st, what);
    case TypeId::DICTIONARY:
      return ValidateDictionaryContents(d, st, what);
    case TypeId::RUN_END_ENCODED:
      QUIVER_RETURN_NOT_OK(ValidateRunEndsContents(d, what));
      return ValidateChildrenContents(d, st, what);
    default:
      return Status::OK();
  }
}

}  // namespace

Status ValidateArrayData(const ArrayData& data, bool full) {
  QUIVER_RETURN_NOT_OK(ValidateLayout(data));
  if (full) QUIVER_RETURN_NOT_OK(ValidateContents(data));
  return Status::OK();
}

Status Array::Validate() const { return ValidateArrayData(*data_, /*full=*/false); }

Status Array::ValidateFull() const { return ValidateArrayData(*data_, /*full=*/true); }

}  // namespace quiver
