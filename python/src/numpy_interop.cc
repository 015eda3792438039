// The raw pieces the Python layer (quiver/_numpy.py) needs to move data
// between numpy and Quiver without copying where the layouts agree:
//   - an array over any buffer-protocol object whose items have the type's
//     width (the numpy memory is wrapped, not copied; a validity bitmap is
//     computed from a mask, NaNs or NaTs when asked);
//   - the values buffer of a fixed-width array, sliced to the array, for
//     numpy.frombuffer; booleans and validity unpacked to one byte per value.
#include <cmath>
#include <cstring>
#include <limits>

#include "common.h"
#include "types_internal.h"

namespace quiver::py {
namespace {

std::shared_ptr<Buffer> BitmapFromBytes(const uint8_t* bytes, int64_t n, bool invert, int64_t* false_count) {
  auto bitmap = Unwrap(AllocateZeroedBuffer(bit_util::BytesForBits(n)));
  uint8_t* bits = bitmap->mutable_data();
  int64_t zeros = 0;
  for (int64_t i = 0; i < n; ++i) {
    bool bit = (bytes[i] != 0) != invert;
    if (bit) bit_util::SetBit(bits, i);
    else ++zeros;
  }
  *false_count = zeros;
  return bitmap;
}

template <typename T>
void MarkNaNs(const uint8_t* data, int64_t n, std::vector<uint8_t>* is_null) {
  for (int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, data + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    if (std::isnan(v)) (*is_null)[static_cast<size_t>(i)] = 1;
  }
}

void MarkHalfNaNs(const uint8_t* data, int64_t n, std::vector<uint8_t>* is_null) {
  for (int64_t i = 0; i < n; ++i) {
    uint16_t bits;
    std::memcpy(&bits, data + i * 2, 2);
    if ((bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0) (*is_null)[static_cast<size_t>(i)] = 1;
  }
}

}  // namespace

void InitNumpy(nb::module_& m) {
  m.def("_array_from_buffer", [](nb::handle data, nb::handle type_obj, nb::handle mask, bool nan_is_null,
                                 bool nat_is_null) {
    TypePtr type = EnsureType(type_obj);
    auto values = BufferFromPyObject(data);
    const bool is_bool = type->id() == TypeId::BOOL;
    const int width = is_bool ? 1 : type->byte_width();
    if (width <= 0 || (!is_fixed_width(type->id()) && !is_bool) || is_decimal(type->id()) ||
        type->id() == TypeId::FIXED_SIZE_BINARY) {
      ThrowStatus(Status::NotImplemented("no zero-copy numpy conversion for ", type->ToString()));
    }
    if (values->size() % width != 0) {
      ThrowStatus(Status::Invalid("buffer of ", values->size(), " bytes is not a whole number of ", width,
                                  "-byte values for ", type->ToString()));
    }
    const int64_t n = values->size() / width;
    std::vector<uint8_t> is_null;
    bool any_null = false;
    auto mark = [&] {
      if (is_null.empty()) is_null.assign(static_cast<size_t>(n), 0);
    };
    if (!mask.is_none()) {
      auto mask_buffer = BufferFromPyObject(mask);
      if (mask_buffer->size() != n) {
        ThrowStatus(Status::Invalid("mask has ", mask_buffer->size(), " entries but the array has ", n, " values"));
      }
      mark();
      for (int64_t i = 0; i < n; ++i) {
        if (mask_buffer->data()[i]) is_null[static_cast<size_t>(i)] = 1;
      }
    }
    if (nan_is_null && is_floating(type->id())) {
      mark();
      if (type->id() == TypeId::DOUBLE) MarkNaNs<double>(values->data(), n, &is_null);
      else if (type->id() == TypeId::FLOAT) MarkNaNs<float>(values->data(), n, &is_null);
      else MarkHalfNaNs(values->data(), n, &is_null);
    }
    if (nat_is_null && width == 8 &&
        (type->id() == TypeId::TIMESTAMP || type->id() == TypeId::DURATION || type->id() == TypeId::DATE64)) {
      mark();
      for (int64_t i = 0; i < n; ++i) {
        int64_t v;
        std::memcpy(&v, values->data() + i * 8, 8);
        if (v == std::numeric_limits<int64_t>::min()) is_null[static_cast<size_t>(i)] = 1;
      }
    }
    for (uint8_t b : is_null) any_null |= b != 0;

    std::shared_ptr<Buffer> validity;
    int64_t null_count = 0;
    if (any_null) validity = BitmapFromBytes(is_null.data(), n, /*invert=*/true, &null_count);
    if (is_bool) {
      int64_t unused = 0;
      values = BitmapFromBytes(values->data(), n, /*invert=*/false, &unused);  // numpy bools are bytes: pack them
    }
    return WrapArray(MakeArray(ArrayData::Make(type, n, {validity, values}, null_count)));
  }, nb::arg("data"), nb::arg("type"), nb::arg("mask") = nb::none(), nb::arg("nan_is_null") = false,
     nb::arg("nat_is_null") = false);

  m.def("_values_buffer", [](nb::handle array_obj) -> nb::object {
    const ArrayPtr& array = ToArray(array_obj);
    const auto& data = *array->data();
    int width = array->type()->byte_width();
    if (width <= 0 || data.buffers.size() < 2) {
      ThrowStatus(Status::TypeError("no fixed-width values buffer in ", array->type()->ToString()));
    }
    if (!data.buffers[1]) return WrapBuffer(Unwrap(AllocateBuffer(0)));
    return WrapBuffer(Unwrap(SliceBufferChecked(data.buffers[1], data.offset * width, data.length * width)));
  }, "The values of a fixed-width array as a Buffer sliced to the array (no copy).");

  m.def("_validity_bytes", [](nb::handle array_obj) {
    const ArrayPtr& array = ToArray(array_obj);
    std::string out(static_cast<size_t>(array->length()), '\1');
    for (int64_t i = 0; i < array->length(); ++i) {
      if (array->IsNull(i)) out[static_cast<size_t>(i)] = '\0';
    }
    return nb::bytes(out.data(), out.size());
  }, "One byte per element: 1 where valid, 0 where null.");

  m.def("_boolean_bytes", [](nb::handle array_obj) {
    const ArrayPtr& array = ToArray(array_obj);
    if (array->type_id() != TypeId::BOOL) ThrowStatus(Status::TypeError("expected a boolean array"));
    const auto& booleans = static_cast<const BooleanArray&>(*array);
    std::string out(static_cast<size_t>(array->length()), '\0');
    for (int64_t i = 0; i < array->length(); ++i) {
      if (booleans.IsValid(i) && booleans.Value(i)) out[static_cast<size_t>(i)] = '\1';
    }
    return nb::bytes(out.data(), out.size());
  }, "One byte per element: the boolean values (0 for nulls).");
}

}  // namespace quiver::py
