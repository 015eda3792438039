// quiver users add FILE USER: adds a user with a salted password hash to a users
// file for `quiver serve --users FILE`. The password is read from the first line
// of stdin (so it never appears in the process list or shell history), or from
// --password for scripts that accept that risk. The file is created mode 0600.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/errors.h"
#include "server/users.h"

namespace quiver::cli {
namespace {

struct UsersArgs {
  std::string file;
  std::string user;
  std::string password;
  bool password_given = false;
  bool read_only = false;
  int iterations = server::UserTable::kDefaultIterations;
  bool debug = false;
};

Status AddUser(const UsersArgs& args) {
  std::string password = args.password;
  if (!args.password_given) {
    if (!std::getline(std::cin, password)) return UsageError("expected the password on the first line of stdin");
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  QUIVER_ASSIGN_OR_RAISE(std::string entry,
                         server::UserTable::MakeEntry(args.user, password, args.iterations, args.read_only));

  std::string existing;
  {
    std::ifstream in(args.file, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      existing = text.str();
    }
  }
  if (!existing.empty()) {
    // Refuse a second line for the same user rather than leave the file ambiguous.
    std::istringstream lines(existing);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(args.user + ":", 0) == 0) {
        return Status::AlreadyExists("user '", args.user, "' is already in ", args.file,
                                     " (remove its line to change the password)");
      }
    }
  }
  const int fd = ::open(args.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot open ", args.file, ": ", std::strerror(errno));
  std::string text = (!existing.empty() && existing.back() != '\n' ? "\n" : "") + entry + "\n";
  const ssize_t written = ::write(fd, text.data(), text.size());
  const int saved = errno;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size()) || !synced) {
    return Status::IOError("cannot write ", args.file, ": ", std::strerror(saved));
  }
  std::cerr << "added " << (args.read_only ? "read-only " : "") << "user '" << args.user << "' to " << args.file
            << std::endl;
  return Status::OK();
}

}  // namespace

CommandRunner AddUsersCommand(CLI::App* app) {
  auto args = std::make_shared<UsersArgs>();
  CLI::App* users = app->add_subcommand("users", "Manage the users file of `quiver serve --users FILE`");
  users->require_subcommand(1);
  CLI::App* add = users->add_subcommand("add", "Add USER to FILE; the password comes from stdin's first line");
  add->add_option("FILE", args->file, "The users file (created if missing)")->required();
  add->add_option("USER", args->user, "The user name")->required();
  add->add_option("--password", args->password, "The password (visible to other processes: prefer stdin)")
      ->each([args](const std::string&) { args->password_given = true; });
  add->add_flag("--read-only", args->read_only,
                "The user may list, describe and get datasets but not put, exchange, drop or rename "
                "(refused with PermissionDenied)");
  add->add_option("--iterations", args->iterations, "PBKDF2 iterations")->capture_default_str();
  add->add_flag("--debug", args->debug, "Print full error details");
  return [args] {
    Status status = AddUser(*args);
    return status.ok() ? kExitOk : ReportError(status, args->debug);
  };
}

}  // namespace quiver::cli
