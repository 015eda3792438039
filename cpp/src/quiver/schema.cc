#include "quiver/schema.h"

namespace quiver {

int Schema::GetFieldIndex(std::string_view name) const {
  for (int i = 0; i < num_fields(); ++i) {
    if (field(i)->name() == name) return i;
  }
  return -1;
}

std::vector<int> Schema::GetAllFieldIndices(std::string_view name) const {
  std::vector<int> out;
  for (int i = 0; i < num_fields(); ++i) {
    if (field(i)->name() == name) out.push_back(i);
  }
  return out;
}

FieldPtr Schema::GetFieldByName(std::string_view name) const {
  auto indices = GetAllFieldIndices(name);
  return indices.size() == 1 ? field(indices[0]) : nullptr;
}

std::vector<std::string> Schema::field_names() const {
  std::vector<std::string> out;
  out.reserve(fields_.size());
  for (const auto& f : fields_) out.push_back(f->name());
  return out;
}

SchemaPtr Schema::WithMetadata(MetadataPtr metadata) const {
  return std::make_shared<const Schema>(fields_, std::move(metadata));
}

Result<SchemaPtr> Schema::AddField(int i, FieldPtr f) const {
  if (i < 0 || i > num_fields()) {
    return Status::IndexError("cannot add a field at index ", i, " of a schema with ", num_fields(),
                              " fields");
  }
  FieldVector fields = fields_;
  fields.insert(fields.begin() + i, std::move(f));
  return std::make_shared<const Schema>(std::move(fields), metadata_);
}

Result<SchemaPtr> Schema::RemoveField(int i) const {
  if (i < 0 || i >= num_fields()) {
    return Status::IndexError("field index ", i, " out of range for a schema with ", num_fields(),
                              " fields");
  }
  FieldVector fields = fields_;
  fields.erase(fields.begin() + i);
  return std::make_shared<const Schema>(std::move(fields), metadata_);
}

Result<SchemaPtr> Schema::SetField(int i, FieldPtr f) const {
  if (i < 0 || i >= num_fields()) {
    return Status::IndexError("field index ", i, " out of range for a schema with ", num_fields(),
                              " fields");
  }
  FieldVector fields = fields_;
  fields[static_cast<size_t>(i)] = std::move(f);
  return std::make_shared<const Schema>(std::move(fields), metadata_);
}

bool Schema::Equals(const Schema& other, bool check_metadata) const {
  if (this == &other) return true;
  if (fields_.size() != other.fields_.size()) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i]->Equals(*other.fields_[i], check_metadata)) return false;
  }
  return !check_metadata || MetadataEquals(metadata_, other.metadata_);
}

namespace {
std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out = prefix;
  for (char c : text) {
    out += c;
    if (c == '\n') out += prefix;
  }
  return out;
}
}  // namespace

namespace {

// pyarrow lists a nested field's children under it: "  child 0, item: int64",
// each deeper level four more spaces in. Dictionary and extension types print
// no children (their value/storage type is part of the type's own text).
void AppendChildFields(const DataType& type, const std::string& indent, std::string* out) {
  if (type.id() == TypeId::DICTIONARY || type.id() == TypeId::EXTENSION) return;
  const auto& children = type.fields();
  for (size_t i = 0; i < children.size(); ++i) {
    *out += "\n" + indent + "child " + std::to_string(i) + ", " + children[i]->ToString();
    AppendChildFields(*children[i]->type(), indent + "    ", out);
  }
}

}  // namespace

std::string Schema::ToString(bool show_metadata) const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out += "\n";
    out += fields_[i]->ToString();
    AppendChildFields(*fields_[i]->type(), "  ", &out);
    const auto& md = fields_[i]->metadata();
    if (show_metadata && md && md->size() > 0) {
      out += "\n  -- field metadata --\n" + Indent(md->ToString(), "  ");
    }
  }
  if (show_metadata && metadata_ && metadata_->size() > 0) {
    if (!out.empty()) out += "\n";
    out += "-- schema metadata --\n" + metadata_->ToString();
  }
  return out;
}

SchemaPtr schema(FieldVector fields, MetadataPtr metadata) {
  return std::make_shared<const Schema>(std::move(fields), std::move(metadata));
}

}  // namespace quiver
