// Location: parsing Flight URIs (RFC 3986) and building the standard ones.
//
// The parser follows RFC 3986's grammar closely enough to reject what
// Apache Arrow's parser (uriparser) rejects — a stray '%', a space, a bracket
// outside an IPv6 literal — while accepting any scheme, as pyarrow does.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "quiver/flight/types.h"

namespace quiver::flight {

namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsUnreserved(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool IsSubDelim(char c) {
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}
bool IsPathChar(char c) { return IsUnreserved(c) || IsSubDelim(c) || c == ':' || c == '@'; }
bool IsSchemeChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.'; }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Describes a character for an error message: 'x', or 0xNN for unprintable bytes.
std::string DescribeChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte > 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf];
}

// Walks one URI, validating each component and decoding the parts Location exposes.
class UriParser {
 public:
  explicit UriParser(std::string_view uri) : uri_(uri) {}

  // On success fills the out-parameters; on failure returns the reason
  // (without the "Cannot parse URI" prefix, which the caller adds).
  Status Parse(std::string* scheme, std::string* host, std::string* port_text,
               std::string* path) {
    ParseScheme(scheme);
    const bool has_authority = uri_.substr(pos_, 2) == "//";
    if (has_authority) {
      pos_ += 2;
      QUIVER_RETURN_NOT_OK(ParseAuthority(host, port_text));
    }
    // Without a scheme the first segment may not hold ':' (RFC 3986 path-noscheme),
    // or it would read as a scheme.
    const bool first_segment_forbids_colon = scheme->empty() && !has_authority;
    QUIVER_RETURN_NOT_OK(ParseComponent("path", "?#", first_segment_forbids_colon, path));
    if (pos_ < uri_.size() && uri_[pos_] == '?') {
      ++pos_;
      QUIVER_RETURN_NOT_OK(ParseComponent("query", "#", false, nullptr));
    }
    if (pos_ < uri_.size() && uri_[pos_] == '#') {
      ++pos_;
      QUIVER_RETURN_NOT_OK(ParseComponent("fragment", "", false, nullptr));
    }
    return Status::OK();
  }

