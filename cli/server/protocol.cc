#include "server/protocol.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace quiver::cli::server {
namespace {

constexpr size_t kMaxTicketBytes = 8192;
constexpr size_t kMaxCommandBytes = 8192;

using nlohmann::json;

// A JSON object from untrusted bytes, or nullopt.
std::optional<json> ParseObject(std::string_view bytes) {
  json value = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

// "path" as a string ("a/b") or a list of strings (["a", "b"]).
Result<store::DatasetPath> PathField(const json& object, std::string_view what) {
  auto it = object.find("path");
  if (it == object.end()) {
    return Status::Invalid(what, " has no \"path\" (expected e.g. {\"path\": \"sales/2024\"})");
  }
  if (it->is_string()) return store::DatasetPath::Parse(it->get<std::string>());
  if (it->is_array()) {
    std::vector<std::string> components;
    for (const auto& component : *it) {
      if (!component.is_string()) {
        return Status::Invalid(what, "'s \"path\" list must hold strings but holds ",
                               component.type_name());
      }
      components.push_back(component.get<std::string>());
    }
    return store::DatasetPath::FromComponents(components);
  }
  return Status::Invalid(what, "'s \"path\" must be a string or a list of strings but is ",
                         it->type_name());
}

}  // namespace

std::string Excerpt(std::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (out.size() >= 64) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02X", c);
      out += escaped;
    }
  }
  return out;
}

std::string EncodeTicket(const store::DatasetPath& path, std::string_view file) {
  return json{{"path", path.ToString()}, {"file", std::string(file)}}.dump();
}

Result<TicketTarget> DecodeTicket(std::string_view ticket) {
  if (ticket.size() > kMaxTicketBytes) {
    return Status::Invalid("malformed ticket: ", ticket.size(), " bytes, more than the ",
                           kMaxTicketBytes, " a quiver ticket can have");
  }
  auto object = ParseObject(ticket);
  if (!object.has_value()) {
    return Status::Invalid(
        "malformed ticket: expected a JSON object such as {\"path\": \"sales/2024\"} but found '",
        Excerpt(ticket), "'");
  }
  TicketTarget target;
  auto path = PathField(*object, "ticket");
  if (!path.ok()) return path.status().WithContext("malformed ticket");
  target.path = std::move(*path);
  if (target.path.empty()) return Status::Invalid("malformed ticket: its \"path\" is empty");
  auto file = object->find("file");
  if (file != object->end()) {
    if (!file->is_string()) {
      return Status::Invalid("malformed ticket: \"file\" must be a string but is ", file->type_name());
    }
    target.file = file->get<std::string>();
  }
  return target;
}

Result<store::DatasetPath> DescriptorPath(const flight::FlightDescriptor& descriptor) {
  switch (descriptor.type) {
    case flight::DescriptorType::PATH:
      return store::DatasetPath::FromComponents(descriptor.path);
    case flight::DescriptorType::CMD: {
      if (descriptor.cmd.size() > kMaxCommandBytes) {
        return Status::Invalid("descriptor command of ", descriptor.cmd.size(),
                               " bytes is larger than the ", kMaxCommandBytes, " allowed");
      }
      auto object = ParseObject(descriptor.cmd);
      if (!object.has_value()) {
        return Status::Invalid(
            "unknown descriptor command: expected a JSON object such as {\"path\": \"sales/2024\", "
            "\"mode\": \"append\"} but found '",
            Excerpt(descriptor.cmd), "'");
      }
      return PathField(*object, "descriptor command");
    }
    default:
      return Status::Invalid("a descriptor must be a PATH or a CMD");
  }
}

Result<PutTarget> DecodePutTarget(const flight::FlightDescriptor& descriptor,
                                  const flight::CallHeaders& headers) {
  PutTarget target;
  QUIVER_ASSIGN_OR_RAISE(target.path, DescriptorPath(descriptor));
  if (target.path.empty()) {
    return Status::Invalid("an upload needs a dataset path, e.g. the descriptor path ['sales', '2024']");
  }
  std::optional<std::string> mode;
  if (descriptor.type == flight::DescriptorType::CMD) {
    auto object = ParseObject(descriptor.cmd);
    auto it = object->find("mode");
    if (it != object->end()) {
      if (!it->is_string()) {
        return Status::Invalid("descriptor command's \"mode\" must be a string but is ", it->type_name());
      }
      mode = it->get<std::string>();
    }
  }
  if (!mode.has_value()) {
    auto header = headers.find(std::string(kPutModeHeader));
    if (header != headers.end()) mode = header->second;
  }
  if (mode.has_value()) {
    QUIVER_ASSIGN_OR_RAISE(store::PutMode parsed, store::ParsePutMode(*mode));
    target.mode = parsed;
  }
  return target;
}

}  // namespace quiver::cli::server
