// Concatenate: copies arrays of one type end to end into new buffers.
//
// Every input is an ArrayData view (offset + length) over its buffers. Each type
// gets the output layout the columnar format requires, built in two passes: the
// first checks every buffer and child range the copy will read (so malformed
// input is a Status, never an out-of-bounds read) and sizes the output; the
// second copies. Nested types recurse: the child ranges that the inputs actually
// reference are sliced out (zero-copy) and concatenated by the same code.
#include "quiver/concatenate.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>

namespace quiver {

namespace {

using DataVector = std::vector<ArrayDataPtr>;

TypeId StorageTypeId(const DataType& type) {
  return type.id() == TypeId::EXTENSION
             ? StorageTypeId(*static_cast<const ExtensionType&>(type).storage_type())
             : type.id();
}

int64_t TotalLength(const DataVector& in) {
  int64_t total = 0;
  for (const auto& d : in) total += d->length;
  return total;
}

// Checks that buffer `index` of `d` exists and holds at least `bytes` bytes.
// A missing buffer is fine when nothing needs to be read from it.
Status NeedBytes(const ArrayData& d, size_t index, int64_t bytes, const char* what) {
  if (bytes <= 0) return Status::OK();
  if (index >= d.buffers.size() || !d.buffers[index]) {
    return Status::Invalid("expected a ", what, " buffer of at least ", bytes, " bytes in a ",
                           d.type->ToString(), " array but found none");
  }
  if (d.buffers[index]->size() < bytes) {
    return Status::Invalid("expected a ", what, " buffer of at least ", bytes, " bytes in a ",
                           d.type->ToString(), " array (offset ", d.offset, ", length ", d.length,
                           ") but found ", d.buffers[index]->size());
  }
  return Status::OK();
}

Status NeedChildren(const ArrayData& d, size_t count) {
  if (d.child_data.size() != count) {
    return Status::Invalid("expected ", count, " children in a ", d.type->ToString(), " array but found ",
                           d.child_data.size());
  }
  for (const auto& c : d.child_data) {
    if (!c) return Status::Invalid("a ", d.type->ToString(), " array has a null child");
  }
  return Status::OK();
}

Status NeedChildLength(const ArrayData& d, size_t child, int64_t end) {
  if (d.child_data[child]->length < end) {
    return Status::Invalid("child ", child, " of a ", d.type->ToString(), " array has ",
                           d.child_data[child]->length, " values but the array references values up to ", end);
  }
  return Status::OK();
}

// Whether `d` has a bitmap that must be honoured (a bitmap with a zero null count
// is ignored, as everywhere in Quiver).
bool HasNullsInBitmap(const ArrayData& d) {
  return !d.buffers.empty() && d.buffers[0] && d.GetNullCount() != 0;
}

// Checked before anything (GetNullCount included) reads the bitmap.
Status CheckBitmap(const ArrayData& d) {
  if (d.buffers.empty() || !d.buffers[0] || d.null_count == 0) return Status::OK();
  return NeedBytes(d, 0, bit_util::BytesForBits(d.offset + d.length), "validity");
}

// Bytes per value of a fixed-width type other than bool (fixed_size_binary may be 0 wide).
int64_t ValueWidth(const DataType& type) {
  if (type.id() == TypeId::FIXED_SIZE_BINARY) return static_cast<const FixedSizeBinaryType&>(type).width();
  return type.byte_width();
}

Result<int64_t> ReadInteger(const ArrayData& d, int64_t i) {
  switch (d.type->id()) {
    case TypeId::INT8: return d.GetValues<int8_t>(1)[i];
    case TypeId::UINT8: return d.GetValues<uint8_t>(1)[i];
    case TypeId::INT16: return d.GetValues<int16_t>(1)[i];
    case TypeId::UINT16: return d.GetValues<uint16_t>(1)[i];
    case TypeId::INT32: return d.GetValues<int32_t>(1)[i];
    case TypeId::UINT32: return d.GetValues<uint32_t>(1)[i];
    case TypeId::INT64: return d.GetValues<int64_t>(1)[i];
    case TypeId::UINT64: {
      const uint64_t v = d.GetValues<uint64_t>(1)[i];
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Status::Invalid("index value ", v, " is out of range");
      }
      return static_cast<int64_t>(v);
    }
    default: return Status::TypeError("expected an integer type but found ", d.type->ToString());
  }
}

int64_t MaxIntegerValue(TypeId id) {
  switch (id) {
    case TypeId::INT8: return std::numeric_limits<int8_t>::max();
    case TypeId::UINT8: return std::numeric_limits<uint8_t>::max();
    case TypeId::INT16: return std::numeric_limits<int16_t>::max();
    case TypeId::UINT16: return std::numeric_limits<uint16_t>::max();
    case TypeId::INT32: return std::numeric_limits<int32_t>::max();
    case TypeId::UINT32: return std::numeric_limits<uint32_t>::max();
    default: return std::numeric_limits<int64_t>::max();
  }
}

void WriteInteger(uint8_t* dst, int width, int64_t index, int64_t value) {
  switch (width) {
    case 1: dst[index] = static_cast<uint8_t>(value); break;
    case 2: reinterpret_cast<uint16_t*>(dst)[index] = static_cast<uint16_t>(value); break;
    case 4: reinterpret_cast<uint32_t*>(dst)[index] = static_cast<uint32_t>(value); break;
    default: reinterpret_cast<uint64_t*>(dst)[index] = static_cast<uint64_t>(value); break;
  }
}

class Concatenator {
 public:
  explicit Concatenator(MemoryPool* pool) : pool_(pool) {}

