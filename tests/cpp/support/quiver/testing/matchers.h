// gMock matchers for Status and Result<T>.
//
//   EXPECT_THAT(DoThing(), IsOk());
//   EXPECT_THAT(Parse(bytes), StatusIs(StatusCode::Invalid, HasSubstr("expected")));
//   EXPECT_THAT(Compute(), IsOkAndHolds(42));
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "quiver/result.h"
#include "quiver/status.h"

namespace quiver {

// Let gtest print statuses and results readably.
inline void PrintTo(const Status& s, std::ostream* os) { *os << s.ToString(); }
template <typename T>
void PrintTo(const Result<T>& r, std::ostream* os) {
  if (r.ok()) {
    *os << "OK(" << ::testing::PrintToString(*r) << ")";
  } else {
    *os << r.status().ToString();
  }
}

namespace testing_internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace testing_internal

MATCHER(IsOk, "is OK") {
  const Status s = testing_internal::GetStatus(arg);
  if (!s.ok()) *result_listener << "whose status is " << s.ToString();
  return s.ok();
}

MATCHER_P2(StatusIs, code, message_matcher,
           std::string("has status code ") + std::string(::quiver::StatusCodeName(code)) +
               " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  const Status s = testing_internal::GetStatus(arg);
  *result_listener << "whose status is " << s.ToString();
  return s.code() == code &&
         ::testing::Matches(::testing::SafeMatcherCast<const std::string&>(message_matcher))(s.message());
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "whose status is " << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

/// Abort-free helpers for tests: fail the test (not the process) on error.
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::quiver::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::quiver::IsOk())

/// `ASSERT_OK_AND_ASSIGN(auto reader, Open(path));` fails the test on an error
/// status, otherwise declares/assigns the value.
#define QUIVER_TEST_CONCAT_INNER(a, b) a##b
#define QUIVER_TEST_CONCAT(a, b) QUIVER_TEST_CONCAT_INNER(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL(QUIVER_TEST_CONCAT(_quiver_result_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL(result, lhs, rexpr) \
  auto result = (rexpr);                              \
  ASSERT_THAT(result.status(), ::quiver::IsOk());     \
  lhs = std::move(result).ValueOrDie()

}  // namespace quiver
