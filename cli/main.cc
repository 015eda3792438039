// quiver: serve a folder of Arrow data over Flight, and drive any Flight server
// from the terminal. See `quiver --help` and `quiver <command> --help`.
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/errors.h"

int main(int argc, char** argv) {
  using namespace quiver::cli;
  // gRPC logs failures (a TLS handshake, a refused connection) on stderr by itself;
  // the error line says what happened, so keep its logs for --debug (or for a
  // GRPC_VERBOSITY the user set). Set before anything starts gRPC.
  bool debug = false;
  for (int i = 1; i < argc; ++i) debug = debug || std::string_view(argv[i]) == "--debug";
  if (!debug) ::setenv("GRPC_VERBOSITY", "NONE", /*overwrite=*/0);
  CLI::App app{
      "quiver: an Arrow Flight dataset server and client.\n\n"
      "  quiver serve [--root DIR]             serve a folder of Arrow IPC files (default: the sample data)\n"
      "  quiver ls LOCATION [PREFIX]           list the flights of a server\n"
      "  quiver info LOCATION PATH             show a flight's schema, totals and endpoints\n"
      "  quiver get LOCATION PATH [-o FILE]    download a flight (to a table on screen by default)\n"
      "  quiver put LOCATION PATH FILE         upload an Arrow IPC file\n"
      "  quiver action LOCATION [TYPE [BODY]]  run an action (no TYPE: list the actions)\n"
      "  quiver bench [--server LOCATION]      benchmark Flight throughput and round trips\n\n"
      "LOCATION is a URI such as grpc://localhost:8815; it defaults to $QUIVER_LOCATION.\n"
      "Exit codes: 0 success, 1 failure, 2 usage error.",
      "quiver"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "quiver 0.1.0");
  std::map<std::string, CommandRunner> runners;
  runners["serve"] = AddServeCommand(&app);
  runners["ls"] = AddLsCommand(&app);
  runners["info"] = AddInfoCommand(&app);
  runners["get"] = AddGetCommand(&app);
  runners["put"] = AddPutCommand(&app);
  runners["action"] = AddActionCommand(&app);
  runners["users"] = AddUsersCommand(&app);
  runners["bench"] = AddBenchCommand(&app);
  // CLI11 would call an unknown command a missing one; name it instead.
  if (argc > 1 && argv[1][0] != '-' && runners.count(argv[1]) == 0) {
    std::cerr << "error: usage: unknown command '" << argv[1]
              << "'; the commands are serve, ls, info, get, put, action and bench (see quiver --help)"
              << std::endl;
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: usage: " << e.what() << " (see quiver --help)" << std::endl;
    return kExitUsage;
  }
  for (CLI::App* sub : app.get_subcommands()) {
    auto it = runners.find(sub->get_name());
    if (it != runners.end()) return it->second();
  }
  std::cerr << "error: usage: a command is required (see quiver --help)" << std::endl;
  return kExitUsage;
}