  /// `in` is not empty and every element has the same type.
  Result<ArrayDataPtr> Run(const DataVector& in) {
    const TypePtr& type = in[0]->type;
    for (size_t i = 1; i < in.size(); ++i) {
      if (!in[i]->type->Equals(*type)) {
        return Status::Invalid("arrays to concatenate must share one type: expected ", type->ToString(),
                               " but found ", in[i]->type->ToString());
      }
    }
    for (const auto& d : in) {
      if (d->length < 0 || d->offset < 0) {
        return Status::Invalid("a ", type->ToString(), " array has negative offset ", d->offset,
                               " or length ", d->length);
      }
    }
    if (type->id() == TypeId::EXTENSION) {
      // Concatenate the storage and put the extension type back on.
      const TypePtr& storage = static_cast<const ExtensionType&>(*type).storage_type();
      DataVector views;
      for (const auto& d : in) {
        auto v = std::make_shared<ArrayData>(*d);
        v->type = storage;
        views.push_back(std::move(v));
      }
      QUIVER_ASSIGN_OR_RAISE(auto out, Run(views));
      out->type = type;
      return out;
    }
    const TypeId id = type->id();
    switch (id) {
      case TypeId::NA: {
        const int64_t total = TotalLength(in);
        return ArrayData::Make(type, total, {}, total);
      }
      case TypeId::BOOL: return Boolean(in);
      case TypeId::BINARY:
      case TypeId::STRING: return Binary<int32_t>(in);
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING: return Binary<int64_t>(in);
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW: return Views(in);
      case TypeId::LIST:
      case TypeId::MAP: return List<int32_t>(in);
      case TypeId::LARGE_LIST: return List<int64_t>(in);
      case TypeId::LIST_VIEW: return ListView<int32_t>(in);
      case TypeId::LARGE_LIST_VIEW: return ListView<int64_t>(in);
      case TypeId::FIXED_SIZE_LIST: return FixedSizeList(in);
      case TypeId::STRUCT: return Struct(in);
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION: return Union(in);
      case TypeId::DICTIONARY: return Dictionary(in);
      case TypeId::RUN_END_ENCODED: return RunEndEncoded(in);
      default: break;
    }
    if (is_fixed_width(id) && ValueWidth(*type) >= 0) return FixedWidth(in);
    return Status::NotImplemented("concatenation of ", type->ToString(), " arrays");
  }

 private:
  Result<std::shared_ptr<Buffer>> Allocate(int64_t bytes) { return AllocateBuffer(bytes, pool_); }

  // The combined validity bitmap, or null when no input has a null.
  Result<std::shared_ptr<Buffer>> Validity(const DataVector& in, int64_t* null_count) {
    const int64_t total = TotalLength(in);
    *null_count = 0;
    bool any = false;
    for (const auto& d : in) {
      QUIVER_RETURN_NOT_OK(CheckBitmap(*d));
      any = any || HasNullsInBitmap(*d);
    }
    if (!any) return std::shared_ptr<Buffer>();
    QUIVER_ASSIGN_OR_RAISE(auto out, AllocateZeroedBuffer(bit_util::BytesForBits(total), pool_));
    uint8_t* dst = out->mutable_data();
    int64_t pos = 0;
    for (const auto& d : in) {
      if (HasNullsInBitmap(*d)) {
        bit_util::CopyBitmap(d->buffers[0]->data(), d->offset, d->length, dst, pos);
      } else {
        for (int64_t i = 0; i < d->length; ++i) bit_util::SetBit(dst, pos + i);
      }
      pos += d->length;
    }
    // Counted from the result rather than summed, so the count is exact even when
    // an input's recorded null count was not.
    *null_count = total - bit_util::CountSetBits(dst, 0, total);
    return out;
  }

  // Buffer `index` of every input holds `width`-byte values; copies the viewed ranges.
  Result<std::shared_ptr<Buffer>> FixedValues(const DataVector& in, size_t index, int64_t width,
                                              const char* what) {
    const int64_t total = TotalLength(in);
    for (const auto& d : in) {
      if (d->length > 0) QUIVER_RETURN_NOT_OK(NeedBytes(*d, index, (d->offset + d->length) * width, what));
    }
    QUIVER_ASSIGN_OR_RAISE(auto out, Allocate(total * width));
    uint8_t* dst = out->mutable_data();
    for (const auto& d : in) {
      if (d->length == 0 || width == 0) continue;
      std::memcpy(dst, d->buffers[index]->data() + d->offset * width, static_cast<size_t>(d->length * width));
      dst += d->length * width;
    }
    return out;
  }

  Result<ArrayDataPtr> FixedWidth(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    QUIVER_ASSIGN_OR_RAISE(auto values, FixedValues(in, 1, ValueWidth(*in[0]->type), "values"));
    return ArrayData::Make(in[0]->type, TotalLength(in), {validity, values}, null_count);
  }

  Result<ArrayDataPtr> Boolean(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const int64_t total = TotalLength(in);
    for (const auto& d : in) {
      if (d->length > 0) {
        QUIVER_RETURN_NOT_OK(NeedBytes(*d, 1, bit_util::BytesForBits(d->offset + d->length), "values"));
      }
    }
    QUIVER_ASSIGN_OR_RAISE(auto values, AllocateZeroedBuffer(bit_util::BytesForBits(total), pool_));
    int64_t pos = 0;
    for (const auto& d : in) {
      if (d->length > 0) {
        bit_util::CopyBitmap(d->buffers[1]->data(), d->offset, d->length, values->mutable_data(), pos);
      }
      pos += d->length;
    }
    return ArrayData::Make(in[0]->type, total, {validity, values}, null_count);
  }

