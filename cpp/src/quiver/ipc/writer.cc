// The IPC writer: arrays -> (field nodes, body buffer views) -> payloads -> bytes.
#include "quiver/ipc/writer.h"

#include <cstring>
#include <limits>
#include <unordered_map>

#include "quiver/array.h"
#include "quiver/concatenate.h"
#include "quiver/ipc/compression.h"
#include "quiver/ipc/metadata_internal.h"

namespace quiver::ipc {

namespace {

using internal::BufferSpec;
using internal::FieldNodeSpec;
using internal::RecordBatchSpec;

// Zero bytes that padding views point into; never written to.
const std::shared_ptr<Buffer>& ZeroPadding() {
  static const auto zeros = std::make_shared<Buffer>(reinterpret_cast<const uint8_t*>("\0\0\0\0\0\0\0\0"), 8);
  return zeros;
}

std::shared_ptr<Buffer> EmptyBuffer() { return SliceBuffer(ZeroPadding(), 0, 0); }

// Collects the nodes and buffers of one record batch body, normalizing slices so
// that only the bytes of the sliced range are written.
class BodyCollector {
 public:
  BodyCollector(const IpcWriteOptions& options, const Codec* codec) : options_(options), codec_(codec) {}

  Status AddArray(const ArrayData& data, int depth) {
    if (depth > options_.max_recursion_depth) {
      return Status::Invalid("array nesting is deeper than the limit of ", options_.max_recursion_depth);
    }
    const DataType* type = data.type.get();
    if (type->id() == TypeId::EXTENSION) type = static_cast<const ExtensionType*>(type)->storage_type().get();
    const TypeId id = type->id();
    const int64_t len = data.length;
    // Types without a validity bitmap (unions, run-end encoded) record 0 nulls in
    // their field node, as Apache Arrow writes and expects; null arrays record all.
    const bool has_validity = !(id == TypeId::SPARSE_UNION || id == TypeId::DENSE_UNION ||
                                id == TypeId::RUN_END_ENCODED || id == TypeId::NA);
    spec_.nodes.push_back({len, id == TypeId::NA ? len : (has_validity ? data.GetNullCount() : 0)});

    switch (id) {
      case TypeId::NA:
        return Status::OK();
      case TypeId::BOOL:
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        return AddBoolValues(data);
      case TypeId::DICTIONARY: {
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        const int w = static_cast<const DictionaryType*>(type)->index_type()->byte_width();
        return AddFixedWidthValues(data, w);
      }
      case TypeId::BINARY:
      case TypeId::STRING:
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        return AddOffsetsAndData<int32_t>(data);
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING:
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        return AddOffsetsAndData<int64_t>(data);
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW: {
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        QUIVER_RETURN_NOT_OK(AddRange(data.buffers[1], data.offset * 16, len * 16));
        // Views index the data buffers by position, so they are written whole.
        const int64_t n = static_cast<int64_t>(data.buffers.size()) - 2;
        spec_.variadic_buffer_counts.push_back(n);
        for (int64_t i = 0; i < n; ++i) {
          const auto& b = data.buffers[static_cast<size_t>(2 + i)];
          QUIVER_RETURN_NOT_OK(AddBuffer(b ? b : EmptyBuffer()));
        }
        return Status::OK();
      }
      case TypeId::LIST:
      case TypeId::MAP:
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        return AddListOffsetsAndChild<int32_t>(data, depth);
      case TypeId::LARGE_LIST:
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        return AddListOffsetsAndChild<int64_t>(data, depth);
      case TypeId::LIST_VIEW:
      case TypeId::LARGE_LIST_VIEW: {
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        const int w = id == TypeId::LIST_VIEW ? 4 : 8;
        QUIVER_RETURN_NOT_OK(AddRange(data.buffers[1], data.offset * w, len * w));
        QUIVER_RETURN_NOT_OK(AddRange(data.buffers[2], data.offset * w, len * w));
        // Offsets point anywhere in the child, so the child is written whole.
        return AddArray(*data.child_data[0], depth + 1);
      }
      case TypeId::FIXED_SIZE_LIST: {
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        const int64_t size = static_cast<const FixedSizeListType*>(type)->list_size();
        return AddArray(*data.child_data[0]->Slice(data.offset * size, len * size), depth + 1);
      }
      case TypeId::STRUCT:
        QUIVER_RETURN_NOT_OK(AddValidity(data));
        for (const auto& child : data.child_data) {
          QUIVER_RETURN_NOT_OK(AddArray(*child->Slice(data.offset, len), depth + 1));
        }
        return Status::OK();
      case TypeId::SPARSE_UNION:
        QUIVER_RETURN_NOT_OK(AddRange(data.buffers[0], data.offset, len));
        for (const auto& child : data.child_data) {
          QUIVER_RETURN_NOT_OK(AddArray(*child->Slice(data.offset, len), depth + 1));
        }
        return Status::OK();
      case TypeId::DENSE_UNION:
        QUIVER_RETURN_NOT_OK(AddRange(data.buffers[0], data.offset, len));
        QUIVER_RETURN_NOT_OK(AddRange(data.buffers[1], data.offset * 4, len * 4));
        for (const auto& child : data.child_data) QUIVER_RETURN_NOT_OK(AddArray(*child, depth + 1));
        return Status::OK();
      case TypeId::RUN_END_ENCODED:
        return AddRunEndEncoded(data, depth);
      default:
        break;
    }
    if (is_fixed_width(id)) {
      QUIVER_RETURN_NOT_OK(AddValidity(data));
      return AddFixedWidthValues(data, type->byte_width());
    }
    return Status::NotImplemented("cannot write arrays of type ", type->ToString());
  }

