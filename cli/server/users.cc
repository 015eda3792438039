// Users and password hashes for quiver serve --users (see users.h).
#include "server/users.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "quiver/flight/auth.h"

namespace quiver::cli::server {

namespace {

constexpr char kScheme[] = "pbkdf2-sha256";
constexpr char kReadOnly[] = "read-only";
constexpr size_t kHashBytes = 32;
constexpr size_t kSaltBytes = 16;
// Bounds that keep one check between about a millisecond and a few seconds.
constexpr int kMinIterations = 1000;
constexpr int kMaxIterations = 10000000;

std::string ToHex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

bool FromHex(const std::string& hex, std::string* bytes) {
  if (hex.size() % 2 != 0) return false;
  bytes->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int high = nibble(hex[i]);
    const int low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    *bytes += static_cast<char>(high * 16 + low);
  }
  return true;
}

Result<std::string> Pbkdf2(const std::string& password, const std::string& salt, int iterations) {
  std::string hash(kHashBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(hash.size()),
                        reinterpret_cast<unsigned char*>(hash.data())) != 1) {
    return Status::IOError("OpenSSL could not compute a PBKDF2 hash");
  }
  return hash;
}

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c == ':' || std::isspace(c) || std::iscntrl(c)) return false;
  }
  return true;
}

std::vector<std::string> Split(const std::string& line, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(line);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!line.empty() && line.back() == separator) parts.emplace_back();
  return parts;
}

}  // namespace

Result<UserTable> UserTable::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::IOError("cannot read the users file '", path, "'");
  std::ostringstream text;
  text << file.rdbuf();
  return Parse(text.str(), path);
}

Result<UserTable> UserTable::Parse(const std::string& text, const std::string& origin) {
  UserTable table;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    const std::string where = origin + ":" + std::to_string(number);
    std::vector<std::string> parts = Split(line, ':');
    if (parts.size() != 5 && parts.size() != 6) {
      return Status::Invalid(where, ": expected name:", kScheme,
                             ":ITERATIONS:SALT_HEX:HASH_HEX[:", kReadOnly, "] (see quiver users add)");
    }
    if (parts.size() == 6 && parts[5] != kReadOnly) {
      return Status::Invalid(where, ": unknown user flag '", parts[5], "' (only ", kReadOnly, ")");
    }
    if (!ValidName(parts[0])) return Status::Invalid(where, ": invalid user name '", parts[0], "'");
    if (parts[1] != kScheme) {
      return Status::Invalid(where, ": unknown hash scheme '", parts[1], "' (only ", kScheme, ")");
    }
    Entry entry;
    try {
      size_t used = 0;
      entry.iterations = std::stoi(parts[2], &used);
      if (used != parts[2].size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      return Status::Invalid(where, ": the iteration count '", parts[2], "' is not a number");
    }
    if (entry.iterations < kMinIterations || entry.iterations > kMaxIterations) {
      return Status::Invalid(where, ": the iteration count must be ", kMinIterations, "..", kMaxIterations);
    }
    if (!FromHex(parts[3], &entry.salt) || entry.salt.size() < 8) {
      return Status::Invalid(where, ": the salt must be at least 8 bytes in hex");
    }
    if (!FromHex(parts[4], &entry.hash) || entry.hash.size() != kHashBytes) {
      return Status::Invalid(where, ": the hash must be ", kHashBytes, " bytes in hex");
    }
    entry.read_only = parts.size() == 6;
    if (!table.users_.emplace(parts[0], std::move(entry)).second) {
      return Status::Invalid(where, ": user '", parts[0], "' appears twice");
    }
  }
  if (table.users_.empty()) return Status::Invalid(origin, ": no users in the file");
  return table;
}

Status UserTable::Check(const std::string& user, const std::string& password) const {
  auto found = users_.find(user);
  // An unknown user costs a hash too, so that timing does not tell names apart.
  static const Entry kDecoy{kDefaultIterations, std::string(kSaltBytes, 'x'), std::string(kHashBytes, '\0')};
  const Entry& entry = found != users_.end() ? found->second : kDecoy;
  QUIVER_ASSIGN_OR_RAISE(std::string hash, Pbkdf2(password, entry.salt, entry.iterations));
  if (found == users_.end() || !flight::ConstantTimeEquals(hash, entry.hash)) {
    return Status::Invalid("invalid username or password");
  }
  return Status::OK();
}

bool UserTable::ReadOnly(const std::string& user) const {
  auto found = users_.find(user);
  return found == users_.end() || found->second.read_only;
}

Result<std::string> UserTable::MakeEntry(const std::string& user, const std::string& password, int iterations,
                                         bool read_only) {
  if (!ValidName(user)) return Status::Invalid("a user name must be non-empty, without ':' or whitespace");
  if (password.empty()) return Status::Invalid("the password must not be empty");
  if (iterations < kMinIterations || iterations > kMaxIterations) {
    return Status::Invalid("the iteration count must be ", kMinIterations, "..", kMaxIterations);
  }
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1) {
    return Status::IOError("OpenSSL could not make a random salt");
  }
  QUIVER_ASSIGN_OR_RAISE(std::string hash, Pbkdf2(password, salt, iterations));
  return user + ":" + kScheme + ":" + std::to_string(iterations) + ":" + ToHex(salt) + ":" + ToHex(hash) +
         (read_only ? std::string(":") + kReadOnly : std::string());
}

}  // namespace quiver::cli::server
