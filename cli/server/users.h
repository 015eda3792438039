// The users of `quiver serve --users FILE`: names with salted password hashes.
//
// One user per line, `name:pbkdf2-sha256:ITERATIONS:SALT_HEX:HASH_HEX[:read-only]`;
// blank lines and lines starting with '#' are ignored. The hash is PBKDF2-HMAC-SHA256
// (OpenSSL) of the password with the salt, 32 bytes; `quiver users add` writes
// such lines. Names may not contain ':' or whitespace. A `read-only` user may read
// (list, describe, get, the read-only actions) but not change datasets.
#pragma once

#include <map>
#include <string>

#include "quiver/result.h"
#include "quiver/status.h"

namespace quiver::cli::server {

class UserTable {
 public:
  /// Reads a users file; Invalid naming the line for any malformed one, and for
  /// a file with no users at all.
  static Result<UserTable> Load(const std::string& path);
  /// Parses the text of a users file (`origin` names it in errors).
  static Result<UserTable> Parse(const std::string& text, const std::string& origin);

  /// OK when `password` is the user's; Invalid otherwise. Takes as long for an
  /// unknown user as for a known one, so timing does not reveal user names.
  Status Check(const std::string& user, const std::string& password) const;

  /// True for a user marked read-only, and for a name not in the table.
  bool ReadOnly(const std::string& user) const;

  size_t size() const { return users_.size(); }

  /// A users-file line for `user` with a fresh random salt.
  static Result<std::string> MakeEntry(const std::string& user, const std::string& password,
                                       int iterations = kDefaultIterations, bool read_only = false);

  static constexpr int kDefaultIterations = 100000;

 private:
  struct Entry {
    int iterations;
    std::string salt;
    std::string hash;
    bool read_only = false;
  };
  std::map<std::string, Entry> users_;
};

}  // namespace quiver::cli::server