  RecordBatchSpec& spec() { return spec_; }
  std::vector<std::shared_ptr<Buffer>>& body() { return body_; }
  int64_t body_length() const { return body_length_; }
  int64_t raw_body_length() const { return raw_body_length_; }

 private:
  Status AddBuffer(std::shared_ptr<Buffer> buf) {
    raw_body_length_ += buf->size();
    if (codec_ != nullptr && buf->size() > 0) {
      bool left_uncompressed = false;
      QUIVER_ASSIGN_OR_RAISE(buf, CompressBodyBuffer(*codec_, *buf, options_.pool, &left_uncompressed));
    }
    const int64_t size = buf->size();
    spec_.buffers.push_back({body_length_, size});
    body_.push_back(std::move(buf));
    body_length_ += size;
    if (const int64_t pad = (8 - size % 8) % 8) {
      body_.push_back(SliceBuffer(ZeroPadding(), 0, pad));
      body_length_ += pad;
    }
    return Status::OK();
  }

  // Bytes [offset, offset + length) of `buf` (a slice, no copy).
  Status AddRange(const std::shared_ptr<Buffer>& buf, int64_t offset, int64_t length) {
    if (length == 0 || !buf) return AddBuffer(EmptyBuffer());
    if (offset < 0 || offset + length > buf->size()) {
      return Status::Invalid("array buffer of ", buf->size(), " bytes is too short for range [", offset, ", ",
                             offset + length, ")");
    }
    return AddBuffer(SliceBuffer(buf, offset, length));
  }

  // A bitmap for bits [offset, offset + length): sliced when byte-aligned, else shifted into a copy.
  // The bits of the last byte past `length` go out as zeros (a copy when they are not), so
  // that no byte outside the array's values reaches the wire (the CVE-2019-12408 class).
  Status AddBitmap(const std::shared_ptr<Buffer>& bits, int64_t offset, int64_t length) {
    if (length == 0 || !bits) return AddBuffer(EmptyBuffer());
    const int64_t nbytes = bit_util::BytesForBits(length);
    if (bit_util::BytesForBits(offset + length) > bits->size()) {
      return Status::Invalid("bitmap of ", bits->size(), " bytes is too short for ", offset + length, " bits");
    }
    if (offset % 8 == 0) {
      const int tail = static_cast<int>(length % 8);
      const uint8_t last = bits->data()[offset / 8 + nbytes - 1];
      const auto keep = static_cast<uint8_t>((1u << tail) - 1);
      if (tail == 0 || (last & ~keep) == 0) return AddRange(bits, offset / 8, nbytes);
      QUIVER_ASSIGN_OR_RAISE(auto copy, AllocateBuffer(nbytes, options_.pool));
      std::memcpy(copy->mutable_data(), bits->data() + offset / 8, static_cast<size_t>(nbytes));
      copy->mutable_data()[nbytes - 1] = static_cast<uint8_t>(last & keep);
      return AddBuffer(std::move(copy));
    }
    QUIVER_ASSIGN_OR_RAISE(auto copy, AllocateZeroedBuffer(nbytes, options_.pool));
    bit_util::CopyBitmap(bits->data(), offset, length, copy->mutable_data(), 0);
    return AddBuffer(std::move(copy));
  }

  // The validity bitmap of `data` when it has nulls, else null.
  static const uint8_t* NullBits(const ArrayData& data) {
    if (data.GetNullCount() == 0 || data.buffers.empty() || !data.buffers[0]) return nullptr;
    return data.buffers[0]->data();
  }

