// Schema: the ordered fields of a record batch or table, plus metadata.
#pragma once

#include <string>
#include <vector>

#include "quiver/type.h"

namespace quiver {

class QUIVER_EXPORT Schema {
 public:
  explicit Schema(FieldVector fields, MetadataPtr metadata = nullptr)
      : fields_(std::move(fields)), metadata_(std::move(metadata)) {}

  const FieldVector& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  /// May be null.
  const MetadataPtr& metadata() const { return metadata_; }

  /// Index of the first field named `name`, or -1.
  int GetFieldIndex(std::string_view name) const;
  /// Every index whose field is named `name`.
  std::vector<int> GetAllFieldIndices(std::string_view name) const;
  /// The field named `name`, or null if absent or ambiguous.
  FieldPtr GetFieldByName(std::string_view name) const;
  std::vector<std::string> field_names() const;

  std::shared_ptr<const Schema> WithMetadata(MetadataPtr metadata) const;
  Result<std::shared_ptr<const Schema>> AddField(int i, FieldPtr field) const;
  Result<std::shared_ptr<const Schema>> RemoveField(int i) const;
  Result<std::shared_ptr<const Schema>> SetField(int i, FieldPtr field) const;

  bool Equals(const Schema& other, bool check_metadata = false) const;
  /// pyarrow's form: one "name: type" line per field, then "-- schema metadata --".
  std::string ToString(bool show_metadata = true) const;

 private:
  FieldVector fields_;
  MetadataPtr metadata_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

QUIVER_EXPORT SchemaPtr schema(FieldVector fields, MetadataPtr metadata = nullptr);

}  // namespace quiver
