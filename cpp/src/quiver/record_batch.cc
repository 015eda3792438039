#include "quiver/record_batch.h"

#include <algorithm>
#include <sstream>

#include "quiver/pretty_print.h"

namespace quiver {

RecordBatchPtr RecordBatch::Make(SchemaPtr schema, int64_t num_rows, ArrayVector columns) {
  return RecordBatchPtr(new RecordBatch(std::move(schema), num_rows, std::move(columns)));
}

namespace {

// The checks shared by MakeChecked, AddColumn and Validate: one column per field,
// every column `num_rows` long and of its field's type.
Status CheckColumns(const Schema& schema, int64_t num_rows, const ArrayVector& columns) {
  if (num_rows < 0) return Status::Invalid("a record batch's row count must be >= 0 but found ", num_rows);
  if (static_cast<size_t>(schema.num_fields()) != columns.size()) {
    return Status::Invalid("expected ", schema.num_fields(), " columns (one per schema field) but found ",
                           columns.size());
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& f = *schema.field(static_cast<int>(i));
    if (!columns[i]) return Status::Invalid("column ", i, " ('", f.name(), "') is null");
    if (columns[i]->length() != num_rows) {
      return Status::Invalid("column ", i, " ('", f.name(), "') has ", columns[i]->length(),
                             " rows but the batch has ", num_rows);
    }
    if (!columns[i]->type()->Equals(*f.type())) {
      return Status::TypeError("column ", i, " ('", f.name(), "') has type ", columns[i]->type()->ToString(),
                               " but its schema field has type ", f.type()->ToString());
    }
  }
  return Status::OK();
}

}  // namespace

Result<RecordBatchPtr> RecordBatch::MakeChecked(SchemaPtr schema, int64_t num_rows, ArrayVector columns) {
  if (!schema) return Status::Invalid("a record batch needs a schema");
  QUIVER_RETURN_NOT_OK(CheckColumns(*schema, num_rows, columns));
  return Make(std::move(schema), num_rows, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::FromStructArray(const Array& array) {
  if (array.type_id() != TypeId::STRUCT) {
    return Status::TypeError("a record batch can be made from a struct array only, but found ",
                             array.type()->ToString());
  }
  if (array.null_count() != 0) {
    return Status::Invalid("a record batch cannot be made from a struct array with nulls (found ",
                           array.null_count(), " null of ", array.length(), ")");
  }
  const auto& s = static_cast<const StructArray&>(array);
  if (static_cast<size_t>(s.num_fields()) != array.type()->fields().size()) {
    return Status::Invalid("struct array has ", s.num_fields(), " children but its type has ",
                           array.type()->num_fields(), " fields");
  }
  ArrayVector columns;
  for (int i = 0; i < s.num_fields(); ++i) {
    if (s.raw_children()[static_cast<size_t>(i)]->length() < array.offset() + array.length()) {
      return Status::Invalid("struct child ", i, " has ", s.raw_children()[static_cast<size_t>(i)]->length(),
                             " values but the struct needs ", array.offset() + array.length());
    }
    columns.push_back(s.field(i));
  }
  return Make(quiver::schema(array.type()->fields()), array.length(), std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::MakeEmpty(SchemaPtr schema, MemoryPool* pool) {
  if (!schema) return Status::Invalid("a record batch needs a schema");
  ArrayVector columns;
  for (const auto& f : schema->fields()) {
    QUIVER_ASSIGN_OR_RAISE(auto column, MakeEmptyArray(f->type(), pool));
    columns.push_back(std::move(column));
  }
  return Make(std::move(schema), 0, std::move(columns));
}

ArrayPtr RecordBatch::GetColumnByName(std::string_view name) const {
  const std::vector<int> found = schema_->GetAllFieldIndices(name);
  if (found.size() != 1) return nullptr;
  return columns_[static_cast<size_t>(found[0])];
}

const std::string& RecordBatch::column_name(int i) const { return schema_->field(i)->name(); }

RecordBatchPtr RecordBatch::Slice(int64_t offset, int64_t length) const {
  offset = std::clamp<int64_t>(offset, 0, num_rows_);
  length = std::clamp<int64_t>(length, 0, num_rows_ - offset);
  ArrayVector columns;
  columns.reserve(columns_.size());
  for (const auto& c : columns_) columns.push_back(c->Slice(offset, length));
  return Make(schema_, length, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::SelectColumns(const std::vector<int>& indices) const {
  FieldVector fields;
  ArrayVector columns;
  for (int i : indices) {
    if (i < 0 || i >= num_columns()) {
      return Status::IndexError("column index ", i, " out of range for a batch with ", num_columns(),
                                " columns");
    }
    fields.push_back(schema_->field(i));
    columns.push_back(column(i));
  }
  return Make(quiver::schema(std::move(fields), schema_->metadata()), num_rows_, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::AddColumn(int i, FieldPtr field, ArrayPtr column) const {
  if (i < 0 || i > num_columns()) {
    return Status::IndexError("column index ", i, " out of range for inserting into a batch with ",
                              num_columns(), " columns (expected 0..", num_columns(), ")");
  }
  if (!field || !column) return Status::Invalid("AddColumn needs a field and a column");
  if (column->length() != num_rows_) {
    return Status::Invalid("added column '", field->name(), "' has ", column->length(),
                           " rows but the batch has ", num_rows_);
  }
  if (!column->type()->Equals(*field->type())) {
    return Status::TypeError("added column '", field->name(), "' has type ", column->type()->ToString(),
                             " but its field has type ", field->type()->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(auto new_schema, schema_->AddField(i, std::move(field)));
  ArrayVector columns = columns_;
  columns.insert(columns.begin() + i, std::move(column));
  return Make(std::move(new_schema), num_rows_, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::RemoveColumn(int i) const {
  if (i < 0 || i >= num_columns()) {
    return Status::IndexError("column index ", i, " out of range for a batch with ", num_columns(),
                              " columns");
  }
  QUIVER_ASSIGN_OR_RAISE(auto new_schema, schema_->RemoveField(i));
  ArrayVector columns = columns_;
  columns.erase(columns.begin() + i);
  return Make(std::move(new_schema), num_rows_, std::move(columns));
}

Result<RecordBatchPtr> RecordBatch::RenameColumns(const std::vector<std::string>& names) const {
  if (names.size() != columns_.size()) {
    return Status::Invalid("expected ", columns_.size(), " names (one per column) but found ", names.size());
  }
  FieldVector fields;
  for (int i = 0; i < num_columns(); ++i) fields.push_back(schema_->field(i)->WithName(names[static_cast<size_t>(i)]));
  return Make(quiver::schema(std::move(fields), schema_->metadata()), num_rows_, columns_);
}

RecordBatchPtr RecordBatch::ReplaceSchemaMetadata(MetadataPtr metadata) const {
  return Make(schema_->WithMetadata(std::move(metadata)), num_rows_, columns_);
}

Result<ArrayPtr> RecordBatch::ToStructArray() const {
  std::vector<ArrayDataPtr> children;
  for (const auto& c : columns_) {
    if (c->length() != num_rows_) {
      return Status::Invalid("column has ", c->length(), " rows but the batch has ", num_rows_);
    }
    children.push_back(c->data());
  }
  // The schema's fields (names, nullability, metadata) become the struct's fields.
  return MakeArray(ArrayData::Make(struct_(schema_->fields()), num_rows_, {nullptr}, std::move(children), 0));
}

bool RecordBatch::Equals(const RecordBatch& other, bool check_metadata, const EqualOptions& options) const {
  if (num_columns() != other.num_columns() || num_rows_ != other.num_rows_) return false;
  if (!schema_->Equals(*other.schema_, check_metadata)) return false;
  for (int i = 0; i < num_columns(); ++i) {
    if (!column(i)->Equals(*other.column(i), options)) return false;
  }
  return true;
}

namespace {
Status ValidateBatch(const RecordBatch& batch, bool full) {
  if (!batch.schema()) return Status::Invalid("record batch has no schema");
  Status layout = CheckColumns(*batch.schema(), batch.num_rows(), batch.columns());
  // A batch built unchecked that disagrees with its schema is invalid data, not a
  // caller's type error.
  if (!layout.ok()) return Status(StatusCode::Invalid, layout.message());
  for (int i = 0; i < batch.num_columns(); ++i) {
    Status st = full ? batch.column(i)->ValidateFull() : batch.column(i)->Validate();
    if (!st.ok()) return st.WithContext("in column " + std::to_string(i) + " ('" + batch.column_name(i) + "')");
  }
  return Status::OK();
}
}  // namespace

Status RecordBatch::Validate() const { return ValidateBatch(*this, false); }
Status RecordBatch::ValidateFull() const { return ValidateBatch(*this, true); }

std::string RecordBatch::ToString() const {
  // pyarrow's str(batch): a title, the schema without metadata, then the first
  // ten columns each printed on one line, and "..." when there are more.
  constexpr int kPreviewColumns = 10;
  std::ostringstream out;
  out << "quiver.RecordBatch\n" << schema_->ToString(/*show_metadata=*/false) << "\n----";
  PrettyPrintOptions options;
  options.skip_new_lines = true;
  for (int i = 0; i < std::min(num_columns(), kPreviewColumns); ++i) {
    out << "\n" << column_name(i) << ": ";
    PrettyPrint(*column(i), options, &out);
  }
  if (num_columns() > kPreviewColumns) out << "\n...";
  return out.str();
}

int64_t RecordBatch::nbytes() const {
  int64_t total = 0;
  for (const auto& c : columns_) total += c->nbytes();
  return total;
}

// ---------------------------------------------------------------------------
// RecordBatchReader

Result<RecordBatchVector> RecordBatchReader::ReadAll() {
  RecordBatchVector out;
  while (true) {
    RecordBatchPtr batch;
    QUIVER_RETURN_NOT_OK(ReadNext(&batch));
    if (!batch) break;
    out.push_back(std::move(batch));
  }
  return out;
}

namespace {

class VectorRecordBatchReader final : public RecordBatchReader {
 public:
  VectorRecordBatchReader(RecordBatchVector batches, SchemaPtr schema)
      : batches_(std::move(batches)), schema_(std::move(schema)) {}

  SchemaPtr schema() const override { return schema_; }

  Status ReadNext(RecordBatchPtr* batch) override {
    if (next_ >= batches_.size()) {
      *batch = nullptr;
      return Status::OK();
    }
    *batch = batches_[next_++];
    return Status::OK();
  }

  Status Close() override {
    batches_.clear();
    next_ = 0;
    return Status::OK();
  }

 private:
  RecordBatchVector batches_;
  SchemaPtr schema_;
  size_t next_ = 0;
};

}  // namespace

Result<std::shared_ptr<RecordBatchReader>> RecordBatchReader::Make(RecordBatchVector batches, SchemaPtr schema) {
  if (!schema) {
    if (batches.empty()) {
      return Status::Invalid("cannot infer the schema of a reader without batches: pass the schema");
    }
    if (!batches[0]) return Status::Invalid("batch 0 is null");
    schema = batches[0]->schema();
  }
  for (size_t i = 0; i < batches.size(); ++i) {
    if (!batches[i]) return Status::Invalid("batch ", i, " is null");
    if (!batches[i]->schema()->Equals(*schema)) {
      return Status::Invalid("batches of a reader must share its schema: expected\n", schema->ToString(false),
                             "\nbut batch ", i, " has\n", batches[i]->schema()->ToString(false));
    }
  }
  return std::make_shared<VectorRecordBatchReader>(std::move(batches), std::move(schema));
}

}  // namespace quiver