  // binary, string, large_binary, large_string: copy the referenced data bytes and
  // rebase every offset onto the output's data buffer.
  template <typename O>
  Result<ArrayDataPtr> Binary(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const int64_t total = TotalLength(in);
    int64_t data_total = 0;
    for (const auto& d : in) {
      if (d->length == 0) continue;
      QUIVER_RETURN_NOT_OK(NeedBytes(*d, 1, (d->offset + d->length + 1) * static_cast<int64_t>(sizeof(O)), "offsets"));
      const O* offs = d->GetValues<O>(1);
      const int64_t first = offs[0], last = offs[d->length];
      if (first < 0 || last < first) {
        return Status::Invalid("a ", d->type->ToString(), " array's offsets run from ", first, " to ", last,
                               ": expected non-negative, non-decreasing offsets");
      }
      QUIVER_RETURN_NOT_OK(NeedBytes(*d, 2, last, "data"));
      data_total += last - first;
    }
    if (data_total > std::numeric_limits<O>::max()) {
      return Status::CapacityError("concatenated ", in[0]->type->ToString(), " data would be ", data_total,
                                   " bytes, more than 32-bit offsets can address (",
                                   std::numeric_limits<O>::max(), "); use the large_ variant of the type");
    }
    QUIVER_ASSIGN_OR_RAISE(auto offsets, Allocate((total + 1) * static_cast<int64_t>(sizeof(O))));
    QUIVER_ASSIGN_OR_RAISE(auto data, Allocate(data_total));
    O* out_offs = offsets->mutable_data_as<O>();
    uint8_t* out_data = data->mutable_data();
    out_offs[0] = 0;
    int64_t pos = 0, data_pos = 0;
    for (const auto& d : in) {
      if (d->length == 0) continue;
      const O* offs = d->GetValues<O>(1);
      const int64_t first = offs[0], last = offs[d->length];
      if (last > first) {
        std::memcpy(out_data + data_pos, d->buffers[2]->data() + first, static_cast<size_t>(last - first));
      }
      for (int64_t i = 1; i <= d->length; ++i) {
        out_offs[pos + i] = static_cast<O>(static_cast<int64_t>(offs[i]) - first + data_pos);
      }
      pos += d->length;
      data_pos += last - first;
    }
    return ArrayData::Make(in[0]->type, total, {validity, offsets, data}, null_count);
  }

  // binary_view, string_view: copy the views; the inputs' data buffers are shared
  // (not copied) and appended, so out-of-line views get their buffer index shifted.
  Result<ArrayDataPtr> Views(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const int64_t total = TotalLength(in);
    QUIVER_ASSIGN_OR_RAISE(auto views, Allocate(total * 16));
    auto* out_views = views->mutable_data_as<BinaryViewHeader>();
    std::vector<std::shared_ptr<Buffer>> buffers{validity, views};
    int64_t pos = 0;
    for (const auto& d : in) {
      if (d->length == 0) continue;
      QUIVER_RETURN_NOT_OK(NeedBytes(*d, 1, (d->offset + d->length) * 16, "views"));
      const int64_t num_data = static_cast<int64_t>(d->buffers.size()) - 2;
      const int64_t base = static_cast<int64_t>(buffers.size()) - 2;
      if (base + std::max<int64_t>(num_data, 0) > std::numeric_limits<int32_t>::max()) {
        return Status::CapacityError("concatenation would need more than 2^31 view data buffers");
      }
      const BinaryViewHeader* src = d->GetValues<BinaryViewHeader>(1);
      const bool check_nulls = HasNullsInBitmap(*d);
      for (int64_t i = 0; i < d->length; ++i) {
        BinaryViewHeader v = src[i];
        if (check_nulls && !bit_util::GetBit(d->buffers[0]->data(), d->offset + i)) {
          std::memset(&v, 0, sizeof(v));  // a null's view may hold anything; write an empty one
        } else if (v.ref.size < 0) {
          return Status::Invalid("view ", i, " of a ", d->type->ToString(), " array has negative size ",
                                 v.ref.size);
        } else if (v.ref.size > BinaryViewHeader::kInlineSize) {
          const int64_t b = v.ref.buffer_index;
          if (b < 0 || b >= num_data || !d->buffers[static_cast<size_t>(2 + b)]) {
            return Status::Invalid("view ", i, " of a ", d->type->ToString(), " array refers to data buffer ", b,
                                   " but the array has ", std::max<int64_t>(num_data, 0));
          }
          const int64_t buf_size = d->buffers[static_cast<size_t>(2 + b)]->size();
          if (v.ref.offset < 0 || static_cast<int64_t>(v.ref.offset) + v.ref.size > buf_size) {
            return Status::Invalid("view ", i, " of a ", d->type->ToString(), " array covers bytes [",
                                   v.ref.offset, ", ", static_cast<int64_t>(v.ref.offset) + v.ref.size,
                                   ") of data buffer ", b, " which has ", buf_size, " bytes");
          }
          v.ref.buffer_index = static_cast<int32_t>(b + base);
        }
        out_views[pos + i] = v;
      }
      for (int64_t k = 0; k < num_data; ++k) buffers.push_back(d->buffers[static_cast<size_t>(2 + k)]);
      pos += d->length;
    }
    return ArrayData::Make(in[0]->type, total, std::move(buffers), null_count);
  }

