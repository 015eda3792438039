// The small compute module behind quiver.compute: aggregates (sum, mean, min,
// max, min_max, count), comparisons, boolean logic, is_null/is_valid, filter
// and take -- what a Flight server needs to answer a simple query. Kernels work
// on one array at a time; chunked arrays, batches and tables apply them per
// chunk or column. Nulls propagate as in pyarrow (a comparison with a null is
// null; aggregates skip nulls unless told not to).
#include <nanobind/stl/string.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "common.h"
#include "compute_internal.h"
#include "quiver/builder.h"
#include "quiver/concatenate.h"
#include "types_internal.h"

namespace quiver::py {
namespace {

using int128 = __int128;

// ---------------------------------------------------------------------------
// Gathering: the engine of take and filter. positions[k] == -1 means null.

bool IsGatherableFixedWidth(const DataType& type) {
  if (type.id() == TypeId::BOOL || type.id() == TypeId::EXTENSION || type.id() == TypeId::DICTIONARY) return false;
  return is_fixed_width(type.id()) && type.byte_width() > 0;
}

ArrayPtr Gather(const ArrayPtr& values, const std::vector<int64_t>& positions) {
  const auto& data = *values->data();
  const auto n = static_cast<int64_t>(positions.size());
  bool any_null_out = false;
  for (int64_t p : positions) {
    if (p < 0 || values->IsNull(p)) {
      any_null_out = true;
      break;
    }
  }
  if (IsGatherableFixedWidth(*values->type()) && data.buffers.size() == 2 && data.buffers[1]) {
    const int64_t width = values->type()->byte_width();
    auto out = Unwrap(AllocateBuffer(n * width));
    const uint8_t* src = data.buffers[1]->data() + data.offset * width;
    uint8_t* dst = out->mutable_data();
    std::shared_ptr<Buffer> validity;
    int64_t null_count = 0;
    if (any_null_out) validity = Unwrap(AllocateZeroedBuffer(bit_util::BytesForBits(n)));
    for (int64_t k = 0; k < n; ++k) {
      int64_t p = positions[static_cast<size_t>(k)];
      if (p < 0 || values->IsNull(p)) {
        std::memset(dst + k * width, 0, static_cast<size_t>(width));
        ++null_count;
      } else {
        std::memcpy(dst + k * width, src + p * width, static_cast<size_t>(width));
        if (validity) bit_util::SetBit(validity->mutable_data(), k);
      }
    }
    return MakeArray(ArrayData::Make(values->type(), n, {validity, out}, null_count));
  }
  auto builder = Unwrap(MakeBuilder(values->type()));
  Check(builder->Reserve(n));
  int64_t k = 0;
  while (k < n) {
    int64_t p = positions[static_cast<size_t>(k)];
    if (p < 0) {
      Check(builder->AppendNull());
      ++k;
      continue;
    }
    // Runs of consecutive positions are appended as one slice.
    int64_t run = 1;
    while (k + run < n && positions[static_cast<size_t>(k + run)] == p + run) ++run;
    Check(builder->AppendArraySlice(data, p, run));
    k += run;
  }
  return Unwrap(builder->Finish());
}

std::vector<int64_t> IndicesToPositions(const Array& indices, int64_t values_length) {
  if (!is_integer(indices.type_id())) {
    ThrowStatus(Status::TypeError("take indices must be integers, got ", indices.type()->ToString()));
  }
  std::vector<int64_t> positions(static_cast<size_t>(indices.length()));
  for (int64_t k = 0; k < indices.length(); ++k) {
    if (indices.IsNull(k)) {
      positions[static_cast<size_t>(k)] = -1;
      continue;
    }
    int64_t p;
    switch (indices.type_id()) {
      case TypeId::INT8: p = static_cast<const Int8Array&>(indices).Value(k); break;
      case TypeId::INT16: p = static_cast<const Int16Array&>(indices).Value(k); break;
      case TypeId::INT32: p = static_cast<const Int32Array&>(indices).Value(k); break;
      case TypeId::INT64: p = static_cast<const Int64Array&>(indices).Value(k); break;
      case TypeId::UINT8: p = static_cast<const UInt8Array&>(indices).Value(k); break;
      case TypeId::UINT16: p = static_cast<const UInt16Array&>(indices).Value(k); break;
      case TypeId::UINT32: p = static_cast<const UInt32Array&>(indices).Value(k); break;
      default: {
        uint64_t u = static_cast<const UInt64Array&>(indices).Value(k);
        p = u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? -2 : static_cast<int64_t>(u);
      }
    }
    if (p < 0 || p >= values_length) {
      ThrowStatus(Status::IndexError("Index ", p, " out of bounds"));
    }
    positions[static_cast<size_t>(k)] = p;
  }
  return positions;
}

const BooleanArray& AsBoolean(const Array& mask, const char* what) {
  if (mask.type_id() != TypeId::BOOL) {
    ThrowStatus(Status::TypeError(what, " must be a boolean array, got ", mask.type()->ToString()));
  }
  return static_cast<const BooleanArray&>(mask);
}

std::vector<int64_t> MaskToPositions(const Array& mask_array, bool emit_null) {
  const auto& mask = AsBoolean(mask_array, "filter mask");
  std::vector<int64_t> positions;
  for (int64_t k = 0; k < mask.length(); ++k) {
    if (mask.IsNull(k)) {
      if (emit_null) positions.push_back(-1);
    } else if (mask.Value(k)) {
      positions.push_back(k);
    }
  }
  return positions;
}

ArrayPtr FilterArray(const ArrayPtr& values, const Array& mask, bool emit_null) {
  if (mask.length() != values->length()) {
    ThrowStatus(Status::Invalid("Filter inputs must all be the same length: values have ", values->length(),
                                " but the mask has ", mask.length()));
  }
  return Gather(values, MaskToPositions(mask, emit_null));
}

// ---------------------------------------------------------------------------
// Datums: what the Python functions accept.

ArrayPtr CombinedArray(const ChunkedArray& chunked) {
  if (chunked.num_chunks() == 1) return chunked.chunk(0);
  if (chunked.num_chunks() == 0) return Unwrap(MakeEmptyArray(chunked.type()));
  return Unwrap(Concatenate(chunked.chunks()));
}

/// An Array (or a ChunkedArray combined into one) from a Python argument.
ArrayPtr AsSingleArray(nb::handle obj) {
  if (IsArray(obj)) return ToArray(obj);
  if (IsChunkedArray(obj)) return CombinedArray(*ToChunkedArray(obj));
  throw nb::type_error(("expected a quiver.Array or ChunkedArray but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
}

std::vector<ArrayPtr> Chunks(nb::handle obj) {
  if (IsArray(obj)) return {ToArray(obj)};
  if (IsChunkedArray(obj)) return ToChunkedArray(obj)->chunks();
  throw nb::type_error(("expected a quiver.Array or ChunkedArray but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
}

TypePtr DatumType(nb::handle obj) {
  if (IsArray(obj)) return ToArray(obj)->type();
  if (IsChunkedArray(obj)) return ToChunkedArray(obj)->type();
  if (IsScalar(obj)) return nb::cast<PyScalar&>(obj).array->type();
  throw nb::type_error(("expected a quiver.Array, ChunkedArray or Scalar but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
}

// ---------------------------------------------------------------------------
// Reading values for comparisons and aggregates

bool IsNumeric(TypeId id) { return is_integer(id) || is_floating(id); }

bool IsBinaryLike(TypeId id) {
  return is_base_binary(id) || is_binary_view(id) || id == TypeId::FIXED_SIZE_BINARY;
}

bool IsTemporal(TypeId id) {
  switch (id) {
    case TypeId::DATE32:
    case TypeId::DATE64:
    case TypeId::TIME32:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION:
      return true;
    default:
      return false;
  }
}

int128 ReadInteger(const Array& a, int64_t i) {
  switch (a.type_id()) {
    case TypeId::BOOL: return static_cast<const BooleanArray&>(a).Value(i) ? 1 : 0;
    case TypeId::INT8: return static_cast<const Int8Array&>(a).Value(i);
    case TypeId::INT16: return static_cast<const Int16Array&>(a).Value(i);
    case TypeId::INT32:
    case TypeId::DATE32:
    case TypeId::TIME32:
    case TypeId::INTERVAL_MONTHS:
      return static_cast<const Int32Array&>(a).Value(i);
    case TypeId::INT64:
    case TypeId::DATE64:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION:
      return static_cast<const Int64Array&>(a).Value(i);
    case TypeId::UINT8: return static_cast<const UInt8Array&>(a).Value(i);
    case TypeId::UINT16: return static_cast<const UInt16Array&>(a).Value(i);
    case TypeId::UINT32: return static_cast<const UInt32Array&>(a).Value(i);
    case TypeId::UINT64: return static_cast<const UInt64Array&>(a).Value(i);
    default: return 0;
  }
}

double ReadDouble(const Array& a, int64_t i) {
  switch (a.type_id()) {
    case TypeId::HALF_FLOAT: return HalfToFloat(static_cast<const HalfFloatArray&>(a).Value(i));
    case TypeId::FLOAT: return static_cast<const FloatArray&>(a).Value(i);
    case TypeId::DOUBLE: return static_cast<const DoubleArray&>(a).Value(i);
    default: return static_cast<double>(ReadInteger(a, i));
  }
}

std::string_view ReadBytes(const Array& a, int64_t i) {
  switch (a.type_id()) {
    case TypeId::BINARY:
    case TypeId::STRING:
      return static_cast<const BinaryArray&>(a).GetView(i);
    case TypeId::LARGE_BINARY:
    case TypeId::LARGE_STRING:
      return static_cast<const LargeBinaryArray&>(a).GetView(i);
    case TypeId::BINARY_VIEW:
    case TypeId::STRING_VIEW:
      return static_cast<const BinaryViewArray&>(a).GetView(i);
    default:
      return static_cast<const FixedSizeBinaryArray&>(a).GetView(i);
  }
}

/// Three-way comparison of little-endian two's-complement integers of equal width.
int CompareDecimalBytes(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  auto sa = static_cast<int8_t>(a[n - 1]), sb = static_cast<int8_t>(b[n - 1]);
  if (sa != sb) return sa < sb ? -1 : 1;
  for (size_t k = n - 1; k-- > 0;) {
    auto ua = static_cast<uint8_t>(a[k]), ub = static_cast<uint8_t>(b[k]);
    if (ua != ub) return ua < ub ? -1 : 1;
  }
  return 0;
}

enum class Kind { kInteger, kFloating, kBytes, kDecimal };

/// How two types compare, or NotImplemented.
Kind CompareKind(const DataType& a, const DataType& b, const char* function) {
  TypeId x = a.id(), y = b.id();
  if ((IsNumeric(x) || x == TypeId::BOOL) && (IsNumeric(y) || y == TypeId::BOOL) &&
      ((x == TypeId::BOOL) == (y == TypeId::BOOL))) {
    return is_floating(x) || is_floating(y) ? Kind::kFloating : Kind::kInteger;
  }
  if (IsTemporal(x) && a.Equals(b)) return Kind::kInteger;
  if (x == TypeId::TIMESTAMP && y == TypeId::TIMESTAMP &&
      static_cast<const TimestampType&>(a).unit() == static_cast<const TimestampType&>(b).unit()) {
    return Kind::kInteger;  // zones differ only in display: the stored instants compare
  }
  if (x == TypeId::INTERVAL_MONTHS && y == TypeId::INTERVAL_MONTHS) return Kind::kInteger;
  if (IsBinaryLike(x) && IsBinaryLike(y)) return Kind::kBytes;
  if (is_decimal(x) && a.Equals(b)) return Kind::kDecimal;
  ThrowStatus(Status::NotImplemented("Function '", function, "' has no kernel matching input types (",
                                     a.ToString(), ", ", b.ToString(), ")"));
}

int CompareValues(Kind kind, const Array& a, int64_t i, const Array& b, int64_t j) {
  switch (kind) {
    case Kind::kInteger: {
      int128 x = ReadInteger(a, i), y = ReadInteger(b, j);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case Kind::kFloating: {
      double x = ReadDouble(a, i), y = ReadDouble(b, j);
      if (std::isnan(x) || std::isnan(y)) return 2;  // unordered
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case Kind::kBytes: {
      int c = ReadBytes(a, i).compare(ReadBytes(b, j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Kind::kDecimal:
      return CompareDecimalBytes(static_cast<const FixedSizeBinaryArray&>(a).GetView(i),
                                 static_cast<const FixedSizeBinaryArray&>(b).GetView(j));
  }
  return 0;
}

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

CmpOp ParseCmpOp(const std::string& name) {
  if (name == "equal") return CmpOp::kEq;
  if (name == "not_equal") return CmpOp::kNe;
  if (name == "less") return CmpOp::kLt;
  if (name == "less_equal") return CmpOp::kLe;
  if (name == "greater") return CmpOp::kGt;
  if (name == "greater_equal") return CmpOp::kGe;
  ThrowStatus(Status::KeyError("No function registered with name: ", name));
}

bool ApplyCmp(CmpOp op, int c) {
  if (c == 2) return op == CmpOp::kNe;  // NaN: only != holds
  switch (op) {
    case CmpOp::kEq: return c == 0;
    case CmpOp::kNe: return c != 0;
    case CmpOp::kLt: return c < 0;
    case CmpOp::kLe: return c <= 0;
    case CmpOp::kGt: return c > 0;
    case CmpOp::kGe: return c >= 0;
  }
  return false;
}

/// Compares a[k] with b[k] (or b[0] when b_scalar) for each k.
ArrayPtr CompareArrays(const std::string& name, const Array& a, const Array& b, bool b_scalar, bool a_scalar = false) {
  CmpOp op = ParseCmpOp(name);
  Kind kind = CompareKind(*a.type(), *b.type(), name.c_str());
  const int64_t n = a_scalar ? b.length() : a.length();
  BooleanBuilder builder;
  Check(builder.Reserve(n));
  for (int64_t k = 0; k < n; ++k) {
    int64_t i = a_scalar ? 0 : k, j = b_scalar ? 0 : k;
    if (a.IsNull(i) || b.IsNull(j)) {
      Check(builder.AppendNull());
    } else {
      builder.UnsafeAppend(ApplyCmp(op, CompareValues(kind, a, i, b, j)));
    }
  }
  return Unwrap(builder.Finish());
}

// ---------------------------------------------------------------------------
// Boolean logic

enum class LogicOp { kAnd, kOr, kXor, kAndKleene, kOrKleene };

ArrayPtr Logic(LogicOp op, const Array& a, const Array& b, bool a_scalar, bool b_scalar) {
  const auto& x = AsBoolean(a, "logical operands");
  const auto& y = AsBoolean(b, "logical operands");
  const int64_t n = a_scalar ? b.length() : a.length();
  BooleanBuilder builder;
  Check(builder.Reserve(n));
  for (int64_t k = 0; k < n; ++k) {
    int64_t i = a_scalar ? 0 : k, j = b_scalar ? 0 : k;
    bool xn = x.IsNull(i), yn = y.IsNull(j);
    bool xv = !xn && x.Value(i), yv = !yn && y.Value(j);
    switch (op) {
      case LogicOp::kAnd:
      case LogicOp::kOr:
      case LogicOp::kXor:
        if (xn || yn) {
          Check(builder.AppendNull());
        } else {
          builder.UnsafeAppend(op == LogicOp::kAnd ? (xv && yv) : op == LogicOp::kOr ? (xv || yv) : (xv != yv));
        }
        break;
      case LogicOp::kAndKleene:
        // false wins over null
        if ((!xn && !xv) || (!yn && !yv)) builder.UnsafeAppend(false);
        else if (xn || yn) Check(builder.AppendNull());
        else builder.UnsafeAppend(true);
        break;
      case LogicOp::kOrKleene:
        // true wins over null
        if (xv || yv) builder.UnsafeAppend(true);
        else if (xn || yn) Check(builder.AppendNull());
        else builder.UnsafeAppend(false);
        break;
    }
  }
  return Unwrap(builder.Finish());
}

// ---------------------------------------------------------------------------
// Scalars made here

nb::object Int64Scalar(std::optional<int64_t> value) {
  Int64Builder b;
  Check(value ? b.Append(*value) : b.AppendNull());
  return WrapScalar(Unwrap(b.Finish()), 0);
}
nb::object UInt64Scalar(std::optional<uint64_t> value) {
  UInt64Builder b;
  Check(value ? b.Append(*value) : b.AppendNull());
  return WrapScalar(Unwrap(b.Finish()), 0);
}
nb::object DoubleScalar(std::optional<double> value) {
  DoubleBuilder b;
  Check(value ? b.Append(*value) : b.AppendNull());
  return WrapScalar(Unwrap(b.Finish()), 0);
}
ArrayPtr NullOf(const TypePtr& type) { return Unwrap(MakeArrayOfNull(type, 1)); }

// ---------------------------------------------------------------------------
// Aggregates

struct AggregateOptions {
  bool skip_nulls = true;
  int64_t min_count = 1;
};

void CheckSummable(const DataType& type, const char* function) {
  if (!IsNumeric(type.id()) && type.id() != TypeId::BOOL && type.id() != TypeId::NA) {
    ThrowStatus(Status::NotImplemented("Function '", function, "' has no kernel matching input types (",
                                       type.ToString(), ")"));
  }
}

nb::object Sum(const std::vector<ArrayPtr>& chunks, const TypePtr& type, const AggregateOptions& options) {
  CheckSummable(*type, "sum");
  int64_t valid = 0, nulls = 0;
  int64_t isum = 0;
  uint64_t usum = 0;
  double dsum = 0;
  const bool floating = is_floating(type->id());
  const bool unsigned_sum = is_unsigned_integer(type->id()) || type->id() == TypeId::BOOL;
  for (const auto& chunk : chunks) {
    if (type->id() == TypeId::NA) {
      nulls += chunk->length();
      continue;
    }
    for (int64_t i = 0; i < chunk->length(); ++i) {
      if (chunk->IsNull(i)) {
        ++nulls;
        continue;
      }
      ++valid;
      if (floating) dsum += ReadDouble(*chunk, i);
      else if (unsigned_sum) usum += static_cast<uint64_t>(ReadInteger(*chunk, i));  // wraps, as pyarrow's does
      else isum = static_cast<int64_t>(static_cast<uint64_t>(isum) + static_cast<uint64_t>(ReadInteger(*chunk, i)));
    }
  }
  bool is_null = valid < options.min_count || (!options.skip_nulls && nulls > 0);
  if (floating) return DoubleScalar(is_null ? std::nullopt : std::optional<double>(dsum));
  if (unsigned_sum) return UInt64Scalar(is_null ? std::nullopt : std::optional<uint64_t>(usum));
  return Int64Scalar(is_null ? std::nullopt : std::optional<int64_t>(isum));
}

nb::object Mean(const std::vector<ArrayPtr>& chunks, const TypePtr& type, const AggregateOptions& options) {
  CheckSummable(*type, "mean");
  int64_t valid = 0, nulls = 0;
  long double sum = 0;
  for (const auto& chunk : chunks) {
    if (type->id() == TypeId::NA) {
      nulls += chunk->length();
      continue;
    }
    for (int64_t i = 0; i < chunk->length(); ++i) {
      if (chunk->IsNull(i)) {
        ++nulls;
        continue;
      }
      ++valid;
      sum += is_floating(type->id()) ? static_cast<long double>(ReadDouble(*chunk, i))
                                     : static_cast<long double>(ReadInteger(*chunk, i));
    }
  }
  bool is_null = valid == 0 || valid < options.min_count || (!options.skip_nulls && nulls > 0);
  return DoubleScalar(is_null ? std::nullopt : std::optional<double>(static_cast<double>(sum / valid)));
}

/// The positions (chunk, index) of the minimum and maximum, or nullopt when
/// there is none; sets *saw_null when a null was seen.
struct Extremes {
  int min_chunk = -1, max_chunk = -1;
  int64_t min_index = -1, max_index = -1;
  int nan_chunk = -1;
  int64_t nan_index = -1;
  bool saw_null = false;
};

Extremes FindExtremes(const std::vector<ArrayPtr>& chunks, const TypePtr& type, const char* function) {
  Kind kind = CompareKind(*type, *type, function);
  if (type->id() == TypeId::NA) kind = Kind::kInteger;
  Extremes e;
  for (int c = 0; c < static_cast<int>(chunks.size()); ++c) {
    const Array& chunk = *chunks[static_cast<size_t>(c)];
    if (type->id() == TypeId::NA) {
      if (chunk.length() > 0) e.saw_null = true;
      continue;
    }
    for (int64_t i = 0; i < chunk.length(); ++i) {
      if (chunk.IsNull(i)) {
        e.saw_null = true;
        continue;
      }
      if (kind == Kind::kFloating && std::isnan(ReadDouble(chunk, i))) {
        // NaN is ignored unless every value is NaN.
        if (e.nan_chunk < 0) {
          e.nan_chunk = c;
          e.nan_index = i;
        }
        continue;
      }
      if (e.min_chunk < 0 ||
          CompareValues(kind, chunk, i, *chunks[static_cast<size_t>(e.min_chunk)], e.min_index) < 0) {
        e.min_chunk = c;
        e.min_index = i;
      }
      if (e.max_chunk < 0 ||
          CompareValues(kind, chunk, i, *chunks[static_cast<size_t>(e.max_chunk)], e.max_index) > 0) {
        e.max_chunk = c;
        e.max_index = i;
      }
    }
  }
  if (e.min_chunk < 0 && e.nan_chunk >= 0) {
    e.min_chunk = e.max_chunk = e.nan_chunk;
    e.min_index = e.max_index = e.nan_index;
  }
  return e;
}

ArrayPtr ExtremeArray(const std::vector<ArrayPtr>& chunks, const TypePtr& type, int chunk, int64_t index,
                      bool null_result) {
  if (null_result || chunk < 0) return NullOf(type);
  return chunks[static_cast<size_t>(chunk)]->Slice(index, 1);
}

int64_t CountValid(const std::vector<ArrayPtr>& chunks, const TypePtr& type) {
  int64_t valid = 0;
  for (const auto& chunk : chunks) {
    if (type->id() == TypeId::NA) continue;
    valid += chunk->length() - chunk->null_count();
  }
  return valid;
}

// ---------------------------------------------------------------------------
// Dispatch over Array / ChunkedArray / RecordBatch / Table

nb::object TakeDatum(nb::handle values, nb::handle indices_obj) {
  ArrayPtr indices = AsSingleArray(indices_obj);
  if (IsArray(values)) return WrapArray(TakeArray(ToArray(values), *indices));
  if (IsChunkedArray(values)) {
    ArrayPtr combined;
    {
      nb::gil_scoped_release release;
      combined = CombinedArray(*ToChunkedArray(values));
    }
    ArrayPtr taken = TakeArray(combined, *indices);
    return WrapChunkedArray(std::make_shared<ChunkedArray>(ArrayVector{taken}, taken->type()));
  }
  if (IsRecordBatch(values)) {
    const auto& batch = ToRecordBatch(values);
    auto positions = IndicesToPositions(*indices, batch->num_rows());
    ArrayVector columns;
    for (const auto& column : batch->columns()) columns.push_back(Gather(column, positions));
    return WrapRecordBatch(RecordBatch::Make(batch->schema(), static_cast<int64_t>(positions.size()), columns));
  }
  if (IsTable(values)) {
    const auto& table = ToTable(values);
    auto positions = IndicesToPositions(*indices, table->num_rows());
    ChunkedArrayVector columns;
    for (const auto& column : table->columns()) {
      ArrayPtr taken = Gather(CombinedArray(*column), positions);
      columns.push_back(std::make_shared<ChunkedArray>(ArrayVector{taken}, taken->type()));
    }
    return WrapTable(Table::Make(table->schema(), columns, static_cast<int64_t>(positions.size())));
  }
  throw nb::type_error("take expects an Array, ChunkedArray, RecordBatch or Table");
}

ChunkedArrayPtr FilterChunked(const ChunkedArray& chunked, const Array& mask, bool emit_null) {
  if (mask.length() != chunked.length()) {
    ThrowStatus(Status::Invalid("Filter inputs must all be the same length: values have ", chunked.length(),
                                " but the mask has ", mask.length()));
  }
  ArrayVector out;
  int64_t offset = 0;
  for (const auto& chunk : chunked.chunks()) {
    ArrayPtr mask_slice = mask.Slice(offset, chunk->length());
    out.push_back(FilterArray(chunk, *mask_slice, emit_null));
    offset += chunk->length();
  }
  return std::make_shared<ChunkedArray>(std::move(out), chunked.type());
}

nb::object FilterDatum(nb::handle values, nb::handle mask_obj, bool emit_null) {
  ArrayPtr mask = AsSingleArray(mask_obj);
  AsBoolean(*mask, "filter mask");
  if (IsArray(values)) return WrapArray(FilterArray(ToArray(values), *mask, emit_null));
  if (IsChunkedArray(values)) return WrapChunkedArray(FilterChunked(*ToChunkedArray(values), *mask, emit_null));
  if (IsRecordBatch(values)) {
    const auto& batch = ToRecordBatch(values);
    if (mask->length() != batch->num_rows()) {
      ThrowStatus(Status::Invalid("Filter inputs must all be the same length: the batch has ", batch->num_rows(),
                                  " rows but the mask has ", mask->length()));
    }
    auto positions = MaskToPositions(*mask, emit_null);
    ArrayVector columns;
    for (const auto& column : batch->columns()) columns.push_back(Gather(column, positions));
    return WrapRecordBatch(RecordBatch::Make(batch->schema(), static_cast<int64_t>(positions.size()), columns));
  }
  if (IsTable(values)) {
    const auto& table = ToTable(values);
    if (mask->length() != table->num_rows()) {
      ThrowStatus(Status::Invalid("Filter inputs must all be the same length: the table has ", table->num_rows(),
                                  " rows but the mask has ", mask->length()));
    }
    ChunkedArrayVector columns;
    int64_t rows = -1;
    for (const auto& column : table->columns()) {
      columns.push_back(FilterChunked(*column, *mask, emit_null));
      rows = columns.back()->length();
    }
    if (rows < 0) rows = static_cast<int64_t>(MaskToPositions(*mask, emit_null).size());
    return WrapTable(Table::Make(table->schema(), columns, rows));
  }
  throw nb::type_error("filter expects an Array, ChunkedArray, RecordBatch or Table");
}

TypePtr BooleanResultType() { return boolean(); }

/// Applies a binary kernel to (Array|ChunkedArray|Scalar) x (Array|ChunkedArray|Scalar).
template <typename Kernel>
nb::object Binary(nb::handle lhs, nb::handle rhs, Kernel&& kernel) {
  const bool l_scalar = IsScalar(lhs), r_scalar = IsScalar(rhs);
  if (l_scalar && r_scalar) {
    ArrayPtr out = kernel(*nb::cast<PyScalar&>(lhs).array, *nb::cast<PyScalar&>(rhs).array, false, false);
    return WrapScalar(out, 0);
  }
  if (l_scalar || r_scalar) {
    nb::handle data = l_scalar ? rhs : lhs;
    const Array& scalar = *nb::cast<PyScalar&>(l_scalar ? lhs : rhs).array;
    ArrayVector out;
    for (const auto& chunk : Chunks(data)) {
      out.push_back(l_scalar ? kernel(scalar, *chunk, true, false) : kernel(*chunk, scalar, false, true));
    }
    if (IsArray(data)) return WrapArray(out[0]);
    return WrapChunkedArray(std::make_shared<ChunkedArray>(std::move(out), BooleanResultType()));
  }
  if (IsArray(lhs) && IsArray(rhs)) {
    const auto& a = ToArray(lhs);
    const auto& b = ToArray(rhs);
    if (a->length() != b->length()) {
      ThrowStatus(Status::Invalid("Array arguments must all be the same length: ", a->length(), " and ", b->length()));
    }
    return WrapArray(kernel(*a, *b, false, false));
  }
  ArrayPtr a = AsSingleArray(lhs), b = AsSingleArray(rhs);
  if (a->length() != b->length()) {
    ThrowStatus(Status::Invalid("Array arguments must all be the same length: ", a->length(), " and ", b->length()));
  }
  ArrayPtr out = kernel(*a, *b, false, false);
  return WrapChunkedArray(std::make_shared<ChunkedArray>(ArrayVector{out}, out->type()));
}

std::vector<ArrayPtr> AggregateInput(nb::handle values, TypePtr* type) {
  if (IsScalar(values)) {
    const auto& array = nb::cast<PyScalar&>(values).array;
    *type = array->type();
    return {array};
  }
  *type = DatumType(values);
  return Chunks(values);
}

}  // namespace

ArrayPtr TakeArray(const ArrayPtr& values, const Array& indices) {
  return Gather(values, IndicesToPositions(indices, values->length()));
}

ArrayPtr TakePositions(const ArrayPtr& values, const std::vector<int64_t>& positions) {
  return Gather(values, positions);
}

ArrayPtr DictionaryEncode(const ArrayPtr& values) {
  if (values->type_id() == TypeId::DICTIONARY) return values;
  auto builder = Unwrap(DictionaryBuilder::Make(dictionary(int32(), values->type())));
  Check(builder->AppendValues(*values));
  return Unwrap(builder->Finish());
}

void InitCompute(nb::module_& m) {
  m.def("_take", &TakeDatum, nb::arg("values"), nb::arg("indices"));
  m.def("_filter", [](nb::handle values, nb::handle mask, const std::string& null_selection_behavior) {
    bool emit_null;
    if (null_selection_behavior == "drop") emit_null = false;
    else if (null_selection_behavior == "emit_null") emit_null = true;
    else throw nb::value_error("null_selection_behavior must be 'drop' or 'emit_null'");
    return FilterDatum(values, mask, emit_null);
  }, nb::arg("values"), nb::arg("mask"), nb::arg("null_selection_behavior") = "drop");
  m.def("_compare", [](const std::string& name, nb::handle lhs, nb::handle rhs) {
    ParseCmpOp(name);
    CompareKind(*DatumType(lhs), *DatumType(rhs), name.c_str());
    return Binary(lhs, rhs, [&](const Array& a, const Array& b, bool a_scalar, bool b_scalar) {
      return CompareArrays(name, a, b, b_scalar, a_scalar);
    });
  }, nb::arg("name"), nb::arg("lhs"), nb::arg("rhs"));
  m.def("_logical", [](const std::string& name, nb::handle lhs, nb::handle rhs) {
    LogicOp op;
    if (name == "and") op = LogicOp::kAnd;
    else if (name == "or") op = LogicOp::kOr;
    else if (name == "xor") op = LogicOp::kXor;
    else if (name == "and_kleene") op = LogicOp::kAndKleene;
    else if (name == "or_kleene") op = LogicOp::kOrKleene;
    else ThrowStatus(Status::KeyError("No function registered with name: ", name));
    return Binary(lhs, rhs, [&](const Array& a, const Array& b, bool a_scalar, bool b_scalar) {
      return Logic(op, a, b, a_scalar, b_scalar);
    });
  }, nb::arg("name"), nb::arg("lhs"), nb::arg("rhs"));
  m.def("_unary", [](const std::string& name, nb::handle values, bool nan_is_null) -> nb::object {
    auto apply = [&](const Array& a) {
      BooleanBuilder builder;
      Check(builder.Reserve(a.length()));
      for (int64_t i = 0; i < a.length(); ++i) {
        if (name == "invert") {
          const auto& b = AsBoolean(a, "invert argument");
          if (b.IsNull(i)) Check(builder.AppendNull());
          else builder.UnsafeAppend(!b.Value(i));
          continue;
        }
        bool null = a.type_id() == TypeId::NA || a.IsNull(i);
        if (!null && nan_is_null && is_floating(a.type_id())) null = std::isnan(ReadDouble(a, i));
        if (name == "is_null") builder.UnsafeAppend(null);
        else if (name == "is_valid") builder.UnsafeAppend(!null);
        else ThrowStatus(Status::KeyError("No function registered with name: ", name));
      }
      return Unwrap(builder.Finish());
    };
    if (IsScalar(values)) return WrapScalar(apply(*nb::cast<PyScalar&>(values).array), 0);
    if (IsArray(values)) return WrapArray(apply(*ToArray(values)));
    ArrayVector out;
    for (const auto& chunk : Chunks(values)) out.push_back(apply(*chunk));
    return WrapChunkedArray(std::make_shared<ChunkedArray>(std::move(out), boolean()));
  }, nb::arg("name"), nb::arg("values"), nb::arg("nan_is_null") = false);
  m.def("_aggregate", [](const std::string& name, nb::handle values, bool skip_nulls, int64_t min_count,
                         const std::string& mode) -> nb::object {
    TypePtr type;
    auto chunks = AggregateInput(values, &type);
    AggregateOptions options{skip_nulls, min_count};
    if (name == "sum") return Sum(chunks, type, options);
    if (name == "mean") return Mean(chunks, type, options);
    if (name == "count") {
      int64_t total = 0;
      for (const auto& c : chunks) total += c->length();
      int64_t valid = CountValid(chunks, type);
      if (mode == "only_valid") return Int64Scalar(valid);
      if (mode == "only_null") return Int64Scalar(total - valid);
      if (mode == "all") return Int64Scalar(total);
      throw nb::value_error("count mode must be 'only_valid', 'only_null' or 'all'");
    }
    if (name == "min" || name == "max" || name == "min_max") {
      Extremes e = FindExtremes(chunks, type, name.c_str());
      int64_t valid = CountValid(chunks, type);
      bool null_result = valid < min_count || (!skip_nulls && e.saw_null);
      ArrayPtr min = ExtremeArray(chunks, type, e.min_chunk, e.min_index, null_result);
      ArrayPtr max = ExtremeArray(chunks, type, e.max_chunk, e.max_index, null_result);
      if (name == "min") return WrapScalar(min, 0);
      if (name == "max") return WrapScalar(max, 0);
      auto pair = Unwrap(StructArray::Make({min, max}, {"min", "max"}));
      return WrapScalar(pair, 0);
    }
    ThrowStatus(Status::KeyError("No function registered with name: ", name));
  }, nb::arg("name"), nb::arg("values"), nb::arg("skip_nulls") = true, nb::arg("min_count") = 1,
     nb::arg("mode") = "only_valid");
}

}  // namespace quiver::py
