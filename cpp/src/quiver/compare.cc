// Array equality: Array::Equals and Array::RangeEquals.
//
// Two arrays are equal when their types are equal and every slot holds the same
// logical value: the same validity, and for valid slots the same value. What
// lies under a null slot never matters, nor does the physical layout:
//   - offsets (of the array, of list offsets, of views) are followed, not compared;
//   - views compare the bytes they point at, list views the lists they select;
//   - run-end encoded arrays compare value by value, however the runs are cut;
//   - unions compare type codes, then the value each slot selects;
//   - dictionary arrays compare their dictionaries and then their indices
//     (as Apache Arrow does: the same values under different dictionaries are
//     not equal);
//   - floating point compares by value: 0.0 == -0.0, and NaN equals NaN only
//     with EqualOptions::nans_equal.
//
// The comparison assumes valid arrays (see Array::ValidateFull); it reads
// multi-byte values with memcpy so unaligned buffers are fine.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

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

const uint8_t* BufferData(const ArrayData& d, size_t i) {
  return i < d.buffers.size() && d.buffers[i] ? d.buffers[i]->data() : nullptr;
}

// Whether slot i (relative to the array) of a type with a validity bitmap is valid.
bool BitmapValid(const ArrayData& d, int64_t i) {
  const uint8_t* bits = BufferData(d, 0);
  return bits == nullptr || d.null_count == 0 || bit_util::GetBit(bits, d.offset + i);
}

bool MayHaveBitmapNulls(const ArrayData& d) { return BufferData(d, 0) != nullptr && d.null_count != 0; }

// Whether a value of this type may hold a NaN somewhere inside it.
bool MayContainNaN(const DataType& type) {
  const DataType& st = StorageOf(type);
  if (is_floating(st.id())) return true;
  if (st.id() == TypeId::DICTIONARY) return MayContainNaN(*static_cast<const DictionaryType&>(st).value_type());
  for (const auto& f : st.fields()) {
    if (MayContainNaN(*f->type())) return true;
  }
  return false;
}

template <typename F>
bool FloatEquals(F a, F b, bool nans_equal) {
  return a == b || (nans_equal && std::isnan(a) && std::isnan(b));
}

// IEEE half floats by bit pattern: equal bits are equal values except for NaN,
// and +0 equals -0.
bool HalfFloatEquals(uint16_t a, uint16_t b, bool nans_equal) {
  const bool a_nan = (a & 0x7C00) == 0x7C00 && (a & 0x03FF) != 0;
  const bool b_nan = (b & 0x7C00) == 0x7C00 && (b & 0x03FF) != 0;
  if (a_nan || b_nan) return nans_equal && a_nan && b_nan;
  if ((a & 0x7FFF) == 0 && (b & 0x7FFF) == 0) return true;
  return a == b;
}

class Comparer {
 public:
  explicit Comparer(const EqualOptions& options) : options_(options) {}

