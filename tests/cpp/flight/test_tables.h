// The tables the Flight tests and interop tools send: the same data on every
// side, so a receiver can compare with what it built itself.
#pragma once

#include "quiver/record_batch.h"
#include "quiver/schema.h"
#include "quiver/table.h"

namespace quiver::flight::testing {

/// The batches as a table (of `schema`, or of the first batch's).
TablePtr MakeTable(const RecordBatchVector& batches, SchemaPtr schema = nullptr);
/// int64 "x": 10 rows 0..9, then 0 rows, then 5 rows 200..204.
TablePtr IntsTable();
/// A dictionary<int32, utf8> column and an int32 column, in two batches whose
/// dictionaries differ (the second replaces the first on the wire).
TablePtr DictionaryTable();
/// One batch of three rows with a column of (nearly) every type of the core.
TablePtr EveryTypeTable();

}  // namespace quiver::flight::testing