  // The values of a fixed-width array, `width` bytes each. Value slots under nulls go
  // out as zeros: the bytes are sent as they are when those slots already hold zeros
  // (as every builder leaves them), else from a copy with the null slots cleared.
  Status AddFixedWidthValues(const ArrayData& data, int64_t width) {
    const int64_t len = data.length;
    const uint8_t* validity = NullBits(data);
    const auto& buf = data.buffers.size() > 1 ? data.buffers[1] : nullptr;
    if (validity == nullptr || len == 0 || !buf || (data.offset + len) * width > buf->size()) {
      return AddRange(buf, data.offset * width, len * width);
    }
    if (bit_util::BytesForBits(data.offset + len) > data.buffers[0]->size()) {
      return Status::Invalid("validity bitmap of ", data.buffers[0]->size(), " bytes is too short for ",
                             data.offset + len, " bits");
    }
    const uint8_t* values = buf->data() + data.offset * width;
    auto dirty = [&](int64_t i) {
      const uint8_t* slot = values + i * width;
      for (int64_t k = 0; k < width; ++k) {
        if (slot[k] != 0) return true;
      }
      return false;
    };
    int64_t first_dirty = -1;
    for (int64_t i = 0; i < len && first_dirty < 0; ++i) {
      if (!bit_util::GetBit(validity, data.offset + i) && dirty(i)) first_dirty = i;
    }
    if (first_dirty < 0) return AddRange(buf, data.offset * width, len * width);
    QUIVER_ASSIGN_OR_RAISE(auto copy, AllocateBuffer(len * width, options_.pool));
    uint8_t* out = copy->mutable_data();
    std::memcpy(out, values, static_cast<size_t>(len * width));
    for (int64_t i = first_dirty; i < len; ++i) {
      if (!bit_util::GetBit(validity, data.offset + i)) std::memset(out + i * width, 0, static_cast<size_t>(width));
    }
    return AddBuffer(std::move(copy));
  }

  // The value bits of a boolean array; bits under nulls go out as zeros, as above.
  Status AddBoolValues(const ArrayData& data) {
    const int64_t len = data.length;
    const uint8_t* validity = NullBits(data);
    const auto& bits = data.buffers.size() > 1 ? data.buffers[1] : nullptr;
    if (validity == nullptr || len == 0 || !bits || bit_util::BytesForBits(data.offset + len) > bits->size()) {
      return AddBitmap(bits, data.offset, len);
    }
    if (bit_util::BytesForBits(data.offset + len) > data.buffers[0]->size()) {
      return Status::Invalid("validity bitmap of ", data.buffers[0]->size(), " bytes is too short for ",
                             data.offset + len, " bits");
    }
    bool any = false;
    for (int64_t i = data.offset; i < data.offset + len && !any; ++i) {
      any = !bit_util::GetBit(validity, i) && bit_util::GetBit(bits->data(), i);
    }
    if (!any) return AddBitmap(bits, data.offset, len);
    const int64_t nbytes = bit_util::BytesForBits(len);
    QUIVER_ASSIGN_OR_RAISE(auto copy, AllocateZeroedBuffer(nbytes, options_.pool));
    for (int64_t i = 0; i < len; ++i) {
      if (bit_util::GetBit(validity, data.offset + i) && bit_util::GetBit(bits->data(), data.offset + i)) {
        bit_util::SetBit(copy->mutable_data(), i);
      }
    }
    return AddBuffer(std::move(copy));
  }

  Status AddValidity(const ArrayData& data) {
    if (data.GetNullCount() == 0 || data.buffers.empty() || !data.buffers[0]) return AddBuffer(EmptyBuffer());
    return AddBitmap(data.buffers[0], data.offset, data.length);
  }

  // Offsets rebased to start at zero (a slice when they already do), plus the data range they cover.
  template <typename Offset>
  Status AddOffsets(const ArrayData& data, Offset* first, Offset* last) {
    const int64_t len = data.length;
    const auto& buf = data.buffers[1];
    if (len == 0 || !buf) {
      *first = *last = 0;
      static const Offset kZero = 0;
      return AddBuffer(std::make_shared<Buffer>(reinterpret_cast<const uint8_t*>(&kZero), sizeof(Offset)));
    }
    if ((data.offset + len + 1) * static_cast<int64_t>(sizeof(Offset)) > buf->size()) {
      return Status::Invalid("offsets buffer of ", buf->size(), " bytes is too short for ", len + 1,
                             " offsets at offset ", data.offset);
    }
    const Offset* offsets = buf->data_as<Offset>() + data.offset;
    *first = offsets[0];
    *last = offsets[len];
    if (*first == 0) return AddRange(buf, data.offset * sizeof(Offset), (len + 1) * sizeof(Offset));
    QUIVER_ASSIGN_OR_RAISE(auto copy, AllocateBuffer((len + 1) * sizeof(Offset), options_.pool));
    Offset* out = copy->template mutable_data_as<Offset>();
    for (int64_t i = 0; i <= len; ++i) out[i] = offsets[i] - *first;
    return AddBuffer(std::move(copy));
  }