 private:
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), followed by ':'. Anything
  // else leaves the scheme empty and the position unchanged (a relative reference).
  void ParseScheme(std::string* scheme) {
    size_t end = 0;
    while (end < uri_.size() && IsSchemeChar(uri_[end])) ++end;
    if (end > 0 && end < uri_.size() && uri_[end] == ':' && IsAlpha(uri_[0])) {
      scheme->clear();
      for (size_t i = 0; i < end; ++i) {
        scheme->push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(uri_[i]))));
      }
      pos_ = end + 1;
    }
  }

  // authority = [ userinfo "@" ] host [ ":" port ]
  Status ParseAuthority(std::string* host, std::string* port_text) {
    size_t end = uri_.find_first_of("/?#", pos_);
    if (end == std::string_view::npos) end = uri_.size();
    const std::string_view authority = uri_.substr(pos_, end - pos_);
    const size_t at = authority.find('@');
    if (at != std::string_view::npos) {
      QUIVER_RETURN_NOT_OK(CheckChars(authority.substr(0, at), pos_, "user information",
                                      [](char c) { return IsPathChar(c) && c != '@'; }));
      pos_ += at + 1;
    }
    std::string_view rest = uri_.substr(pos_, end - pos_);
    std::string_view host_text;
    size_t host_end;
    if (!rest.empty() && rest[0] == '[') {
      const size_t close = rest.find(']');
      if (close == std::string_view::npos) {
        return Status::Invalid("expected ']' to close the IP literal that opens at position ",
                               pos_, " but found none");
      }
      host_text = rest.substr(1, close - 1);
      QUIVER_RETURN_NOT_OK(CheckIpLiteral(host_text, pos_ + 1));
      host_end = close + 1;
      if (host_end < rest.size() && rest[host_end] != ':') {
        return Status::Invalid("expected ':' or the end of the authority after the IP literal at "
                               "position ", pos_ + host_end, " but found ",
                               DescribeChar(rest[host_end]));
      }
      *host = std::string(host_text);
    } else {
      host_end = rest.find(':');
      if (host_end == std::string_view::npos) host_end = rest.size();
      host_text = rest.substr(0, host_end);
      QUIVER_RETURN_NOT_OK(CheckChars(host_text, pos_, "host",
                                      [](char c) { return IsUnreserved(c) || IsSubDelim(c); }));
      *host = PercentDecode(host_text);
    }
    if (host_end < rest.size()) {
      // port = *DIGIT, with no percent-escapes.
      const std::string_view port = rest.substr(host_end + 1);
      for (size_t i = 0; i < port.size(); ++i) {
        if (!IsDigit(port[i])) {
          return Status::Invalid(DescribeChar(port[i]), " is not allowed in a URI port (position ",
                                 pos_ + host_end + 1 + i, "); expected digits");
        }
      }
      *port_text = std::string(port);
    }
    pos_ = end;
    return Status::OK();
  }

  // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
  Status CheckIpLiteral(std::string_view text, size_t offset) {
    if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) {
      // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
      size_t i = 1;
      while (i < text.size() && IsHexDigit(text[i])) ++i;
      const bool ok = i > 1 && i + 1 < text.size() && text[i] == '.' &&
                      text.substr(i + 1).find_first_not_of(
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                          "-._~!$&'()*+,;=:") == std::string_view::npos;
      if (ok) return Status::OK();
      return Status::Invalid("expected an IPvFuture address (v<hex>.<text>) at position ", offset,
                             " but found '", text, "'");
    }
    if (IsIpv6Address(text)) return Status::OK();
    return Status::Invalid("expected an IPv6 address inside the brackets at position ", offset,
                           " but found '", text, "'");
  }

  static bool IsIpv4Address(std::string_view text) {
    int octets = 0;
    size_t i = 0;
    while (true) {
      size_t start = i;
      int value = 0;
      while (i < text.size() && IsDigit(text[i]) && i - start < 3) {
        value = value * 10 + (text[i++] - '0');
      }
      const size_t digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
      ++octets;
      if (i == text.size()) return octets == 4;
      if (text[i] != '.' || octets == 4) return false;
      ++i;
    }
  }

  // RFC 4291 text form: eight groups of 1-4 hex digits, at most one "::" standing
  // for one or more zero groups, and optionally a dotted IPv4 address as the last
  // 32 bits.
  static bool IsIpv6Address(std::string_view text) {
    const size_t gap = text.find("::");
    if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) {
      return false;
    }
    int groups = 0;
    auto count_groups = [&groups](std::string_view part, bool allow_ipv4_tail) {
      if (part.empty()) return true;
      size_t start = 0;
      while (true) {
        size_t end = part.find(':', start);
        const size_t length = end == std::string_view::npos ? std::string_view::npos : end - start;
        const std::string_view group = part.substr(start, length);
        if (end == std::string_view::npos && allow_ipv4_tail &&
            group.find('.') != std::string_view::npos) {
          if (!IsIpv4Address(group)) return false;
          groups += 2;
          return true;
        }
        if (group.empty() || group.size() > 4) return false;
        for (const char c : group) {
          if (!IsHexDigit(c)) return false;
        }
        ++groups;
        if (end == std::string_view::npos) return true;
        start = end + 1;
      }
    };
    if (gap == std::string_view::npos) return count_groups(text, true) && groups == 8;
    return count_groups(text.substr(0, gap), false) && count_groups(text.substr(gap + 2), true) &&
           groups <= 7;
  }

  // Path, query or fragment: runs to the first of `stop_chars` (or the end).
  Status ParseComponent(std::string_view what, std::string_view stop_chars,
                        bool first_segment_forbids_colon, std::string* decoded) {
    size_t end = stop_chars.empty() ? std::string_view::npos : uri_.find_first_of(stop_chars, pos_);
    if (end == std::string_view::npos) end = uri_.size();
    const std::string_view text = uri_.substr(pos_, end - pos_);
    const bool allow_question = what != "path";
    QUIVER_RETURN_NOT_OK(CheckChars(text, pos_, what, [allow_question](char c) {
      return IsPathChar(c) || c == '/' || (allow_question && c == '?');
    }));
    if (first_segment_forbids_colon) {
      const size_t colon = text.find(':');
      if (colon != std::string_view::npos && colon < text.find('/')) {
        return Status::Invalid("expected a scheme before ':' at position ", pos_ + colon,
                               " (a scheme starts with a letter and holds only letters, digits, "
                               "'+', '-' and '.')");
      }
    }
    if (decoded != nullptr) *decoded = PercentDecode(text);
    pos_ = end;
    return Status::OK();
  }

  // Every character must satisfy `allowed` or be part of a %XX escape.
  template <typename Predicate>
  Status CheckChars(std::string_view text, size_t offset, std::string_view what,
                    Predicate allowed) {
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '%') {
        if (i + 2 >= text.size() || !IsHexDigit(text[i + 1]) || !IsHexDigit(text[i + 2])) {
          const std::string_view found = text.substr(i + 1, 2);
          return Status::Invalid("expected two hexadecimal digits after '%' at position ",
                                 offset + i, " but found ",
                                 found.empty() ? std::string("the end of the ") + std::string(what)
                                               : "'" + std::string(found) + "'");
        }
        i += 2;
      } else if (!allowed(c)) {
        return Status::Invalid(DescribeChar(c), " is not allowed in a URI ", what,
                               " (position ", offset + i, "); percent-encode it");
      }
    }
    return Status::OK();
  }

  // Assumes CheckChars accepted `text`, so every '%' starts a valid escape.
  static std::string PercentDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
        i += 2;
      } else {
        out.push_back(text[i]);
      }
    }
    return out;
  }

  std::string_view uri_;
  size_t pos_ = 0;
};

