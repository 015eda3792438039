// The subcommands of `quiver`. Each Add*Command registers its flags on `app` and
// returns the function main() runs when that subcommand was chosen; the function
// returns the process's exit code (see common/errors.h).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace quiver::cli {

using CommandRunner = std::function<int()>;

CommandRunner AddServeCommand(CLI::App* app);
CommandRunner AddLsCommand(CLI::App* app);
CommandRunner AddInfoCommand(CLI::App* app);
CommandRunner AddGetCommand(CLI::App* app);
CommandRunner AddPutCommand(CLI::App* app);
CommandRunner AddActionCommand(CLI::App* app);
CommandRunner AddUsersCommand(CLI::App* app);
CommandRunner AddBenchCommand(CLI::App* app);

}  // namespace quiver::cli