  // The offsets of a string, binary, list or map array (from its first slot) when a
  // null slot among them still spans values (an array not made by a builder can have
  // them); null when every null slot is empty, as builders leave them.
  template <typename Offset>
  static const Offset* OffsetsWithValuesUnderNulls(const ArrayData& data) {
    const uint8_t* validity = NullBits(data);
    const auto& offsets_buf = data.buffers[1];
    const int64_t len = data.length;
    if (validity == nullptr || len == 0 || !offsets_buf ||
        (data.offset + len + 1) * static_cast<int64_t>(sizeof(Offset)) > offsets_buf->size() ||
        bit_util::BytesForBits(data.offset + len) > data.buffers[0]->size()) {
      return nullptr;
    }
    const Offset* offsets = offsets_buf->data_as<Offset>() + data.offset;
    for (int64_t i = 0; i < len; ++i) {
      if (!bit_util::GetBit(validity, data.offset + i) && offsets[i + 1] != offsets[i]) return offsets;
    }
    return nullptr;
  }

  // Offsets and data of a string or binary array. A null slot whose offsets still
  // span bytes goes out empty, its bytes left behind, as the slots under nulls of
  // fixed-width arrays go out as zeros. When every null slot is already empty, the
  // buffers are sent as they are.
  template <typename Offset>
  Status AddOffsetsAndData(const ArrayData& data) {
    if (const Offset* offsets = OffsetsWithValuesUnderNulls<Offset>(data)) {
      return AddOffsetsAndDataWithoutNullBytes<Offset>(data, NullBits(data), offsets);
    }
    Offset first, last;
    QUIVER_RETURN_NOT_OK(AddOffsets<Offset>(data, &first, &last));
    if (last < first) return Status::Invalid("offsets decrease: first ", first, " > last ", last);
    return AddRange(data.buffers[2], first, last - first);
  }

  // The copy AddOffsetsAndData makes when bytes lie under nulls: the valid slots'
  // bytes packed together, with offsets from zero that give every null slot length 0.
  template <typename Offset>
  Status AddOffsetsAndDataWithoutNullBytes(const ArrayData& data, const uint8_t* validity, const Offset* offsets) {
    const int64_t len = data.length;
    const auto& values = data.buffers[2];
    const int64_t values_size = values ? values->size() : 0;
    int64_t total = 0;
    for (int64_t i = 0; i < len; ++i) {
      if (!bit_util::GetBit(validity, data.offset + i)) continue;
      if (offsets[i] < 0 || offsets[i + 1] < offsets[i] || offsets[i + 1] > values_size) {
        return Status::Invalid("offsets of slot ", i, " ([", offsets[i], ", ", offsets[i + 1],
                               ")) fall outside the data buffer of ", values_size, " bytes");
      }
      total += offsets[i + 1] - offsets[i];
    }
    if (total > static_cast<int64_t>(std::numeric_limits<Offset>::max())) {
      return Status::CapacityError("the array's valid values hold ", total, " bytes, more than its offsets can address");
    }
    QUIVER_ASSIGN_OR_RAISE(auto new_offsets, AllocateBuffer((len + 1) * static_cast<int64_t>(sizeof(Offset)),
                                                            options_.pool));
    QUIVER_ASSIGN_OR_RAISE(auto new_values, AllocateBuffer(total, options_.pool));
    Offset* out_offsets = new_offsets->template mutable_data_as<Offset>();
    uint8_t* out = new_values->mutable_data();
    Offset at = 0;
    out_offsets[0] = 0;
    for (int64_t i = 0; i < len; ++i) {
      if (bit_util::GetBit(validity, data.offset + i)) {
        const Offset size = offsets[i + 1] - offsets[i];
        if (size > 0) std::memcpy(out + at, values->data() + offsets[i], static_cast<size_t>(size));
        at += size;
      }
      out_offsets[i + 1] = at;
    }
    QUIVER_RETURN_NOT_OK(AddBuffer(std::move(new_offsets)));
    return AddBuffer(std::move(new_values));
  }

  // Offsets and child of a list or map array; a null slot whose offsets still span
  // child values goes out empty, as for strings.
  template <typename Offset>
  Status AddListOffsetsAndChild(const ArrayData& data, int depth) {
    if (const Offset* offsets = OffsetsWithValuesUnderNulls<Offset>(data)) {
      return AddListWithoutValuesUnderNulls<Offset>(data, NullBits(data), offsets, depth);
    }
    Offset first, last;
    QUIVER_RETURN_NOT_OK(AddOffsets<Offset>(data, &first, &last));
    if (last < first) return Status::Invalid("list offsets decrease: first ", first, " > last ", last);
    return AddArray(*data.child_data[0]->Slice(first, last - first), depth + 1);
  }