  // list, large_list, map: the child range each input references is sliced out and
  // concatenated; offsets are rebased onto the concatenated child.
  template <typename O>
  Result<ArrayDataPtr> List(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const int64_t total = TotalLength(in);
    DataVector children;
    int64_t child_total = 0;
    for (const auto& d : in) {
      QUIVER_RETURN_NOT_OK(NeedChildren(*d, 1));
      if (d->length == 0) continue;
      QUIVER_RETURN_NOT_OK(NeedBytes(*d, 1, (d->offset + d->length + 1) * static_cast<int64_t>(sizeof(O)), "offsets"));
      const O* offs = d->GetValues<O>(1);
      const int64_t first = offs[0], last = offs[d->length];
      if (first < 0 || last < first) {
        return Status::Invalid("a ", d->type->ToString(), " array's offsets run from ", first, " to ", last,
                               ": expected non-negative, non-decreasing offsets");
      }
      QUIVER_RETURN_NOT_OK(NeedChildLength(*d, 0, last));
      children.push_back(d->child_data[0]->Slice(first, last - first));
      child_total += last - first;
    }
    if (child_total > std::numeric_limits<O>::max()) {
      return Status::CapacityError("concatenated ", in[0]->type->ToString(), " arrays would have ", child_total,
                                   " child values, more than 32-bit offsets can address (",
                                   std::numeric_limits<O>::max(), "); use the large_ variant of the type");
    }
    if (children.empty()) children.push_back(in[0]->child_data[0]->Slice(0, 0));
    QUIVER_ASSIGN_OR_RAISE(auto child, Run(children));
    QUIVER_ASSIGN_OR_RAISE(auto offsets, Allocate((total + 1) * static_cast<int64_t>(sizeof(O))));
    O* out_offs = offsets->mutable_data_as<O>();
    out_offs[0] = 0;
    int64_t pos = 0, child_pos = 0;
    for (const auto& d : in) {
      if (d->length == 0) continue;
      const O* offs = d->GetValues<O>(1);
      const int64_t first = offs[0];
      for (int64_t i = 1; i <= d->length; ++i) {
        out_offs[pos + i] = static_cast<O>(static_cast<int64_t>(offs[i]) - first + child_pos);
      }
      pos += d->length;
      child_pos += static_cast<int64_t>(offs[d->length]) - first;
    }
    return ArrayData::Make(in[0]->type, total, {validity, offsets}, {child}, null_count);
  }

