// Type helpers shared by the binding files that accept types from Python.
#pragma once

#include <string_view>

#include "common.h"

namespace quiver::py {

/// The type named by a pyarrow alias ("int64", "str", "timestamp[ms, tz=UTC]"...).
TypePtr TypeForAlias(std::string_view name);
/// A DataType, or a string alias of one.
TypePtr EnsureType(nb::handle obj);
/// A Field, or a (name, type[, nullable]) tuple.
FieldPtr EnsureField(nb::handle obj);
/// Fields from a list of Fields/tuples or a {name: type} mapping.
FieldVector ToFieldVector(nb::handle fields);

}  // namespace quiver::py