  // The copy AddListOffsetsAndChild makes when values lie under nulls: the child
  // holds the valid slots' values only (runs of adjacent slots taken as one slice),
  // and every null slot is empty.
  template <typename Offset>
  Status AddListWithoutValuesUnderNulls(const ArrayData& data, const uint8_t* validity, const Offset* offsets,
                                        int depth) {
    const int64_t len = data.length;
    const ArrayData& child = *data.child_data[0];
    QUIVER_ASSIGN_OR_RAISE(auto new_offsets, AllocateBuffer((len + 1) * static_cast<int64_t>(sizeof(Offset)),
                                                            options_.pool));
    Offset* out = new_offsets->template mutable_data_as<Offset>();
    out[0] = 0;
    ArrayVector pieces;
    int64_t run_start = 0, run_end = 0;  // child values [run_start, run_end) not yet in pieces
    auto flush = [&] {
      if (run_end > run_start) pieces.push_back(MakeArray(child.Slice(run_start, run_end - run_start)));
    };
    int64_t at = 0;
    for (int64_t i = 0; i < len; ++i) {
      if (bit_util::GetBit(validity, data.offset + i)) {
        if (offsets[i] < 0 || offsets[i + 1] < offsets[i] || offsets[i + 1] > child.length) {
          return Status::Invalid("offsets of list slot ", i, " ([", offsets[i], ", ", offsets[i + 1],
                                 ")) fall outside its child of ", child.length, " values");
        }
        if (offsets[i] != run_end) {
          flush();
          run_start = offsets[i];
        }
        run_end = offsets[i + 1];
        at += offsets[i + 1] - offsets[i];
        if (at > static_cast<int64_t>(std::numeric_limits<Offset>::max())) {
          return Status::CapacityError("the list's valid slots hold ", at, " values, more than its offsets can address");
        }
      }
      out[i + 1] = static_cast<Offset>(at);
    }
    flush();
    ArrayPtr packed;
    if (pieces.empty()) {
      packed = MakeArray(child.Slice(0, 0));
    } else if (pieces.size() == 1) {
      packed = pieces.front();
    } else {
      QUIVER_ASSIGN_OR_RAISE(packed, Concatenate(pieces, options_.pool));
    }
    QUIVER_RETURN_NOT_OK(AddBuffer(std::move(new_offsets)));
    return AddArray(*packed->data(), depth + 1);
  }

  // Run-end encoded: write only the runs that cover the slice, with run ends rebased to it.
  Status AddRunEndEncoded(const ArrayData& data, int depth) {
    const ArrayData& ends = *data.child_data[0];
    const ArrayData& values = *data.child_data[1];
    if (data.offset == 0) {
      QUIVER_RETURN_NOT_OK(AddArray(ends, depth + 1));
      return AddArray(values, depth + 1);
    }
    auto end_at = [&](int64_t k) -> int64_t {
      switch (ends.type->id()) {
        case TypeId::INT16: return ends.GetValues<int16_t>(1)[k];
        case TypeId::INT32: return ends.GetValues<int32_t>(1)[k];
        default: return ends.GetValues<int64_t>(1)[k];
      }
    };
    auto physical = [&](int64_t logical) {
      int64_t lo = 0, hi = ends.length;
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (end_at(mid) <= logical) lo = mid + 1; else hi = mid;
      }
      return lo;
    };
    const int64_t begin = data.length ? physical(data.offset) : 0;
    const int64_t end = data.length ? physical(data.offset + data.length - 1) + 1 : 0;
    const int w = ends.type->byte_width();
    QUIVER_ASSIGN_OR_RAISE(auto rebased, AllocateBuffer((end - begin) * w, options_.pool));
    for (int64_t k = begin; k < end; ++k) {
      const int64_t v = std::min(end_at(k), data.offset + data.length) - data.offset;
      switch (w) {
        case 2: rebased->mutable_data_as<int16_t>()[k - begin] = static_cast<int16_t>(v); break;
        case 4: rebased->mutable_data_as<int32_t>()[k - begin] = static_cast<int32_t>(v); break;
        default: rebased->mutable_data_as<int64_t>()[k - begin] = v; break;
      }
    }
    auto new_ends = ArrayData::Make(ends.type, end - begin, {nullptr, rebased}, 0);
    QUIVER_RETURN_NOT_OK(AddArray(*new_ends, depth + 1));
    return AddArray(*values.Slice(begin, end - begin), depth + 1);
  }

  const IpcWriteOptions& options_;
  const Codec* codec_;
  RecordBatchSpec spec_;
  std::vector<std::shared_ptr<Buffer>> body_;
  int64_t body_length_ = 0;
  int64_t raw_body_length_ = 0;
};

// Walks a batch's columns in the schema's depth-first dictionary order and calls
// `visit(id, dictionary)` for each dictionary, nested dictionaries first.
Status VisitDictionaries(const ArrayData& data, int64_t* next_id,
                         const std::function<Status(int64_t, const ArrayDataPtr&)>& visit) {
  const DataType* t = data.type.get();
  if (t->id() == TypeId::EXTENSION) t = static_cast<const ExtensionType*>(t)->storage_type().get();
  if (t->id() == TypeId::DICTIONARY) {
    const int64_t id = (*next_id)++;
    if (!data.dictionary) return Status::Invalid("dictionary array without a dictionary (id ", id, ")");
    QUIVER_RETURN_NOT_OK(VisitDictionaries(*data.dictionary, next_id, visit));
    return visit(id, data.dictionary);
  }
  for (const auto& child : data.child_data) QUIVER_RETURN_NOT_OK(VisitDictionaries(*child, next_id, visit));
  return Status::OK();
}

}  // namespace

