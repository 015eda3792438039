// The cookie client middleware (MakeCookieMiddlewareFactory in middleware.h):
// a small cookie jar fed by set-cookie response headers. Attributes other than
// Max-Age and Expires (Path, Domain, Secure, HttpOnly) do not apply to one
// Flight connection and are ignored.
#include <time.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/flight/middleware.h"

namespace quiver::flight {

namespace {

using Clock = std::chrono::system_clock;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); nullopt when it is not one.
std::optional<Clock::time_point> ParseHttpDate(std::string_view text) {
  std::string copy(text);
  struct tm parts {};
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return Clock::from_time_t(timegm(&parts));
}

struct Cookie {
  std::string value;
  std::optional<Clock::time_point> expires;
};

class CookieJar {
 public:
  // Takes in one set-cookie header value: "name=value; Attr=...; Attr".
  void Store(std::string_view header) {
    std::vector<std::string_view> parts;
    for (size_t start = 0; start <= header.size();) {
      const size_t end = std::min(header.find(';', start), header.size());
      parts.push_back(Trim(header.substr(start, end - start)));
      start = end + 1;
    }
    const std::string_view pair = parts[0];
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) return;  // not a cookie: ignored
    std::string name(Trim(pair.substr(0, equals)));
    Cookie cookie{std::string(Trim(pair.substr(equals + 1))), std::nullopt};
    if (cookie.value.size() >= 2 && cookie.value.front() == '"' && cookie.value.back() == '"') {
      cookie.value = cookie.value.substr(1, cookie.value.size() - 2);
    }
    bool has_max_age = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      const size_t eq = parts[i].find('=');
      const std::string_view key = Trim(parts[i].substr(0, eq));
      const std::string_view value = eq == std::string_view::npos ? std::string_view() : Trim(parts[i].substr(eq + 1));
      if (EqualsIgnoringCase(key, "max-age")) {
        // Max-Age wins over Expires (RFC 6265 5.3); an unreadable one is ignored.
        long long seconds = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (error == std::errc() && end == value.data() + value.size() && !value.empty()) {
          has_max_age = true;
          seconds = std::clamp<long long>(seconds, -1, 400LL * 24 * 3600);  // RFC 6265bis caps at 400 days
          cookie.expires = Clock::now() + std::chrono::seconds(seconds);
        }
      } else if (EqualsIgnoringCase(key, "expires") && !has_max_age) {
        if (auto when = ParseHttpDate(value)) cookie.expires = when;
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (cookie.expires.has_value() && *cookie.expires <= Clock::now()) {
      cookies_.erase(name);  // the server deletes the cookie
    } else {
      cookies_[name] = std::move(cookie);
    }
  }

  // The cookie header for the next call; empty when there are no live cookies.
  std::string Header() {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = Clock::now();
    std::string header;
    for (auto it = cookies_.begin(); it != cookies_.end();) {
      if (it->second.expires.has_value() && *it->second.expires <= now) {
        it = cookies_.erase(it);
        continue;
      }
      if (!header.empty()) header += "; ";
      header += it->first + "=" + it->second.value;
      ++it;
    }
    return header;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Cookie> cookies_;
};

class CookieMiddleware final : public ClientMiddleware {
 public:
  explicit CookieMiddleware(std::shared_ptr<CookieJar> jar) : jar_(std::move(jar)) {}

  void SendingHeaders(HeaderList* headers) override {
    std::string cookies = jar_->Header();
    if (!cookies.empty()) headers->emplace_back("cookie", std::move(cookies));
  }
  void ReceivedHeaders(const CallHeaders& headers) override { Take(headers); }
  void ReceivedTrailers(const CallHeaders& trailers) override { Take(trailers); }

 private:
  void Take(const CallHeaders& headers) {
    auto range = headers.equal_range("set-cookie");
    for (auto it = range.first; it != range.second; ++it) jar_->Store(it->second);
  }

  std::shared_ptr<CookieJar> jar_;
};

class CookieMiddlewareFactory final : public ClientMiddlewareFactory {
 public:
  Status StartCall(const CallInfo&, std::unique_ptr<ClientMiddleware>* middleware) override {
    *middleware = std::make_unique<CookieMiddleware>(jar_);
    return Status::OK();
  }

 private:
  std::shared_ptr<CookieJar> jar_ = std::make_shared<CookieJar>();
};

}  // namespace

std::shared_ptr<ClientMiddlewareFactory> MakeCookieMiddlewareFactory() {
  return std::make_shared<CookieMiddlewareFactory>();
}

}  // namespace quiver::flight
