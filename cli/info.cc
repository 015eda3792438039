// quiver info [LOCATION] PATH: a flight's descriptor, schema, exact totals and
// endpoints (GetFlightInfo), readable by default, JSON with --json.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/client.h"
#include "common/errors.h"

namespace quiver::cli {
namespace {

struct InfoArgs {
  ClientFlags flags;
  bool command = false;
};

std::string LocationsText(const flight::FlightEndpoint& endpoint) {
  if (endpoint.locations.empty()) return "(this server)";
  std::string text;
  for (const auto& location : endpoint.locations) {
    if (!text.empty()) text += ", ";
    text += location.uri();
  }
  return text;
}

Status Info(const InfoArgs& args) {
  QUIVER_ASSIGN_OR_RAISE(auto split, SplitLocation(args.flags, 1, 1, "quiver info [LOCATION] PATH"));
  QUIVER_ASSIGN_OR_RAISE(Connection connection, Connect(args.flags, split.first));
  const flight::FlightDescriptor descriptor = MakeDescriptor(split.second[0], args.command);
  QUIVER_ASSIGN_OR_RAISE(flight::FlightInfo info, connection.client->GetFlightInfo(connection.call, descriptor));
  QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, info.GetSchema());
  if (args.flags.json) {
    nlohmann::json fields = nlohmann::json::array();
    if (schema != nullptr) {
      for (const auto& field : schema->fields()) {
        fields.push_back({{"name", field->name()},
                          {"type", field->type()->ToString()},
                          {"nullable", field->nullable()}});
      }
    }
    nlohmann::json endpoints = nlohmann::json::array();
    for (const auto& endpoint : info.endpoints) {
      nlohmann::json locations = nlohmann::json::array();
      for (const auto& location : endpoint.locations) locations.push_back(location.uri());
      endpoints.push_back({{"ticket", endpoint.ticket.ticket}, {"locations", locations}});
    }
    nlohmann::json out{{"path", DescriptorText(info.descriptor)},
                       {"descriptor_type", std::string(flight::DescriptorTypeName(info.descriptor.type))},
                       {"total_records", info.total_records},
                       {"total_bytes", info.total_bytes},
                       {"ordered", info.ordered},
                       {"schema", fields},
                       {"endpoints", endpoints}};
    // Tickets are opaque bytes; dump() would refuse ones that are not UTF-8.
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
    return Status::OK();
  }
  std::cout << "path:           " << DescriptorText(info.descriptor) << "\n"
            << "total_records:  " << info.total_records << "\n"
            << "total_bytes:    " << info.total_bytes << "\n"
            << "ordered:        " << (info.ordered ? "true" : "false") << "\n"
            << "schema:\n";
  if (schema == nullptr) {
    std::cout << "  (unknown)\n";
  } else {
    for (const auto& field : schema->fields()) {
      std::cout << "  " << field->name() << ": " << field->type()->ToString()
                << (field->nullable() ? "" : " not null") << "\n";
    }
  }
  std::cout << "endpoints (" << info.endpoints.size() << "):\n";
  for (size_t i = 0; i < info.endpoints.size(); ++i) {
    std::cout << "  [" << i << "] ticket " << info.endpoints[i].ticket.ticket << "\n"
              << "      at " << LocationsText(info.endpoints[i]) << "\n";
  }
  std::cout << std::flush;
  return Status::OK();
}

}  // namespace

CommandRunner AddInfoCommand(CLI::App* app) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* info = app->add_subcommand("info", "Show a flight's schema, totals and endpoints: quiver info [LOCATION] PATH");
  AddClientFlags(info, &args->flags, /*with_json=*/true);
  info->add_flag("--cmd", args->command, "Send PATH as a command descriptor instead of a path");
  return [args] {
    Status status = Info(*args);
    return status.ok() ? kExitOk : ReportError(status, args->flags.debug);
  };
}

}  // namespace quiver::cli