// ---------------------------------------------------------------------------
// PayloadEncoder

struct PayloadEncoder::Impl {
  SchemaPtr schema;
  IpcWriteOptions options;
  bool file_format;
  std::unique_ptr<Codec> codec;
  Status codec_status;
  // The dictionary last sent for each id, to send each once and detect deltas.
  std::unordered_map<int64_t, ArrayDataPtr> sent;
  WriteStats stats;

  Result<IpcPayload> MakePayload(MessageType type, const RecordBatchSpec* batch_spec, BodyCollector& body,
                                 const MetadataPtr& custom_metadata, int64_t dictionary_id, bool is_delta) {
    IpcPayload p;
    p.type = type;
    if (type == MessageType::RECORD_BATCH) {
      QUIVER_ASSIGN_OR_RAISE(p.metadata, internal::BuildRecordBatchMessage(*batch_spec, body.body_length(),
                                                                           custom_metadata, options));
    } else {
      internal::DictionaryBatchSpec d{dictionary_id, is_delta, *batch_spec};
      QUIVER_ASSIGN_OR_RAISE(p.metadata, internal::BuildDictionaryBatchMessage(d, body.body_length(), options));
    }
    p.body_buffers = std::move(body.body());
    p.body_length = body.body_length();
    stats.total_raw_body_size += body.raw_body_length();
    stats.total_serialized_body_size += p.body_length;
    return p;
  }

  Result<IpcPayload> EncodeBody(MessageType type, const ArrayVector& columns, int64_t length,
                                const MetadataPtr& custom_metadata, int64_t dictionary_id = 0,
                                bool is_delta = false) {
    BodyCollector body(options, codec.get());
    for (const auto& column : columns) QUIVER_RETURN_NOT_OK(body.AddArray(*column->data(), 1));
    body.spec().length = length;
    body.spec().compression = options.compression;
    return MakePayload(type, &body.spec(), body, custom_metadata, dictionary_id, is_delta);
  }

  Result<IpcPayload> EncodeDictionary(int64_t id, const ArrayDataPtr& dict, int64_t from, bool is_delta) {
    auto values = MakeArray(from == 0 ? dict : dict->Slice(from, dict->length - from));
    QUIVER_ASSIGN_OR_RAISE(auto p, EncodeBody(MessageType::DICTIONARY_BATCH, {values}, values->length(),
                                              nullptr, id, is_delta));
    ++stats.num_dictionary_batches;
    return p;
  }
};

PayloadEncoder::PayloadEncoder(SchemaPtr schema, IpcWriteOptions options, bool file_format)
    : impl_(std::make_unique<Impl>()) {
  impl_->schema = std::move(schema);
  impl_->options = options;
  impl_->file_format = file_format;
  if (options.compression != CompressionType::NONE) {
    auto codec = Codec::Create(options.compression, options.compression_level);
    if (codec.ok()) {
      impl_->codec = *std::move(codec);
    } else {
      impl_->codec_status = codec.status();
    }
  }
}
PayloadEncoder::~PayloadEncoder() = default;
PayloadEncoder::PayloadEncoder(PayloadEncoder&&) noexcept = default;
PayloadEncoder& PayloadEncoder::operator=(PayloadEncoder&&) noexcept = default;

const SchemaPtr& PayloadEncoder::schema() const { return impl_->schema; }

Result<IpcPayload> PayloadEncoder::EncodeSchema() {
  QUIVER_RETURN_NOT_OK(impl_->codec_status);
  IpcPayload p;
  p.type = MessageType::SCHEMA;
  QUIVER_ASSIGN_OR_RAISE(p.metadata, internal::BuildSchemaMessage(*impl_->schema, impl_->options));
  ++impl_->stats.num_messages;
  return p;
}

WriteStats PayloadEncoder::stats() const { return impl_->stats; }