// Percent-encodes what a URI path cannot hold as is ('%' included, so that
// decoding gives back the input).
std::string EncodePath(std::string_view path) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    if (IsPathChar(c) || c == '/') {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

Result<Location> ForHostAndPort(std::string_view scheme, std::string_view host, int port) {
  if (host.empty()) {
    return Status::Invalid("expected a host name for a ", scheme,
                           " location but found an empty string");
  }
  if (port < 0 || port > 65535) {
    return Status::Invalid("expected a port in [0, 65535] for a ", scheme, " location but found ",
                           port);
  }
  std::string uri(scheme);
  uri += "://";
  const bool needs_brackets = host.find(':') != std::string_view::npos && host.front() != '[';
  if (needs_brackets) uri += '[';
  uri += host;
  if (needs_brackets) uri += ']';
  uri += ':';
  uri += std::to_string(port);
  return Location::Parse(uri);
}

}  // namespace

Result<Location> Location::Parse(std::string_view uri) {
  Location location;
  std::string port_text;
  Status parsed =
      UriParser(uri).Parse(&location.scheme_, &location.host_, &port_text, &location.path_);
  if (!parsed.ok()) {
    return Status::Invalid("Cannot parse URI: '", uri, "': ", parsed.message());
  }
  if (location.scheme_.empty()) {
    return Status::Invalid("URI has empty scheme: '", uri, "'");
  }
  if (!port_text.empty()) {
    // At most 5 digits can be a valid port; checking the length first keeps the
    // arithmetic from overflowing on long digit strings.
    int port = 0;
    const size_t first_significant = port_text.find_first_not_of('0');
    const std::string_view digits = first_significant == std::string::npos
                                        ? std::string_view()
                                        : std::string_view(port_text).substr(first_significant);
    bool valid = digits.size() <= 5;
    if (valid) {
      for (const char c : digits) port = port * 10 + (c - '0');
      valid = port <= 65535;
    }
    if (!valid) {
      return Status::Invalid("Invalid port number '", port_text, "' in URI '", uri,
                             "': expected a number in [0, 65535]");
    }
    location.port_ = port;
  }
  location.uri_ = std::string(uri);
  return location;
}

Result<Location> Location::ForGrpcTcp(std::string_view host, int port) {
  return ForHostAndPort(kSchemeGrpcTcp, host, port);
}

Result<Location> Location::ForGrpcTls(std::string_view host, int port) {
  return ForHostAndPort(kSchemeGrpcTls, host, port);
}

Result<Location> Location::ForGrpcUnix(std::string_view path) {
  if (path.empty()) {
    return Status::Invalid(
        "expected a socket path for a grpc+unix location but found an empty string");
  }
  std::string uri(kSchemeGrpcUnix);
  // "grpc+unix://" + "/abs/path" keeps the form Arrow writes. A relative path must
  // not follow "//", where its first component would read as a host name.
  uri += path.front() == '/' ? "://" : ":";
  uri += EncodePath(path);
  return Parse(uri);
}

Location Location::ReuseConnection() {
  Location location;
  location.uri_ = std::string(kSchemeReuseConnection) + "://?";
  location.scheme_ = std::string(kSchemeReuseConnection);
  return location;
}

}  // namespace quiver::flight
