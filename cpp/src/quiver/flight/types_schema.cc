// FlightInfo's and SchemaResult's schema: an encapsulated IPC schema message,
// encoded and decoded by the IPC layer.
#include "quiver/flight/types.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"

namespace quiver::flight {

namespace {

Result<std::string> EncodeSchema(const Schema& schema) {
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> encoded, ipc::SerializeSchema(schema));
  return encoded->ToString();
}

// Empty bytes mean "schema unknown" (pyarrow's None), not an error.
Result<SchemaPtr> DecodeSchema(const std::string& serialized_schema, std::string_view owner) {
  if (serialized_schema.empty()) return SchemaPtr();
  // The decoder reads flatbuffers in place, so hand it a copy in pool memory
  // (aligned, and not tied to the lifetime of this value).
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> bytes, Buffer::CopyFrom(serialized_schema));
  Result<SchemaPtr> schema = ipc::ReadSchema(bytes);
  if (!schema.ok()) {
    return schema.status().WithContext(std::string("while decoding the schema of a ") +
                                       std::string(owner));
  }
  return schema;
}

}  // namespace

Result<FlightInfo> FlightInfo::Make(const Schema& schema, FlightDescriptor descriptor,
                                    std::vector<FlightEndpoint> endpoints, int64_t total_records,
                                    int64_t total_bytes, bool ordered, std::string app_metadata) {
  FlightInfo info;
  QUIVER_ASSIGN_OR_RAISE(info.serialized_schema, EncodeSchema(schema));
  info.descriptor = std::move(descriptor);
  info.endpoints = std::move(endpoints);
  info.total_records = total_records;
  info.total_bytes = total_bytes;
  info.ordered = ordered;
  info.app_metadata = std::move(app_metadata);
  return info;
}

Result<SchemaPtr> FlightInfo::GetSchema() const {
  return DecodeSchema(serialized_schema, "FlightInfo");
}

Result<SchemaResult> SchemaResult::Make(const Schema& schema) {
  SchemaResult result;
  QUIVER_ASSIGN_OR_RAISE(result.serialized_schema, EncodeSchema(schema));
  return result;
}

Result<SchemaPtr> SchemaResult::GetSchema() const {
  return DecodeSchema(serialized_schema, "SchemaResult");
}

}  // namespace quiver::flight