Result<std::vector<IpcPayload>> PayloadEncoder::EncodeBatch(const RecordBatch& batch,
                                                            const MetadataPtr& custom_metadata) {
  QUIVER_RETURN_NOT_OK(impl_->codec_status);
  if (!batch.schema()->Equals(*impl_->schema)) {
    return Status::Invalid("record batch schema does not match the stream's schema: expected\n",
                           impl_->schema->ToString(false), "\nbut found\n", batch.schema()->ToString(false));
  }
  std::vector<IpcPayload> out;
  int64_t next_id = 0;
  for (const auto& column : batch.columns()) {
    QUIVER_RETURN_NOT_OK(VisitDictionaries(*column->data(), &next_id, [&](int64_t id, const ArrayDataPtr& dict) -> Status {
      auto it = impl_->sent.find(id);
      if (it != impl_->sent.end() &&
          (it->second == dict || MakeArray(dict)->Equals(*MakeArray(it->second)))) {
        return Status::OK();  // the receiver has it already
      }
      int64_t from = 0;
      bool is_delta = false;
      if (it != impl_->sent.end()) {
        const ArrayData& old = *it->second;
        const bool extends = impl_->options.emit_dictionary_deltas && !impl_->file_format &&
                             dict->length > old.length &&
                             MakeArray(dict)->RangeEquals(*MakeArray(it->second), 0, old.length, 0);
        if (extends) {
          from = old.length;
          is_delta = true;
          ++impl_->stats.num_dictionary_deltas;
        } else if (impl_->file_format) {
          return Status::Invalid("the IPC file format cannot replace dictionary ", id,
                                 "; write the data as a stream or keep the dictionary unchanged");
        } else {
          ++impl_->stats.num_replaced_dictionaries;
        }
      }
      QUIVER_ASSIGN_OR_RAISE(auto p, impl_->EncodeDictionary(id, dict, from, is_delta));
      out.push_back(std::move(p));
      impl_->sent[id] = dict;
      return Status::OK();
    }));
  }
  QUIVER_ASSIGN_OR_RAISE(auto p, impl_->EncodeBody(MessageType::RECORD_BATCH, batch.columns(), batch.num_rows(),
                                                   custom_metadata));
  ++impl_->stats.num_record_batches;
  out.push_back(std::move(p));
  impl_->stats.num_messages += static_cast<int64_t>(out.size());
  return out;
}

// ---------------------------------------------------------------------------
// Framing

Result<WrittenBlock> WritePayload(const IpcPayload& payload, const IpcWriteOptions& options,
                                  io::OutputStream* sink) {
  QUIVER_ASSIGN_OR_RAISE(const int64_t start, sink->Tell());
  const int64_t prefix = options.write_legacy_ipc_format ? 4 : 8;
  const int64_t meta = payload.metadata->size();
  // The metadata is padded so that the body starts 8-byte aligned.
  const int64_t padded = (prefix + meta + 7) / 8 * 8 - prefix;
  if (padded > INT32_MAX) return Status::CapacityError("message metadata of ", meta, " bytes is too large");
  if (!options.write_legacy_ipc_format) {
    const uint32_t marker = kContinuationMarker;
    QUIVER_RETURN_NOT_OK(sink->Write(&marker, 4));
  }
  const int32_t len = static_cast<int32_t>(padded);
  QUIVER_RETURN_NOT_OK(sink->Write(&len, 4));
  QUIVER_RETURN_NOT_OK(sink->Write(payload.metadata));
  if (padded > meta) QUIVER_RETURN_NOT_OK(sink->Write(ZeroPadding()->data(), padded - meta));
  for (const auto& b : payload.body_buffers) QUIVER_RETURN_NOT_OK(sink->Write(b));
  return WrittenBlock{start, static_cast<int32_t>(prefix + padded), payload.body_length};
}

namespace {
Status WriteEndOfStream(const IpcWriteOptions& options, io::OutputStream* sink) {
  if (options.write_legacy_ipc_format) {
    const int32_t zero = 0;
    return sink->Write(&zero, 4);
  }
  const uint32_t eos[2] = {kContinuationMarker, 0};
  return sink->Write(eos, 8);
}
}  // namespace

Result<std::shared_ptr<Buffer>> SerializeSchema(const Schema& schema, const IpcWriteOptions& options) {
  PayloadEncoder encoder(std::make_shared<Schema>(schema), options);
  QUIVER_ASSIGN_OR_RAISE(auto payload, encoder.EncodeSchema());
  QUIVER_ASSIGN_OR_RAISE(auto sink, io::BufferOutputStream::Create(payload.metadata->size() + 16, options.pool));
  QUIVER_RETURN_NOT_OK(WritePayload(payload, options, sink.get()).status());
  return sink->Finish();
}

Result<std::shared_ptr<Buffer>> SerializeRecordBatch(const RecordBatch& batch, const IpcWriteOptions& options) {
  PayloadEncoder encoder(batch.schema(), options);
  QUIVER_ASSIGN_OR_RAISE(auto payloads, encoder.EncodeBatch(batch));
  if (payloads.size() != 1) {
    return Status::Invalid("SerializeRecordBatch cannot carry dictionaries; use a stream writer");
  }
  QUIVER_ASSIGN_OR_RAISE(auto sink, io::BufferOutputStream::Create(payloads[0].body_length + 256, options.pool));
  QUIVER_RETURN_NOT_OK(WritePayload(payloads[0], options, sink.get()).status());
  return sink->Finish();
}

// ---------------------------------------------------------------------------
// Writers

