// Scalars: one value of an array, with the pyarrow class per type
// (Int64Scalar, StringScalar, StructScalar...). A scalar holds a length-1
// slice of the array it came from, so taking one copies nothing.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <array>
#include <deque>

#include "common.h"

namespace quiver::py {
namespace {

constexpr size_t kNumTypeIds = static_cast<size_t>(TypeId::EXTENSION) + 1;
constexpr TypeId ClassId(TypeId id) { return id == TypeId::DENSE_UNION ? TypeId::SPARSE_UNION : id; }

using ScalarWrapFn = nb::object (*)(ArrayPtr);

template <size_t I>
nb::object WrapScalarAs(ArrayPtr slice) {
  constexpr TypeId kId = ClassId(static_cast<TypeId>(I));
  return nb::cast(ScalarOf<kId>{{std::move(slice)}});
}

template <size_t... I>
constexpr std::array<ScalarWrapFn, kNumTypeIds> MakeScalarWrapTable(std::index_sequence<I...>) {
  return {&WrapScalarAs<I>...};
}

constexpr auto kScalarWrapTable = MakeScalarWrapTable(std::make_index_sequence<kNumTypeIds>());

ToPyOptions MapsOption(nb::handle maps_as_pydicts) {
  ToPyOptions options;
  if (!maps_as_pydicts.is_none()) {
    auto mode = nb::cast<std::string>(maps_as_pydicts);
    if (mode == "lossy") options.maps = ToPyOptions::Maps::kLossy;
    else if (mode == "strict") options.maps = ToPyOptions::Maps::kStrict;
    else throw nb::value_error("maps_as_pydicts must be None, 'lossy' or 'strict'");
  }
  return options;
}

/// The values of a list-like scalar, as an array.
ArrayPtr ListValues(const ArrayPtr& array) {
  switch (array->type_id()) {
    case TypeId::LIST:
    case TypeId::MAP:
      return static_cast<const ListArray&>(*array).value_slice(0);
    case TypeId::LARGE_LIST:
      return static_cast<const LargeListArray&>(*array).value_slice(0);
    case TypeId::LIST_VIEW:
      return static_cast<const ListViewArray&>(*array).value_slice(0);
    case TypeId::LARGE_LIST_VIEW:
      return static_cast<const LargeListViewArray&>(*array).value_slice(0);
    case TypeId::FIXED_SIZE_LIST:
      return static_cast<const FixedSizeListArray&>(*array).value_slice(0);
    default:
      ThrowStatus(Status::TypeError("not a list-like scalar: ", array->type()->ToString()));
  }
}

template <typename Class>
void BindListScalar(Class& cls) {
  cls.def("__len__", [](const PyScalar& s) -> int64_t {
       if (s.array->IsNull(0)) return 0;
       return ListValues(s.array)->length();
     })
      .def_prop_ro("values", [](const PyScalar& s) -> nb::object {
        if (s.array->IsNull(0)) return nb::none();
        return WrapArray(ListValues(s.array));
      })
      .def("__getitem__", [](const PyScalar& s, int64_t i) {
        if (s.array->IsNull(0)) ThrowStatus(Status::IndexError("index into a null list scalar"));
        auto values = ListValues(s.array);
        if (i < 0) i += values->length();
        if (i < 0 || i >= values->length()) ThrowStatus(Status::IndexError("index out of bounds"));
        return WrapScalar(values, i);
      })
      .def("__iter__", [](const PyScalar& s) {
        nb::list items;
        if (!s.array->IsNull(0)) {
          auto values = ListValues(s.array);
          for (int64_t i = 0; i < values->length(); ++i) items.append(WrapScalar(values, i));
        }
        return nb::iter(items);
      });
}

template <TypeId kId>
void BindScalarClass(nb::module_& m, std::deque<std::string>& names) {
  if constexpr (kId == TypeId::DENSE_UNION) {
    return;
  } else {
    names.push_back(std::string(ClassStem(kId)) + "Scalar");
    auto cls = nb::class_<ScalarOf<kId>, PyScalar>(m, names.back().c_str());
    if constexpr (kId == TypeId::LIST || kId == TypeId::LARGE_LIST || kId == TypeId::LIST_VIEW ||
                  kId == TypeId::LARGE_LIST_VIEW || kId == TypeId::FIXED_SIZE_LIST || kId == TypeId::MAP) {
      BindListScalar(cls);
    } else if constexpr (kId == TypeId::STRUCT) {
      cls.def("__len__", [](const PyScalar& s) { return s.array->type()->num_fields(); })
          .def("__getitem__", [](const PyScalar& s, nb::handle key) {
            const auto& st = static_cast<const StructArray&>(*s.array);
            int index;
            if (PyUnicode_Check(key.ptr())) {
              auto name = nb::cast<std::string>(key);
              index = static_cast<const StructType&>(*s.array->type()).GetFieldIndex(name);
              if (index < 0) ThrowStatus(Status::KeyError(name));
            } else {
              int64_t i = nb::cast<int64_t>(key);
              if (i < 0) i += st.num_fields();
              if (i < 0 || i >= st.num_fields()) ThrowStatus(Status::IndexError("index out of bounds"));
              index = static_cast<int>(i);
            }
            return WrapScalar(st.field(index), 0);
          })
          .def("keys", [](const PyScalar& s) {
            nb::list out;
            for (const auto& f : s.array->type()->fields()) out.append(nb::str(f->name().c_str()));
            return out;
          })
          .def("items", [](const PyScalar& s) {
            const auto& st = static_cast<const StructArray&>(*s.array);
            nb::list out;
            for (int i = 0; i < st.num_fields(); ++i) {
              out.append(nb::make_tuple(nb::str(s.array->type()->field(i)->name().c_str()), WrapScalar(st.field(i), 0)));
            }
            return out;
          });
    } else if constexpr (kId == TypeId::DICTIONARY) {
      cls.def_prop_ro("index", [](const PyScalar& s) {
           return WrapScalar(static_cast<const DictionaryArray&>(*s.array).indices(), 0);
         })
          .def_prop_ro("value", [](const PyScalar& s) -> nb::object {
            if (s.array->IsNull(0)) return nb::none();
            const auto& d = static_cast<const DictionaryArray&>(*s.array);
            return WrapScalar(d.dictionary(), d.GetValueIndex(0));
          })
          .def_prop_ro("dictionary", [](const PyScalar& s) {
            return WrapArray(static_cast<const DictionaryArray&>(*s.array).dictionary());
          });
    } else if constexpr (kId == TypeId::RUN_END_ENCODED) {
      cls.def_prop_ro("value", [](const PyScalar& s) {
        const auto& ree = static_cast<const RunEndEncodedArray&>(*s.array);
        return WrapScalar(ree.values(), ree.FindPhysicalIndex(0));
      });
    } else if constexpr (kId == TypeId::EXTENSION) {
      cls.def_prop_ro("value", [](const PyScalar& s) {
        return WrapScalar(static_cast<const ExtensionArray&>(*s.array).storage(), 0);
      });
    } else if constexpr (kId == TypeId::SPARSE_UNION) {
      cls.def_prop_ro("type_code", [](const PyScalar& s) {
           return static_cast<int>(static_cast<const UnionArray&>(*s.array).type_code(0));
         })
          .def_prop_ro("value", [](const PyScalar& s) {
            const auto& u = static_cast<const UnionArray&>(*s.array);
            int child = u.child_id(0);
            int64_t index = u.mode() == UnionMode::SPARSE ? s.array->offset() : u.value_offset(0);
            return WrapScalar(u.field(child), index);
          });
    }
  }
}

template <size_t... I>
void BindScalarClasses(nb::module_& m, std::deque<std::string>& names, std::index_sequence<I...>) {
  (BindScalarClass<static_cast<TypeId>(I)>(m, names), ...);
}

std::deque<std::string>& ScalarClassNames() {
  static std::deque<std::string> names;
  return names;
}

}  // namespace

nb::object WrapScalar(const ArrayPtr& array, int64_t i) {
  auto id = static_cast<size_t>(array->type_id());
  return kScalarWrapTable[id](array->Slice(i, 1));
}

bool IsScalar(nb::handle obj) { return nb::isinstance<PyScalar>(obj); }

void InitScalars(nb::module_& m) {
  nb::class_<PyScalar>(m, "Scalar", "One value of an Arrow type (possibly null).")
      .def_prop_ro("type", [](const PyScalar& s) { return WrapType(s.array->type()); })
      .def_prop_ro("is_valid", [](const PyScalar& s) { return s.array->IsValid(0); })
      .def("as_py", [](const PyScalar& s, nb::handle maps_as_pydicts) {
        return ArrayValueToPy(*s.array, 0, MapsOption(maps_as_pydicts));
      }, nb::kw_only(), nb::arg("maps_as_pydicts") = nb::none(), "The value as a Python object (None for null).")
      .def("_as_array", [](const PyScalar& s) { return WrapArray(s.array); },
           "The scalar as a length-1 array (no copy).")
      .def("equals", [](const PyScalar& s, nb::handle other) {
        return IsScalar(other) && s.array->Equals(nb::cast<PyScalar&>(other).array);
      }, nb::arg("other"))
      .def("__eq__", [](const PyScalar& s, nb::handle other) -> nb::object {
        if (!IsScalar(other)) return nb::borrow(Py_NotImplemented);
        return nb::bool_(s.array->Equals(nb::cast<PyScalar&>(other).array));
      }, nb::arg("other").none())
      .def("__hash__", [](const PyScalar& s) {
        return nb::hash(nb::make_tuple(nb::str(s.array->type()->ToString().c_str()), nb::str(s.array->ToString().c_str())));
      })
      .def("__str__", [](const PyScalar& s) { return nb::str(ArrayValueToPy(*s.array, 0)); })
      .def("__repr__", [](nb::handle self) {
        const auto& s = nb::cast<PyScalar&>(self);
        std::string cls = nb::cast<std::string>(nb::str(self.type().attr("__name__")));
        nb::object value = ArrayValueToPy(*s.array, 0);
        if (s.array->type_id() == TypeId::STRUCT && !value.is_none()) {
          value = nb::list(value.attr("items")());  // pyarrow shows struct scalars as their (key, value) pairs
        }
        return "<quiver." + cls + ": " + nb::cast<std::string>(nb::repr(value)) + ">";
      });

  BindScalarClasses(m, ScalarClassNames(), std::make_index_sequence<kNumTypeIds>());
}

}  // namespace quiver::py