  // Compares slots [ls, ls + n) of l with [rs, rs + n) of r; positions are
  // relative to each array (its offset is added here). The types are equal.
  bool Range(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n) const {
    if (n == 0) return true;
    const DataType& st = StorageOf(*l.type);
    switch (st.id()) {
      case TypeId::NA:
        return true;
      case TypeId::BOOL:
        return BooleanRange(l, ls, r, rs, n);
      case TypeId::HALF_FLOAT:
        return ValueRange(l, ls, r, rs, n, [&](int64_t li, int64_t ri) {
          return HalfFloatEquals(Load<uint16_t>(BufferData(l, 1), li), Load<uint16_t>(BufferData(r, 1), ri),
                                 options_.nans_equal);
        });
      case TypeId::FLOAT:
        return ValueRange(l, ls, r, rs, n, [&](int64_t li, int64_t ri) {
          return FloatEquals(Load<float>(BufferData(l, 1), li), Load<float>(BufferData(r, 1), ri),
                             options_.nans_equal);
        });
      case TypeId::DOUBLE:
        return ValueRange(l, ls, r, rs, n, [&](int64_t li, int64_t ri) {
          return FloatEquals(Load<double>(BufferData(l, 1), li), Load<double>(BufferData(r, 1), ri),
                             options_.nans_equal);
        });
      case TypeId::FIXED_SIZE_BINARY:
        return BytesRange(l, ls, r, rs, n, static_cast<const FixedSizeBinaryType&>(st).width());
      case TypeId::BINARY:
      case TypeId::STRING:
        return BinaryRange<int32_t>(l, ls, r, rs, n);
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING:
        return BinaryRange<int64_t>(l, ls, r, rs, n);
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW:
        return ValueRange(l, ls, r, rs, n,
                          [&](int64_t li, int64_t ri) { return ViewBytes(l, li) == ViewBytes(r, ri); });
      case TypeId::LIST:
      case TypeId::MAP:
        return ListRange<int32_t>(l, ls, r, rs, n, false);
      case TypeId::LARGE_LIST:
        return ListRange<int64_t>(l, ls, r, rs, n, false);
      case TypeId::LIST_VIEW:
        return ListRange<int32_t>(l, ls, r, rs, n, true);
      case TypeId::LARGE_LIST_VIEW:
        return ListRange<int64_t>(l, ls, r, rs, n, true);
      case TypeId::FIXED_SIZE_LIST: {
        const int64_t size = static_cast<const FixedSizeListType&>(st).list_size();
        return ValidRuns(l, ls, r, rs, n, [&](int64_t i, int64_t k) {
          return Range(*l.child_data[0], (l.offset + ls + i) * size, *r.child_data[0],
                       (r.offset + rs + i) * size, k * size);
        });
      }
      case TypeId::STRUCT:
        return ValidRuns(l, ls, r, rs, n, [&](int64_t i, int64_t k) {
          for (size_t c = 0; c < l.child_data.size(); ++c) {
            if (!Range(*l.child_data[c], l.offset + ls + i, *r.child_data[c], r.offset + rs + i, k)) return false;
          }
          return true;
        });
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION:
        return UnionRange(l, ls, r, rs, n, static_cast<const UnionType&>(st));
      case TypeId::DICTIONARY:
        return DictionaryRange(l, ls, r, rs, n, static_cast<const DictionaryType&>(st));
      case TypeId::RUN_END_ENCODED:
        return RunEndEncodedRange(l, ls, r, rs, n);
      case TypeId::EXTENSION:
        return false;  // StorageOf never yields an extension type
      default: {
        // Integers, decimals, dates, times, timestamps, durations, intervals: bytes.
        const int width = st.byte_width();
        return width > 0 && BytesRange(l, ls, r, rs, n, width);
      }
    }
  }

 private:
  // Checks that validity agrees slot by slot and calls run(i, k) for every
  // maximal stretch [i, i + k) of slots valid in both (i relative to ls / rs).
  template <typename Run>
  bool ValidRuns(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n, Run&& run) const {
    if (!MayHaveBitmapNulls(l) && !MayHaveBitmapNulls(r)) return run(int64_t{0}, n);
    int64_t i = 0;
    while (i < n) {
      int64_t j = i;
      for (; j < n; ++j) {
        const bool lv = BitmapValid(l, ls + j);
        if (lv != BitmapValid(r, rs + j)) return false;
        if (!lv) break;
      }
      if (j > i && !run(i, j - i)) return false;
      i = j + 1;  // j is n or a slot null in both
    }
    return true;
  }