Status RecordBatchWriter::WriteTable(const Table& table, int64_t max_chunksize) {
  TableBatchReader reader(table);
  if (max_chunksize > 0) reader.set_chunksize(max_chunksize);
  std::shared_ptr<RecordBatch> batch;
  while (true) {
    QUIVER_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (!batch) return Status::OK();
    QUIVER_RETURN_NOT_OK(WriteRecordBatch(*batch));
  }
}

namespace {

class IpcWriter final : public RecordBatchWriter {
 public:
  IpcWriter(std::shared_ptr<io::OutputStream> sink, SchemaPtr schema, const IpcWriteOptions& options,
            bool file_format, MetadataPtr footer_metadata)
      : sink_(std::move(sink)),
        encoder_(schema, options, file_format),
        schema_(std::move(schema)),
        options_(options),
        file_format_(file_format),
        footer_metadata_(std::move(footer_metadata)) {}

  Status Start() {
    if (file_format_) {
      // "ARROW1" and two bytes of padding so the first message starts 8-byte aligned.
      QUIVER_RETURN_NOT_OK(sink_->Write("ARROW1\0\0", 8));
    }
    QUIVER_ASSIGN_OR_RAISE(auto payload, encoder_.EncodeSchema());
    QUIVER_RETURN_NOT_OK(Write(payload).status());
    return Status::OK();
  }

  Status WriteRecordBatch(const RecordBatch& batch) override { return WriteRecordBatch(batch, nullptr); }

  Status WriteRecordBatch(const RecordBatch& batch, const MetadataPtr& custom_metadata) override {
    if (closed_) return Status::Invalid("write to a closed IPC writer");
    QUIVER_ASSIGN_OR_RAISE(auto payloads, encoder_.EncodeBatch(batch, custom_metadata));
    for (const auto& p : payloads) {
      QUIVER_ASSIGN_OR_RAISE(auto block, Write(p));
      if (!file_format_) continue;
      internal::FileBlock fb{block.offset, block.metadata_length, block.body_length};
      (p.type == MessageType::RECORD_BATCH ? record_batches_ : dictionaries_).push_back(fb);
    }
    return Status::OK();
  }

  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    QUIVER_RETURN_NOT_OK(WriteEndOfStream(options_, sink_.get()));
    if (!file_format_) return Status::OK();
    QUIVER_ASSIGN_OR_RAISE(auto footer, internal::BuildFooter(*schema_, dictionaries_, record_batches_,
                                                              footer_metadata_, options_));
    QUIVER_RETURN_NOT_OK(sink_->Write(footer));
    const int32_t footer_len = static_cast<int32_t>(footer->size());
    QUIVER_RETURN_NOT_OK(sink_->Write(&footer_len, 4));
    return sink_->Write("ARROW1", 6);
  }

  Stats stats() const override { return encoder_.stats(); }

 private:
  Result<WrittenBlock> Write(const IpcPayload& p) {
    return WritePayload(p, options_, sink_.get());
  }

  std::shared_ptr<io::OutputStream> sink_;
  PayloadEncoder encoder_;
  SchemaPtr schema_;
  IpcWriteOptions options_;
  bool file_format_;
  MetadataPtr footer_metadata_;
  bool closed_ = false;
  std::vector<internal::FileBlock> dictionaries_, record_batches_;
};

Result<std::unique_ptr<RecordBatchWriter>> MakeWriter(std::shared_ptr<io::OutputStream> sink, SchemaPtr schema,
                                                      const IpcWriteOptions& options, bool file_format,
                                                      MetadataPtr footer_metadata) {
  if (!sink) return Status::Invalid("IPC writer needs a sink");
  if (!schema) return Status::Invalid("IPC writer needs a schema");
  if (file_format && options.write_legacy_ipc_format) {
    return Status::Invalid("the IPC file format cannot use the legacy stream framing");
  }
  auto writer = std::make_unique<IpcWriter>(std::move(sink), std::move(schema), options, file_format,
                                            std::move(footer_metadata));
  QUIVER_RETURN_NOT_OK(writer->Start());
  return std::unique_ptr<RecordBatchWriter>(std::move(writer));
}

}  // namespace

Result<std::unique_ptr<RecordBatchWriter>> MakeStreamWriter(std::shared_ptr<io::OutputStream> sink,
                                                            SchemaPtr schema, const IpcWriteOptions& options) {
  return MakeWriter(std::move(sink), std::move(schema), options, false, nullptr);
}

Result<std::unique_ptr<RecordBatchWriter>> MakeFileWriter(std::shared_ptr<io::OutputStream> sink,
                                                          SchemaPtr schema, const IpcWriteOptions& options,
                                                          MetadataPtr footer_metadata) {
  return MakeWriter(std::move(sink), std::move(schema), options, true, std::move(footer_metadata));
}

}  // namespace quiver::ipc