  // list_view, large_list_view: each input's referenced child range is
  // [smallest offset, largest offset + size) over its non-empty valid elements.
  template <typename O>
  Result<ArrayDataPtr> ListView(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const int64_t total = TotalLength(in);
    DataVector children;
    std::vector<int64_t> range_start(in.size(), 0);
    int64_t child_total = 0;
    for (size_t k = 0; k < in.size(); ++k) {
      const ArrayData& d = *in[k];
      QUIVER_RETURN_NOT_OK(NeedChildren(d, 1));
      if (d.length == 0) continue;
      const int64_t bytes = (d.offset + d.length) * static_cast<int64_t>(sizeof(O));
      QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, bytes, "offsets"));
      QUIVER_RETURN_NOT_OK(NeedBytes(d, 2, bytes, "sizes"));
      const O* offs = d.GetValues<O>(1);
      const O* sizes = d.GetValues<O>(2);
      const bool check_nulls = HasNullsInBitmap(d);
      int64_t lo = std::numeric_limits<int64_t>::max(), hi = 0;
      for (int64_t i = 0; i < d.length; ++i) {
        if (check_nulls && !bit_util::GetBit(d.buffers[0]->data(), d.offset + i)) continue;
        const int64_t off = offs[i], size = sizes[i];
        if (size == 0) continue;
        if (off < 0 || size < 0 || off + size > d.child_data[0]->length) {
          return Status::Invalid("list view ", i, " of a ", d.type->ToString(), " array covers child values [",
                                 off, ", ", off + size, ") but the child has ", d.child_data[0]->length);
        }
        lo = std::min(lo, off);
        hi = std::max(hi, off + size);
      }
      if (lo > hi) lo = hi = 0;  // nothing referenced
      range_start[k] = lo;
      children.push_back(d.child_data[0]->Slice(lo, hi - lo));
      child_total += hi - lo;
    }
    if (child_total > std::numeric_limits<O>::max()) {
      return Status::CapacityError("concatenated ", in[0]->type->ToString(), " arrays would have ", child_total,
                                   " child values, more than 32-bit offsets can address (",
                                   std::numeric_limits<O>::max(), "); use the large_ variant of the type");
    }
    if (children.empty()) children.push_back(in[0]->child_data[0]->Slice(0, 0));
    QUIVER_ASSIGN_OR_RAISE(auto child, Run(children));
    QUIVER_ASSIGN_OR_RAISE(auto offsets, Allocate(total * static_cast<int64_t>(sizeof(O))));
    QUIVER_ASSIGN_OR_RAISE(auto out_sizes, Allocate(total * static_cast<int64_t>(sizeof(O))));
    O* out_offs = offsets->mutable_data_as<O>();
    O* out_size = out_sizes->mutable_data_as<O>();
    int64_t pos = 0, child_pos = 0;
    for (size_t k = 0; k < in.size(); ++k) {
      const ArrayData& d = *in[k];
      if (d.length == 0) continue;
      const O* offs = d.GetValues<O>(1);
      const O* sizes = d.GetValues<O>(2);
      const bool check_nulls = HasNullsInBitmap(d);
      int64_t hi = range_start[k];
      for (int64_t i = 0; i < d.length; ++i) {
        const bool valid = !check_nulls || bit_util::GetBit(d.buffers[0]->data(), d.offset + i);
        if (valid && sizes[i] > 0) {
          out_offs[pos + i] = static_cast<O>(offs[i] - range_start[k] + child_pos);
          out_size[pos + i] = sizes[i];
          hi = std::max<int64_t>(hi, static_cast<int64_t>(offs[i]) + sizes[i]);
        } else {
          out_offs[pos + i] = 0;
          out_size[pos + i] = 0;
        }
      }
      pos += d.length;
      child_pos += hi - range_start[k];
    }
    return ArrayData::Make(in[0]->type, total, {validity, offsets, out_sizes}, {child}, null_count);
  }

  Result<ArrayDataPtr> FixedSizeList(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const int64_t size = static_cast<const FixedSizeListType&>(*in[0]->type).list_size();
    DataVector children;
    for (const auto& d : in) {
      QUIVER_RETURN_NOT_OK(NeedChildren(*d, 1));
      QUIVER_RETURN_NOT_OK(NeedChildLength(*d, 0, (d->offset + d->length) * size));
      children.push_back(d->child_data[0]->Slice(d->offset * size, d->length * size));
    }
    QUIVER_ASSIGN_OR_RAISE(auto child, Run(children));
    return ArrayData::Make(in[0]->type, TotalLength(in), {validity}, {child}, null_count);
  }

  Result<ArrayDataPtr> Struct(const DataVector& in) {
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const size_t nfields = static_cast<size_t>(in[0]->type->num_fields());
    for (const auto& d : in) {
      QUIVER_RETURN_NOT_OK(NeedChildren(*d, nfields));
      for (size_t f = 0; f < nfields; ++f) QUIVER_RETURN_NOT_OK(NeedChildLength(*d, f, d->offset + d->length));
    }
    std::vector<ArrayDataPtr> children;
    for (size_t f = 0; f < nfields; ++f) {
      DataVector parts;
      for (const auto& d : in) parts.push_back(d->child_data[f]->Slice(d->offset, d->length));
      QUIVER_ASSIGN_OR_RAISE(auto child, Run(parts));
      children.push_back(std::move(child));
    }
    return ArrayData::Make(in[0]->type, TotalLength(in), {validity}, std::move(children), null_count);
  }

  // Sparse unions: type ids copied, every child sliced to the same rows. Dense
  // unions: type ids copied; per child, the range of offsets an input uses is
  // sliced out, and the offsets are rebased onto the concatenated child.
  Result<ArrayDataPtr> Union(const DataVector& in) {
    const auto& ut = static_cast<const UnionType&>(*in[0]->type);
    const bool dense = ut.mode() == UnionMode::DENSE;
    const size_t nchild = static_cast<size_t>(ut.num_fields());
    const int64_t total = TotalLength(in);
    // Per input and child: [lo, hi) of the child offsets used (dense only).
    std::vector<std::vector<std::pair<int64_t, int64_t>>> ranges(in.size());
    for (size_t k = 0; k < in.size(); ++k) {
      const ArrayData& d = *in[k];
      QUIVER_RETURN_NOT_OK(NeedChildren(d, nchild));
      QUIVER_RETURN_NOT_OK(NeedBytes(d, 0, d.offset + d.length, "type ids"));
      if (dense) QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (d.offset + d.length) * 4, "offsets"));
      if (!dense) {
        for (size_t c = 0; c < nchild; ++c) QUIVER_RETURN_NOT_OK(NeedChildLength(d, c, d.offset + d.length));
      }
      ranges[k].assign(nchild, {std::numeric_limits<int64_t>::max(), 0});
      const int8_t* codes = d.GetValues<int8_t>(0);
      for (int64_t i = 0; i < d.length; ++i) {
        const int8_t code = codes[i];
        const int child = code < 0 ? -1 : ut.child_ids()[static_cast<size_t>(code)];
        if (child < 0) {
          return Status::Invalid("element ", i, " of a ", d.type->ToString(), " array has type id ",
                                 static_cast<int>(code), " which is not one of the union's type codes");
        }
        if (dense) {
          const int64_t off = d.GetValues<int32_t>(1)[i];
          if (off < 0 || off >= d.child_data[static_cast<size_t>(child)]->length) {
            return Status::Invalid("element ", i, " of a ", d.type->ToString(), " array has offset ", off,
                                   " but child ", child, " has ", d.child_data[static_cast<size_t>(child)]->length,
                                   " values");
          }
          auto& r = ranges[k][static_cast<size_t>(child)];
          r.first = std::min(r.first, off);
          r.second = std::max(r.second, off + 1);
        }
      }
    }
    QUIVER_ASSIGN_OR_RAISE(auto type_ids, FixedValues(in, 0, 1, "type ids"));
    std::vector<ArrayDataPtr> children;
    std::vector<int64_t> child_lengths;
    for (size_t c = 0; c < nchild; ++c) {
      DataVector parts;
      int64_t child_total = 0;
      for (size_t k = 0; k < in.size(); ++k) {
        const ArrayData& d = *in[k];
        if (dense) {
          auto& r = ranges[k][c];
          if (r.first > r.second) r = {0, 0};  // the input does not use this child
          parts.push_back(d.child_data[c]->Slice(r.first, r.second - r.first));
          child_total += r.second - r.first;
        } else {
          parts.push_back(d.child_data[c]->Slice(d.offset, d.length));
        }
      }
      if (dense && child_total > std::numeric_limits<int32_t>::max()) {
        return Status::CapacityError("concatenated dense union child ", c, " would have ", child_total,
                                     " values, more than 32-bit union offsets can address");
      }
      QUIVER_ASSIGN_OR_RAISE(auto child, Run(parts));
      children.push_back(std::move(child));
    }
    std::vector<std::shared_ptr<Buffer>> buffers{type_ids};
    if (dense) {
      QUIVER_ASSIGN_OR_RAISE(auto offsets, Allocate(total * 4));
      int32_t* out = offsets->mutable_data_as<int32_t>();
      std::vector<int64_t> child_pos(nchild, 0);
      int64_t pos = 0;
      for (size_t k = 0; k < in.size(); ++k) {
        const ArrayData& d = *in[k];
        const int8_t* codes = d.GetValues<int8_t>(0);
        const int32_t* offs = d.GetValues<int32_t>(1);
        for (int64_t i = 0; i < d.length; ++i) {
          const size_t c = static_cast<size_t>(ut.child_ids()[static_cast<size_t>(codes[i])]);
          out[pos + i] = static_cast<int32_t>(offs[i] - ranges[k][c].first + child_pos[c]);
        }
        for (size_t c = 0; c < nchild; ++c) child_pos[c] += ranges[k][c].second - ranges[k][c].first;
        pos += d.length;
      }
      buffers.push_back(std::move(offsets));
    }
    auto out = ArrayData::Make(in[0]->type, total, std::move(buffers), std::move(children), kUnknownNullCount);
    out->null_count = out->GetNullCount();  // logical nulls, from the children
    return out;
  }

  // Dictionaries: when every input carries the same dictionary the indices are
  // copied and the dictionary kept; otherwise the dictionaries are unified.
  Result<ArrayDataPtr> Dictionary(const DataVector& in) {
    for (size_t k = 0; k < in.size(); ++k) {
      if (!in[k]->dictionary) {
        return Status::Invalid("dictionary array ", k, " to concatenate has no dictionary");
      }
    }
    bool same = true;
    for (size_t k = 1; k < in.size() && same; ++k) {
      const auto& a = in[0]->dictionary;
      const auto& b = in[k]->dictionary;
      same = a == b || MakeArray(a)->Equals(*MakeArray(b));
    }
    int64_t null_count = 0;
    QUIVER_ASSIGN_OR_RAISE(auto validity, Validity(in, &null_count));
    const auto& dt = static_cast<const DictionaryType&>(*in[0]->type);
    const int width = dt.index_type()->byte_width();
    if (same) {
      QUIVER_ASSIGN_OR_RAISE(auto indices, FixedValues(in, 1, width, "indices"));
      auto out = ArrayData::Make(in[0]->type, TotalLength(in), {validity, indices}, null_count);
      out->dictionary = in[0]->dictionary;
      return out;
    }
    return UnifyDictionaries(in, std::move(validity), null_count);
  }

  Result<ArrayDataPtr> UnifyDictionaries(const DataVector& in, std::shared_ptr<Buffer> validity,
                                         int64_t null_count) {
    const auto& dt = static_cast<const DictionaryType&>(*in[0]->type);
    // The unified dictionary: every distinct value in order of first appearance.
    // It is assembled from runs of newly seen values of each input dictionary
    // (zero-copy slices), concatenated by Run(), so any value type works.
    std::unordered_map<std::string, int64_t> seen;
    std::vector<std::vector<int64_t>> transpose(in.size());
    DataVector pieces;
    int64_t unified = 0;
    std::string key;
    for (size_t k = 0; k < in.size(); ++k) {
      const ArrayDataPtr& dict = in[k]->dictionary;
      transpose[k].resize(static_cast<size_t>(dict->length));
      int64_t run_start = -1;
      for (int64_t j = 0; j < dict->length; ++j) {
        key.clear();
        QUIVER_RETURN_NOT_OK(AppendValueKey(*dict, j, &key).WithContext("while unifying dictionaries"));
        auto [it, inserted] = seen.emplace(key, unified);
        transpose[k][static_cast<size_t>(j)] = it->second;
        if (inserted) {
          ++unified;
          if (run_start < 0) run_start = j;
        } else if (run_start >= 0) {
          pieces.push_back(dict->Slice(run_start, j - run_start));
          run_start = -1;
        }
      }
      if (run_start >= 0) pieces.push_back(dict->Slice(run_start, dict->length - run_start));
    }
    const int64_t max_index = MaxIntegerValue(dt.index_type()->id());
    if (unified > 0 && unified - 1 > max_index) {
      return Status::CapacityError("the unified dictionary has ", unified, " values, more than ",
                                   dt.index_type()->ToString(), " indices can address (", max_index + 1, ")");
    }
    if (pieces.empty()) pieces.push_back(in[0]->dictionary->Slice(0, 0));
    QUIVER_ASSIGN_OR_RAISE(auto dictionary, Run(pieces));

    const int width = dt.index_type()->byte_width();
    const int64_t total = TotalLength(in);
    QUIVER_ASSIGN_OR_RAISE(auto indices, Allocate(total * width));
    uint8_t* dst = indices->mutable_data();
    int64_t pos = 0;
    for (size_t k = 0; k < in.size(); ++k) {
      const ArrayData& d = *in[k];
      if (d.length == 0) continue;
      QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (d.offset + d.length) * width, "indices"));
      auto index_view = std::make_shared<ArrayData>(d);
      index_view->type = dt.index_type();
      const bool check_nulls = HasNullsInBitmap(d);
      const int64_t dict_len = d.dictionary->length;
      for (int64_t i = 0; i < d.length; ++i) {
        if (check_nulls && !bit_util::GetBit(d.buffers[0]->data(), d.offset + i)) {
          WriteInteger(dst, width, pos + i, 0);
          continue;
        }
        QUIVER_ASSIGN_OR_RAISE(const int64_t index, ReadInteger(*index_view, i));
        if (index < 0 || index >= dict_len) {
          return Status::Invalid("index ", index, " at position ", i, " of dictionary array ", k,
                                 " is out of bounds: expected 0 <= index < ", dict_len, " (its dictionary size)");
        }
        WriteInteger(dst, width, pos + i, transpose[k][static_cast<size_t>(index)]);
      }
      pos += d.length;
    }
    auto out = ArrayData::Make(in[0]->type, total, {std::move(validity), indices}, null_count);
    out->dictionary = std::move(dictionary);
    return out;
  }

  // A byte string identifying the value at `i` (relative to d.offset): equal keys
  // for equal values of one type, and prefix-free, so nested keys can be joined.
  // Floating-point values compare by bit pattern.
  static Status AppendValueKey(const ArrayData& d, int64_t i, std::string* key) {
    if (i < 0 || i >= d.length) {
      return Status::Invalid("value ", i, " is outside a ", d.type->ToString(), " array of length ", d.length);
    }
    const TypeId id = StorageTypeId(*d.type);
    const DataType& type = d.type->id() == TypeId::EXTENSION
                               ? *static_cast<const ExtensionType&>(*d.type).storage_type()
                               : *d.type;
    auto append_u64 = [key](uint64_t v) { key->append(reinterpret_cast<const char*>(&v), sizeof(v)); };
    auto append_bytes = [&](const uint8_t* p, int64_t n) {
      append_u64(static_cast<uint64_t>(n));
      key->append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    };
    if (id == TypeId::NA) {
      key->push_back('\0');
      return Status::OK();
    }
    const int64_t at = d.offset + i;
    switch (id) {
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION: {
        const auto& ut = static_cast<const UnionType&>(type);
        QUIVER_RETURN_NOT_OK(NeedBytes(d, 0, at + 1, "type ids"));
        const int8_t code = d.buffers[0]->data_as<int8_t>()[at];
        const int child = code < 0 ? -1 : ut.child_ids()[static_cast<size_t>(code)];
        if (child < 0 || static_cast<size_t>(child) >= d.child_data.size()) {
          return Status::Invalid("union type id ", static_cast<int>(code), " names no child");
        }
        int64_t child_index = at;
        if (id == TypeId::DENSE_UNION) {
          QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (at + 1) * 4, "offsets"));
          child_index = d.buffers[1]->data_as<int32_t>()[at];
        }
        key->push_back(static_cast<char>(code));
        return AppendValueKey(*d.child_data[static_cast<size_t>(child)], child_index, key);
      }
      case TypeId::RUN_END_ENCODED: {
        QUIVER_RETURN_NOT_OK(NeedChildren(d, 2));
        const ArrayData& re = *d.child_data[0];
        QUIVER_RETURN_NOT_OK(NeedBytes(re, 1, (re.offset + re.length) * re.type->byte_width(), "run ends"));
        int64_t lo = 0, hi = re.length;
        while (lo < hi) {
          const int64_t mid = lo + (hi - lo) / 2;
          QUIVER_ASSIGN_OR_RAISE(const int64_t end, ReadInteger(re, mid));
          if (end <= at) lo = mid + 1; else hi = mid;
        }
        return AppendValueKey(*d.child_data[1], lo, key);
      }
      default: break;
    }
    // Types with a validity bitmap.
    if (!d.buffers.empty() && d.buffers[0] && d.null_count != 0) {
      QUIVER_RETURN_NOT_OK(CheckBitmap(d));
      if (HasNullsInBitmap(d) && !bit_util::GetBit(d.buffers[0]->data(), at)) {
        key->push_back('\0');
        return Status::OK();
      }
    }
    key->push_back('\1');
    switch (id) {
      case TypeId::BOOL:
        QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, bit_util::BytesForBits(at + 1), "values"));
        key->push_back(bit_util::GetBit(d.buffers[1]->data(), at) ? '\1' : '\0');
        return Status::OK();
      case TypeId::BINARY:
      case TypeId::STRING:
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING: {
        const bool large = id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING;
        const int w = large ? 8 : 4;
        QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (at + 2) * w, "offsets"));
        const int64_t start = large ? d.buffers[1]->data_as<int64_t>()[at] : d.buffers[1]->data_as<int32_t>()[at];
        const int64_t end =
            large ? d.buffers[1]->data_as<int64_t>()[at + 1] : d.buffers[1]->data_as<int32_t>()[at + 1];
        if (start < 0 || end < start) return Status::Invalid("bad offsets [", start, ", ", end, ")");
        QUIVER_RETURN_NOT_OK(NeedBytes(d, 2, end, "data"));
        append_bytes(end > start ? d.buffers[2]->data() + start : nullptr, end - start);
        return Status::OK();
      }
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW: {
        QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (at + 1) * 16, "views"));
        const BinaryViewHeader& v = d.buffers[1]->data_as<BinaryViewHeader>()[at];
        if (v.inlined.size < 0) return Status::Invalid("negative view size ", v.inlined.size);
        if (v.inlined.size <= BinaryViewHeader::kInlineSize) {
          append_bytes(v.inlined.data, v.inlined.size);
          return Status::OK();
        }
        const int64_t b = v.ref.buffer_index;
        if (b < 0 || b + 2 >= static_cast<int64_t>(d.buffers.size()) || !d.buffers[static_cast<size_t>(b + 2)] ||
            v.ref.offset < 0 ||
            static_cast<int64_t>(v.ref.offset) + v.ref.size > d.buffers[static_cast<size_t>(b + 2)]->size()) {
          return Status::Invalid("view refers outside its data buffers");
        }
        append_bytes(d.buffers[static_cast<size_t>(b + 2)]->data() + v.ref.offset, v.ref.size);
        return Status::OK();
      }
      case TypeId::LIST:
      case TypeId::LARGE_LIST:
      case TypeId::MAP:
      case TypeId::LIST_VIEW:
      case TypeId::LARGE_LIST_VIEW: {
        QUIVER_RETURN_NOT_OK(NeedChildren(d, 1));
        const bool large = id == TypeId::LARGE_LIST || id == TypeId::LARGE_LIST_VIEW;
        const int w = large ? 8 : 4;
        auto read = [&](size_t buf, int64_t k) -> int64_t {
          return large ? d.buffers[buf]->data_as<int64_t>()[k] : d.buffers[buf]->data_as<int32_t>()[k];
        };
        int64_t start, size;
        if (is_list_view(id)) {
          QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (at + 1) * w, "offsets"));
          QUIVER_RETURN_NOT_OK(NeedBytes(d, 2, (at + 1) * w, "sizes"));
          start = read(1, at);
          size = read(2, at);
        } else {
          QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (at + 2) * w, "offsets"));
          start = read(1, at);
          size = read(1, at + 1) - start;
        }
        if (start < 0 || size < 0) return Status::Invalid("bad list range [", start, ", ", start + size, ")");
        append_u64(static_cast<uint64_t>(size));
        for (int64_t j = 0; j < size; ++j) QUIVER_RETURN_NOT_OK(AppendValueKey(*d.child_data[0], start + j, key));
        return Status::OK();
      }
      case TypeId::FIXED_SIZE_LIST: {
        QUIVER_RETURN_NOT_OK(NeedChildren(d, 1));
        const int64_t size = static_cast<const FixedSizeListType&>(type).list_size();
        for (int64_t j = 0; j < size; ++j) {
          QUIVER_RETURN_NOT_OK(AppendValueKey(*d.child_data[0], at * size + j, key));
        }
        return Status::OK();
      }
      case TypeId::STRUCT: {
        QUIVER_RETURN_NOT_OK(NeedChildren(d, static_cast<size_t>(type.num_fields())));
        for (const auto& c : d.child_data) QUIVER_RETURN_NOT_OK(AppendValueKey(*c, at, key));
        return Status::OK();
      }
      case TypeId::DICTIONARY: {
        if (!d.dictionary) return Status::Invalid("dictionary array has no dictionary");
        const auto& dt = static_cast<const DictionaryType&>(type);
        QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (at + 1) * dt.index_type()->byte_width(), "indices"));
        auto index_view = std::make_shared<ArrayData>(d);
        index_view->type = dt.index_type();
        QUIVER_ASSIGN_OR_RAISE(const int64_t index, ReadInteger(*index_view, i));
        return AppendValueKey(*d.dictionary, index, key);
      }
      default: break;
    }
    const int64_t width = ValueWidth(type);
    if (width < 0) return Status::NotImplemented("dictionary values of type ", type.ToString());
    QUIVER_RETURN_NOT_OK(NeedBytes(d, 1, (at + 1) * width, "values"));
    key->append(reinterpret_cast<const char*>(d.buffers[1]->data() + at * width), static_cast<size_t>(width));
    return Status::OK();
  }

  // Run-end encoded: each input contributes the runs overlapping its logical
  // window [offset, offset + length), with run ends clipped to the window and
  // shifted to where the input lands in the output.
  Result<ArrayDataPtr> RunEndEncoded(const DataVector& in) {
    const auto& rt = static_cast<const RunEndEncodedType&>(*in[0]->type);
    const TypePtr& re_type = rt.run_end_type();
    const int width = re_type->byte_width();
    const int64_t total = TotalLength(in);
    const int64_t max_end = MaxIntegerValue(re_type->id());
    if (total > max_end) {
      return Status::CapacityError("concatenated run-end encoded length ", total, " does not fit ",
                                   re_type->ToString(), " run ends (at most ", max_end, ")");
    }
    struct Runs {
      int64_t first = 0, last = -1;  // physical range, inclusive
    };
    std::vector<Runs> runs(in.size());
    int64_t total_runs = 0;
    DataVector values;
    for (size_t k = 0; k < in.size(); ++k) {
      const ArrayData& d = *in[k];
      QUIVER_RETURN_NOT_OK(NeedChildren(d, 2));
      if (d.length == 0) continue;
      const ArrayData& re = *d.child_data[0];
      QUIVER_RETURN_NOT_OK(NeedBytes(re, 1, (re.offset + re.length) * width, "run ends"));
      const int64_t start = d.offset, end = d.offset + d.length;
      // First run whose end lies past `start`.
      int64_t lo = 0, hi = re.length;
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        QUIVER_ASSIGN_OR_RAISE(const int64_t e, ReadInteger(re, mid));
        if (e <= start) lo = mid + 1; else hi = mid;
      }
      int64_t last = lo, prev = start;
      while (true) {
        if (last >= re.length) {
          return Status::Invalid("run-end encoded array ", k, " needs runs up to logical position ", end,
                                 " but its run ends stop at ", prev);
        }
        QUIVER_ASSIGN_OR_RAISE(const int64_t e, ReadInteger(re, last));
        if (e <= prev) {
          return Status::Invalid("run ends of run-end encoded array ", k, " are not strictly increasing at run ",
                                 last);
        }
        prev = e;
        if (e >= end) break;
        ++last;
      }
      if (d.child_data[1]->length <= last) {
        return Status::Invalid("run-end encoded array ", k, " has ", re.length, " run ends but only ",
                               d.child_data[1]->length, " values");
      }
      runs[k] = {lo, last};
      values.push_back(d.child_data[1]->Slice(lo, last - lo + 1));
      total_runs += last - lo + 1;
    }
    if (values.empty()) values.push_back(in[0]->child_data[1]->Slice(0, 0));
    QUIVER_ASSIGN_OR_RAISE(auto out_values, Run(values));
    QUIVER_ASSIGN_OR_RAISE(auto ends, Allocate(total_runs * width));
    uint8_t* dst = ends->mutable_data();
    int64_t pos = 0, n = 0;
    for (size_t k = 0; k < in.size(); ++k) {
      const ArrayData& d = *in[k];
      if (d.length == 0) continue;
      const ArrayData& re = *d.child_data[0];
      for (int64_t r = runs[k].first; r <= runs[k].last; ++r) {
        QUIVER_ASSIGN_OR_RAISE(const int64_t e, ReadInteger(re, r));
        WriteInteger(dst, width, n++, std::min(e, d.offset + d.length) - d.offset + pos);
      }
      pos += d.length;
    }
    auto run_ends = ArrayData::Make(re_type, total_runs, {nullptr, ends}, 0);
    auto out = ArrayData::Make(in[0]->type, total, {}, {run_ends, out_values}, kUnknownNullCount);
    out->null_count = out->GetNullCount();  // logical nulls, from the values
    return out;
  }

  MemoryPool* pool_;
};

}  // namespace

Result<ArrayPtr> Concatenate(const ArrayVector& arrays, MemoryPool* pool) {
  if (arrays.empty()) return Status::Invalid("Concatenate needs at least one array");
  DataVector in;
  in.reserve(arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    if (!arrays[i]) return Status::Invalid("array ", i, " to concatenate is null");
    if (!arrays[i]->type()->Equals(*arrays[0]->type())) {
      return Status::Invalid("arrays to concatenate must share one type: expected ", arrays[0]->type()->ToString(),
                             " (array 0) but array ", i, " has type ", arrays[i]->type()->ToString());
    }
    in.push_back(arrays[i]->data());
  }
  Concatenator concatenator(pool ? pool : default_memory_pool());
  QUIVER_ASSIGN_OR_RAISE(auto out, concatenator.Run(in));
  return MakeArray(std::move(out));
}

}  // namespace quiver
