// quiver action [LOCATION] [TYPE [BODY]]: runs an action (DoAction) and prints each
// result on its own line; without TYPE, lists the server's actions (ListActions).
// BODY is the text itself, @FILE for a file's bytes, or - for stdin.
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/format.h"
#include "store/fs.h"

namespace quiver::cli {
namespace {

constexpr int64_t kMaxBodyBytes = 64 << 20;

bool IsPrintableUtf8(std::string_view text) {
  nlohmann::json probe = text;
  try {
    (void)probe.dump();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') return false;
  }
  return true;
}

std::string HexOf(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

Result<std::string> ReadBody(const std::string& body) {
  if (body == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return text;
  }
  if (!body.empty() && body.front() == '@') return store::ReadSmallFile(body.substr(1), kMaxBodyBytes);
  return body;
}

Status Action(const ClientFlags& flags) {
  QUIVER_ASSIGN_OR_RAISE(auto split, SplitLocation(flags, 0, 2, "quiver action [LOCATION] [TYPE [BODY]]"));
  QUIVER_ASSIGN_OR_RAISE(Connection connection, Connect(flags, split.first));
  if (split.second.empty()) {
    QUIVER_ASSIGN_OR_RAISE(auto types, connection.client->ListActions(connection.call));
    if (flags.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& type : types) out.push_back({{"type", type.type}, {"description", type.description}});
      std::cout << out.dump(2) << std::endl;
      return Status::OK();
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& type : types) rows.push_back({type.type, type.description});
    std::cout << RenderTable({"TYPE", "DESCRIPTION"}, rows, 200);
    return Status::OK();
  }
  flight::Action action;
  action.type = split.second[0];
  if (split.second.size() > 1) {
    QUIVER_ASSIGN_OR_RAISE(std::string body, ReadBody(split.second[1]));
    action.body = Buffer::FromString(std::move(body));
  }
  QUIVER_ASSIGN_OR_RAISE(auto results, connection.client->DoAction(connection.call, action));
  nlohmann::json all = nlohmann::json::array();
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(auto result, results->Next());
    if (!result.has_value()) break;
    const std::string body = result->body == nullptr ? std::string() : result->body->ToString();
    if (flags.json) {
      nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
      if (!parsed.is_discarded()) {
        all.push_back(std::move(parsed));
      } else if (IsPrintableUtf8(body)) {
        all.push_back(body);
      } else {
        all.push_back({{"hex", HexOf(body)}});
      }
    } else {
      std::cout << (IsPrintableUtf8(body) ? body : "0x" + HexOf(body)) << "\n";
    }
  }
  if (flags.json) std::cout << all.dump(2) << "\n";
  std::cout << std::flush;
  return Status::OK();
}

}  // namespace

CommandRunner AddActionCommand(CLI::App* app) {
  auto flags = std::make_shared<ClientFlags>();
  CLI::App* action = app->add_subcommand(
      "action", "Run an action, or list them without TYPE: quiver action [LOCATION] [TYPE [BODY|@FILE|-]]");
  AddClientFlags(action, flags.get(), /*with_json=*/true);
  return [flags] {
    Status status = Action(*flags);
    return status.ok() ? kExitOk : ReportError(status, flags->debug);
  };
}

}  // namespace quiver::cli
