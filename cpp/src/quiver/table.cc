#include "quiver/table.h"

#include <algorithm>
#include <sstream>

#include "quiver/concatenate.h"
#include "quiver/pretty_print.h"

namespace quiver {

namespace {

// Tables and batches are combined only when their fields agree in name, type and
// nullability; metadata may differ. Reports the first difference, naming `what`.
Status CheckSameFields(const Schema& expected, const Schema& found, const std::string& what) {
  if (expected.num_fields() != found.num_fields()) {
    return Status::Invalid("schema mismatch in ", what, ": expected ", expected.num_fields(),
                           " fields but found ", found.num_fields(), "; expected schema:\n",
                           expected.ToString(false), "\nfound schema:\n", found.ToString(false));
  }
  for (int i = 0; i < expected.num_fields(); ++i) {
    const Field& e = *expected.field(i);
    const Field& f = *found.field(i);
    if (!e.Equals(f, /*check_metadata=*/false)) {
      return Status::Invalid("schema mismatch in ", what, " at field ", i, ": expected '", e.ToString(),
                             "' but found '", f.ToString(), "'");
    }
  }
  return Status::OK();
}

}  // namespace

TablePtr Table::Make(SchemaPtr schema, ChunkedArrayVector columns, int64_t num_rows) {
  if (num_rows < 0) num_rows = columns.empty() ? 0 : columns[0]->length();
  return TablePtr(new Table(std::move(schema), std::move(columns), num_rows));
}

TablePtr Table::Make(SchemaPtr schema, const ArrayVector& arrays, int64_t num_rows) {
  ChunkedArrayVector columns;
  columns.reserve(arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    // The field's type when there is one, so that a mismatch shows in Validate().
    TypePtr type = schema && static_cast<int>(i) < schema->num_fields()
                       ? schema->field(static_cast<int>(i))->type()
                       : arrays[i]->type();
    columns.push_back(std::make_shared<ChunkedArray>(ArrayVector{arrays[i]}, std::move(type)));
  }
  if (num_rows < 0) num_rows = arrays.empty() ? 0 : arrays[0]->length();
  return Make(std::move(schema), std::move(columns), num_rows);
}

Result<TablePtr> Table::FromRecordBatches(SchemaPtr schema, const RecordBatchVector& batches) {
  if (!schema) {
    if (batches.empty()) {
      return Status::Invalid("cannot infer the schema of a table without batches: pass the schema");
    }
    if (!batches[0]) return Status::Invalid("batch 0 is null");
    schema = batches[0]->schema();
  }
  const int ncols = schema->num_fields();
  std::vector<ArrayVector> chunks(static_cast<size_t>(ncols));
  int64_t num_rows = 0;
  for (size_t b = 0; b < batches.size(); ++b) {
    if (!batches[b]) return Status::Invalid("batch ", b, " is null");
    const RecordBatch& batch = *batches[b];
    QUIVER_RETURN_NOT_OK(CheckSameFields(*schema, *batch.schema(), "record batch " + std::to_string(b)));
    if (batch.num_columns() != ncols) {
      return Status::Invalid("record batch ", b, " has ", batch.num_columns(), " columns but its schema has ",
                             ncols, " fields");
    }
    for (int c = 0; c < ncols; ++c) chunks[static_cast<size_t>(c)].push_back(batch.column(c));
    num_rows += batch.num_rows();
  }
  ChunkedArrayVector columns;
  for (int c = 0; c < ncols; ++c) {
    columns.push_back(
        std::make_shared<ChunkedArray>(std::move(chunks[static_cast<size_t>(c)]), schema->field(c)->type()));
  }
  return Make(std::move(schema), std::move(columns), num_rows);
}

Result<TablePtr> Table::FromRecordBatchReader(RecordBatchReader* reader) {
  if (!reader) return Status::Invalid("FromRecordBatchReader needs a reader");
  QUIVER_ASSIGN_OR_RAISE(auto batches, reader->ReadAll());
  return FromRecordBatches(reader->schema(), batches);
}

ChunkedArrayPtr Table::GetColumnByName(std::string_view name) const {
  const std::vector<int> found = schema_->GetAllFieldIndices(name);
  if (found.size() != 1) return nullptr;
  return columns_[static_cast<size_t>(found[0])];
}

TablePtr Table::Slice(int64_t offset, int64_t length) const {
  offset = std::clamp<int64_t>(offset, 0, num_rows_);
  length = std::clamp<int64_t>(length, 0, num_rows_ - offset);
  ChunkedArrayVector columns;
  columns.reserve(columns_.size());
  for (const auto& c : columns_) columns.push_back(c->Slice(offset, length));
  return Make(schema_, std::move(columns), length);
}

Result<TablePtr> Table::SelectColumns(const std::vector<int>& indices) const {
  FieldVector fields;
  ChunkedArrayVector columns;
  for (int i : indices) {
    if (i < 0 || i >= num_columns()) {
      return Status::IndexError("column index ", i, " out of range for a table with ", num_columns(),
                                " columns");
    }
    fields.push_back(schema_->field(i));
    columns.push_back(column(i));
  }
  return Make(quiver::schema(std::move(fields), schema_->metadata()), std::move(columns), num_rows_);
}

Result<TablePtr> Table::AddColumn(int i, FieldPtr field, ChunkedArrayPtr column) const {
  if (i < 0 || i > num_columns()) {
    return Status::IndexError("column index ", i, " out of range for inserting into a table with ",
                              num_columns(), " columns (expected 0..", num_columns(), ")");
  }
  if (!field || !column) return Status::Invalid("AddColumn needs a field and a column");
  if (column->length() != num_rows_) {
    return Status::Invalid("added column '", field->name(), "' has ", column->length(),
                           " rows but the table has ", num_rows_);
  }
  if (!column->type()->Equals(*field->type())) {
    return Status::TypeError("added column '", field->name(), "' has type ", column->type()->ToString(),
                             " but its field has type ", field->type()->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(auto new_schema, schema_->AddField(i, std::move(field)));
  ChunkedArrayVector columns = columns_;
  columns.insert(columns.begin() + i, std::move(column));
  return Make(std::move(new_schema), std::move(columns), num_rows_);
}

Result<TablePtr> Table::RemoveColumn(int i) const {
  if (i < 0 || i >= num_columns()) {
    return Status::IndexError("column index ", i, " out of range for a table with ", num_columns(),
                              " columns");
  }
  QUIVER_ASSIGN_OR_RAISE(auto new_schema, schema_->RemoveField(i));
  ChunkedArrayVector columns = columns_;
  columns.erase(columns.begin() + i);
  return Make(std::move(new_schema), std::move(columns), num_rows_);
}

Result<TablePtr> Table::RenameColumns(const std::vector<std::string>& names) const {
  if (names.size() != columns_.size()) {
    return Status::Invalid("expected ", columns_.size(), " names (one per column) but found ", names.size());
  }
  FieldVector fields;
  for (int i = 0; i < num_columns(); ++i) {
    fields.push_back(schema_->field(i)->WithName(names[static_cast<size_t>(i)]));
  }
  return Make(quiver::schema(std::move(fields), schema_->metadata()), columns_, num_rows_);
}

TablePtr Table::ReplaceSchemaMetadata(MetadataPtr metadata) const {
  return Make(schema_->WithMetadata(std::move(metadata)), columns_, num_rows_);
}

Result<TablePtr> Table::CombineChunks(MemoryPool* pool) const {
  ChunkedArrayVector columns;
  columns.reserve(columns_.size());
  for (int i = 0; i < num_columns(); ++i) {
    const auto& col = columns_[static_cast<size_t>(i)];
    if (col->num_chunks() == 1) {
      columns.push_back(col);
      continue;
    }
    ArrayPtr combined;
    if (col->num_chunks() == 0) {
      QUIVER_ASSIGN_OR_RAISE(combined, MakeEmptyArray(col->type(), pool));
    } else {
      Result<ArrayPtr> r = Concatenate(col->chunks(), pool);
      if (!r.ok()) return r.status().WithContext("while combining the chunks of column '" + schema_->field(i)->name() + "'");
      combined = r.MoveValueUnsafe();
    }
    columns.push_back(std::make_shared<ChunkedArray>(ArrayVector{std::move(combined)}, col->type()));
  }
  return Make(schema_, std::move(columns), num_rows_);
}

Result<RecordBatchVector> Table::ToBatches(int64_t max_chunksize) const {
  TableBatchReader reader(*this);
  reader.set_chunksize(max_chunksize);
  return reader.ReadAll();
}

bool Table::Equals(const Table& other, bool check_metadata) const {
  if (num_columns() != other.num_columns() || num_rows_ != other.num_rows_) return false;
  if (!schema_->Equals(*other.schema_, check_metadata)) return false;
  EqualOptions options;
  options.check_metadata = check_metadata;
  for (int i = 0; i < num_columns(); ++i) {
    if (!column(i)->Equals(*other.column(i), options)) return false;
  }
  return true;
}

namespace {
Status ValidateTable(const Table& table, bool full) {
  if (!table.schema()) return Status::Invalid("table has no schema");
  const Schema& schema = *table.schema();
  if (table.num_rows() < 0) return Status::Invalid("a table's row count must be >= 0 but found ", table.num_rows());
  if (schema.num_fields() != table.num_columns()) {
    return Status::Invalid("expected ", schema.num_fields(), " columns (one per schema field) but found ",
                           table.num_columns());
  }
  for (int i = 0; i < table.num_columns(); ++i) {
    const Field& f = *schema.field(i);
    const auto& col = table.column(i);
    if (!col) return Status::Invalid("column ", i, " ('", f.name(), "') is null");
    if (!col->type()->Equals(*f.type())) {
      return Status::Invalid("column ", i, " ('", f.name(), "') has type ", col->type()->ToString(),
                             " but its schema field has type ", f.type()->ToString());
    }
    if (col->length() != table.num_rows()) {
      return Status::Invalid("column ", i, " ('", f.name(), "') has ", col->length(), " rows but the table has ",
                             table.num_rows());
    }
    Status st = full ? col->ValidateFull() : col->Validate();
    if (!st.ok()) return st.WithContext("in column " + std::to_string(i) + " ('" + f.name() + "')");
  }
  return Status::OK();
}
}  // namespace

Status Table::Validate() const { return ValidateTable(*this, false); }
Status Table::ValidateFull() const { return ValidateTable(*this, true); }

std::string Table::ToString() const {
  // pyarrow's str(table): a title, the schema without metadata, then the first ten
  // columns each on one line with pyarrow's chunked-array defaults, "..." for more.
  constexpr int kPreviewColumns = 10;
  std::ostringstream out;
  out << "quiver.Table\n" << schema_->ToString(/*show_metadata=*/false) << "\n----";
  PrettyPrintOptions options;
  options.window = 5;
  options.container_window = 2;
  options.skip_new_lines = true;
  for (int i = 0; i < std::min(num_columns(), kPreviewColumns); ++i) {
    out << "\n" << schema_->field(i)->name() << ": " << column(i)->ToString(options);
  }
  if (num_columns() > kPreviewColumns) out << "\n...";
  return out.str();
}

int64_t Table::nbytes() const {
  int64_t total = 0;
  for (const auto& col : columns_) {
    for (const auto& chunk : col->chunks()) total += chunk->nbytes();
  }
  return total;
}

Result<TablePtr> ConcatenateTables(const std::vector<TablePtr>& tables) {
  if (tables.empty()) return Status::Invalid("ConcatenateTables needs at least one table");
  for (size_t t = 0; t < tables.size(); ++t) {
    if (!tables[t]) return Status::Invalid("table ", t, " is null");
  }
  const SchemaPtr& schema = tables[0]->schema();
  const int ncols = schema->num_fields();
  std::vector<ArrayVector> chunks(static_cast<size_t>(ncols));
  int64_t num_rows = 0;
  for (size_t t = 0; t < tables.size(); ++t) {
    const Table& table = *tables[t];
    QUIVER_RETURN_NOT_OK(CheckSameFields(*schema, *table.schema(), "table " + std::to_string(t)));
    if (table.num_columns() != ncols) {
      return Status::Invalid("table ", t, " has ", table.num_columns(), " columns but its schema has ", ncols,
                             " fields");
    }
    for (int c = 0; c < ncols; ++c) {
      const auto& col_chunks = table.column(c)->chunks();
      auto& dst = chunks[static_cast<size_t>(c)];
      dst.insert(dst.end(), col_chunks.begin(), col_chunks.end());
    }
    num_rows += table.num_rows();
  }
  ChunkedArrayVector columns;
  for (int c = 0; c < ncols; ++c) {
    columns.push_back(
        std::make_shared<ChunkedArray>(std::move(chunks[static_cast<size_t>(c)]), schema->field(c)->type()));
  }
  return Table::Make(schema, std::move(columns), num_rows);
}

// ---------------------------------------------------------------------------
// TableBatchReader

TableBatchReader::TableBatchReader(const Table& table)
    : table_(table),
      chunk_index_(static_cast<size_t>(table.num_columns()), 0),
      chunk_offset_(static_cast<size_t>(table.num_columns()), 0) {}

SchemaPtr TableBatchReader::schema() const { return table_.schema(); }

Status TableBatchReader::ReadNext(RecordBatchPtr* batch) {
  *batch = nullptr;
  if (position_ >= table_.num_rows()) return Status::OK();
  // The batch ends at the nearest chunk boundary of any column, or after
  // max_chunksize rows, whichever comes first.
  int64_t rows = table_.num_rows() - position_;
  if (max_chunksize_ > 0) rows = std::min(rows, max_chunksize_);
  const int ncols = table_.num_columns();
  for (int c = 0; c < ncols; ++c) {
    const ChunkedArray& col = *table_.column(c);
    int& index = chunk_index_[static_cast<size_t>(c)];
    int64_t& offset = chunk_offset_[static_cast<size_t>(c)];
    while (index < col.num_chunks() && offset >= col.chunk(index)->length()) {
      ++index;
      offset = 0;
    }
    if (index >= col.num_chunks()) {
      return Status::Invalid("column ", c, " ('", table_.schema()->field(c)->name(), "') ends after ", position_,
                             " rows but the table has ", table_.num_rows());
    }
    rows = std::min(rows, col.chunk(index)->length() - offset);
  }
  ArrayVector columns;
  columns.reserve(static_cast<size_t>(ncols));
  for (int c = 0; c < ncols; ++c) {
    const ArrayPtr& chunk = table_.column(c)->chunk(chunk_index_[static_cast<size_t>(c)]);
    int64_t& offset = chunk_offset_[static_cast<size_t>(c)];
    columns.push_back(offset == 0 && rows == chunk->length() ? chunk : chunk->Slice(offset, rows));
    offset += rows;
  }
  position_ += rows;
  *batch = RecordBatch::Make(table_.schema(), rows, std::move(columns));
  return Status::OK();
}

}  // namespace quiver
