// quiver ls [LOCATION] [PREFIX]: the flights a server lists (ListFlights), as a
// table of path, rows, bytes, endpoints and schema, or as JSON with --json.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/format.h"

namespace quiver::cli {
namespace {

std::string SchemaSummary(const SchemaPtr& schema) {
  if (schema == nullptr) return "(unknown)";
  std::string text;
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (i > 0) text += ", ";
    text += schema->field(i)->name() + ": " + schema->field(i)->type()->ToString();
  }
  return text;
}

Status Ls(const ClientFlags& flags) {
  QUIVER_ASSIGN_OR_RAISE(auto split, SplitLocation(flags, 0, 1, "quiver ls [LOCATION] [PREFIX]"));
  QUIVER_ASSIGN_OR_RAISE(Connection connection, Connect(flags, split.first));
  flight::Criteria criteria;
  if (!split.second.empty()) criteria.expression = split.second[0];
  QUIVER_ASSIGN_OR_RAISE(auto listing, connection.client->ListFlights(connection.call, criteria));
  QUIVER_ASSIGN_OR_RAISE(auto infos, listing->ReadAll());
  if (flags.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& info : infos) {
      QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, info.GetSchema());
      nlohmann::json fields = nlohmann::json::array();
      if (schema != nullptr) {
        for (const auto& field : schema->fields()) {
          fields.push_back({{"name", field->name()},
                            {"type", field->type()->ToString()},
                            {"nullable", field->nullable()}});
        }
      }
      out.push_back({{"path", DescriptorText(info.descriptor)},
                     {"descriptor_type", std::string(flight::DescriptorTypeName(info.descriptor.type))},
                     {"total_records", info.total_records},
                     {"total_bytes", info.total_bytes},
                     {"endpoints", static_cast<int64_t>(info.endpoints.size())},
                     {"schema", fields}});
    }
    std::cout << out.dump(2) << std::endl;
    return Status::OK();
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& info : infos) {
    QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, info.GetSchema());
    rows.push_back({DescriptorText(info.descriptor),
                    info.total_records < 0 ? "?" : std::to_string(info.total_records),
                    info.total_bytes < 0 ? "?" : std::to_string(info.total_bytes),
                    std::to_string(info.endpoints.size()), SchemaSummary(schema)});
  }
  std::cout << RenderTable({"PATH", "ROWS", "BYTES", "ENDPOINTS", "SCHEMA"}, rows, 60);
  return Status::OK();
}

}  // namespace

CommandRunner AddLsCommand(CLI::App* app) {
  auto flags = std::make_shared<ClientFlags>();
  CLI::App* ls = app->add_subcommand("ls", "List the flights of a server: quiver ls [LOCATION] [PREFIX]");
  AddClientFlags(ls, flags.get(), /*with_json=*/true);
  return [flags] {
    Status status = Ls(*flags);
    return status.ok() ? kExitOk : ReportError(status, flags->debug);
  };
}

}  // namespace quiver::cli