  // Slot-by-slot comparison of valid slots; eq(li, ri) takes absolute indices.
  template <typename Eq>
  bool ValueRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n, Eq&& eq) const {
    return ValidRuns(l, ls, r, rs, n, [&](int64_t i, int64_t k) {
      const int64_t lbase = l.offset + ls + i, rbase = r.offset + rs + i;
      for (int64_t m = 0; m < k; ++m) {
        if (!eq(lbase + m, rbase + m)) return false;
      }
      return true;
    });
  }

  bool BytesRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n, int64_t width) const {
    if (width == 0) return ValidRuns(l, ls, r, rs, n, [](int64_t, int64_t) { return true; });
    const uint8_t* lp = BufferData(l, 1);
    const uint8_t* rp = BufferData(r, 1);
    return ValidRuns(l, ls, r, rs, n, [&](int64_t i, int64_t k) {
      return std::memcmp(lp + (l.offset + ls + i) * width, rp + (r.offset + rs + i) * width,
                         static_cast<size_t>(k * width)) == 0;
    });
  }

  bool BooleanRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n) const {
    const uint8_t* lp = BufferData(l, 1);
    const uint8_t* rp = BufferData(r, 1);
    return ValueRange(l, ls, r, rs, n, [&](int64_t li, int64_t ri) {
      return bit_util::GetBit(lp, li) == bit_util::GetBit(rp, ri);
    });
  }

  template <typename O>
  bool BinaryRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n) const {
    const uint8_t* lo = BufferData(l, 1);
    const uint8_t* ro = BufferData(r, 1);
    const uint8_t* ld = BufferData(l, 2);
    const uint8_t* rd = BufferData(r, 2);
    return ValueRange(l, ls, r, rs, n, [&](int64_t li, int64_t ri) {
      const auto lb = static_cast<int64_t>(Load<O>(lo, li));
      const auto le = static_cast<int64_t>(Load<O>(lo, li + 1));
      const auto rb = static_cast<int64_t>(Load<O>(ro, ri));
      const auto re = static_cast<int64_t>(Load<O>(ro, ri + 1));
      if (le - lb != re - rb) return false;
      return le == lb || std::memcmp(ld + lb, rd + rb, static_cast<size_t>(le - lb)) == 0;
    });
  }

  // The bytes a binary/string view at absolute index i stands for.
  static std::string_view ViewBytes(const ArrayData& d, int64_t i) {
    const uint8_t* views = BufferData(d, 1);
    const auto v = Load<BinaryViewHeader>(views, i);
    const auto size = static_cast<size_t>(v.inlined.size);
    if (v.inlined.size <= BinaryViewHeader::kInlineSize) {
      return {reinterpret_cast<const char*>(views + i * 16 + 4), size};
    }
    const uint8_t* data = BufferData(d, static_cast<size_t>(v.ref.buffer_index) + 2);
    return {reinterpret_cast<const char*>(data + v.ref.offset), size};
  }

  template <typename O>
  bool ListRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n, bool view) const {
    const uint8_t* lo = BufferData(l, 1);
    const uint8_t* ro = BufferData(r, 1);
    const uint8_t* lsz = view ? BufferData(l, 2) : nullptr;
    const uint8_t* rsz = view ? BufferData(r, 2) : nullptr;
    const ArrayData& lc = *l.child_data[0];
    const ArrayData& rc = *r.child_data[0];
    return ValueRange(l, ls, r, rs, n, [&](int64_t li, int64_t ri) {
      const auto lb = static_cast<int64_t>(Load<O>(lo, li));
      const auto rb = static_cast<int64_t>(Load<O>(ro, ri));
      const int64_t llen = view ? static_cast<int64_t>(Load<O>(lsz, li)) : static_cast<int64_t>(Load<O>(lo, li + 1)) - lb;
      const int64_t rlen = view ? static_cast<int64_t>(Load<O>(rsz, ri)) : static_cast<int64_t>(Load<O>(ro, ri + 1)) - rb;
      return llen == rlen && Range(lc, lb, rc, rb, llen);
    });
  }

  bool UnionRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n,
                  const UnionType& ut) const {
    const uint8_t* lt = BufferData(l, 0);
    const uint8_t* rt = BufferData(r, 0);
    const bool dense = ut.id() == TypeId::DENSE_UNION;
    int64_t i = 0;
    while (i < n) {
      const int8_t code = static_cast<int8_t>(lt[l.offset + ls + i]);
      if (code < 0) return false;
      const int child = ut.child_ids()[static_cast<size_t>(code)];
      if (child < 0) return false;
      const ArrayData& lc = *l.child_data[static_cast<size_t>(child)];
      const ArrayData& rc = *r.child_data[static_cast<size_t>(child)];
      if (dense) {
        if (static_cast<int8_t>(rt[r.offset + rs + i]) != code) return false;
        const int32_t lo = Load<int32_t>(BufferData(l, 1), l.offset + ls + i);
        const int32_t ro = Load<int32_t>(BufferData(r, 1), r.offset + rs + i);
        if (!Range(lc, lo, rc, ro, 1)) return false;
        ++i;
        continue;
      }
      // Sparse: a stretch of one type code compares as one child range.
      int64_t j = i;
      while (j < n && static_cast<int8_t>(lt[l.offset + ls + j]) == code) {
        if (static_cast<int8_t>(rt[r.offset + rs + j]) != code) return false;
        ++j;
      }
      if (!Range(lc, l.offset + ls + i, rc, r.offset + rs + i, j - i)) return false;
      i = j;
    }
    return true;
  }

  bool DictionaryRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n,
                       const DictionaryType& dt) const {
    if (!l.dictionary || !r.dictionary) return l.dictionary == r.dictionary;
    if (l.dictionary != r.dictionary || (!options_.nans_equal && MayContainNaN(*dt.value_type()))) {
      // A list of dictionary arrays compares its dictionaries once per list, so
      // remember the pairs already found equal.
      const std::pair<const ArrayData*, const ArrayData*> pair{l.dictionary.get(), r.dictionary.get()};
      if (std::find(equal_dictionaries_.begin(), equal_dictionaries_.end(), pair) == equal_dictionaries_.end()) {
        if (l.dictionary->length != r.dictionary->length) return false;
        if (!Range(*l.dictionary, 0, *r.dictionary, 0, l.dictionary->length)) return false;
        equal_dictionaries_.push_back(pair);
      }
    }
    return BytesRange(l, ls, r, rs, n, dt.index_type()->byte_width());
  }

  static int64_t RunEnd(const ArrayData& run_ends, int64_t k) {
    const uint8_t* p = BufferData(run_ends, 1);
    const int64_t at = run_ends.offset + k;
    switch (run_ends.type->id()) {
      case TypeId::INT16: return Load<int16_t>(p, at);
      case TypeId::INT32: return Load<int32_t>(p, at);
      default: return Load<int64_t>(p, at);
    }
  }

  // The run containing absolute logical position pos: the first run end > pos.
  static int64_t FindRun(const ArrayData& run_ends, int64_t pos) {
    int64_t lo = 0, hi = run_ends.length;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (RunEnd(run_ends, mid) <= pos) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // Walks both run sequences together; each stretch where neither side changes
  // run compares one value from each side.
  bool RunEndEncodedRange(const ArrayData& l, int64_t ls, const ArrayData& r, int64_t rs, int64_t n) const {
    const ArrayData& lre = *l.child_data[0];
    const ArrayData& rre = *r.child_data[0];
    const ArrayData& lv = *l.child_data[1];
    const ArrayData& rv = *r.child_data[1];
    int64_t lpos = l.offset + ls, rpos = r.offset + rs;
    int64_t lrun = FindRun(lre, lpos), rrun = FindRun(rre, rpos);
    int64_t remaining = n;
    while (remaining > 0) {
      if (lrun >= lre.length || rrun >= rre.length) return false;  // runs end too early: invalid input
      const int64_t lend = RunEnd(lre, lrun), rend = RunEnd(rre, rrun);
      const int64_t step = std::min({lend - lpos, rend - rpos, remaining});
      if (step <= 0) return false;
      if (!Range(lv, lrun, rv, rrun, 1)) return false;
      lpos += step;
      rpos += step;
      remaining -= step;
      if (lpos == lend) ++lrun;
      if (rpos == rend) ++rrun;
    }
    return true;
  }

  EqualOptions options_;
  mutable std::vector<std::pair<const ArrayData*, const ArrayData*>> equal_dictionaries_;
};

bool SameTypes(const Array& a, const Array& b, const EqualOptions& options) {
  return a.type()->Equals(*b.type(), options.check_metadata);
}

}  // namespace

bool Array::Equals(const Array& other, const EqualOptions& options) const {
  if (length() != other.length() || !SameTypes(*this, other, options)) return false;
  // The same array equals itself unless a NaN inside it may not equal itself.
  if (data_ == other.data_ && (options.nans_equal || !MayContainNaN(*type()))) return true;
  return Comparer(options).Range(*data_, 0, *other.data_, 0, length());
}

bool Array::RangeEquals(const Array& other, int64_t start, int64_t end, int64_t other_start,
                        const EqualOptions& options) const {
  if (start < 0 || end < start || end > length() || other_start < 0 ||
      other_start > other.length() - (end - start)) {
    return false;
  }
  if (!SameTypes(*this, other, options)) return false;
  return Comparer(options).Range(*data_, start, *other.data_, other_start, end - start);
}

}  // namespace quiver
