#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quiver/result.h"
#include "quiver/status.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TestDetail : public StatusDetail {
 public:
  explicit TestDetail(std::string text) : text_(std::move(text)) {}
  const char* type_id() const override { return "test-detail"; }
  std::string ToString() const override { return text_; }

 private:
  std::string text_;
};

TEST(StatusTest, OkCarriesNothing) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::OK);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.detail(), nullptr);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_THAT(s, IsOk());
}

TEST(StatusTest, FactoriesSetCodeAndConcatenateMessage) {
  const struct {
    Status status;
    StatusCode code;
  } cases[] = {
      {Status::Invalid("a", 1), StatusCode::Invalid},
      {Status::TypeError("a", 1), StatusCode::TypeError},
      {Status::KeyError("a", 1), StatusCode::KeyError},
      {Status::IndexError("a", 1), StatusCode::IndexError},
      {Status::IOError("a", 1), StatusCode::IOError},
      {Status::NotImplemented("a", 1), StatusCode::NotImplemented},
      {Status::OutOfMemory("a", 1), StatusCode::OutOfMemory},
      {Status::CapacityError("a", 1), StatusCode::CapacityError},
      {Status::SerializationError("a", 1), StatusCode::SerializationError},
      {Status::Cancelled("a", 1), StatusCode::Cancelled},
      {Status::AlreadyExists("a", 1), StatusCode::AlreadyExists},
      {Status::UnknownError("a", 1), StatusCode::UnknownError},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.message(), "a1");
    EXPECT_THAT(c.status, StatusIs(c.code, "a1"));
    EXPECT_THAT(c.status, Not(IsOk()));
  }
  EXPECT_EQ(Status::Invalid("expected ", 4, " but found ", 5).ToString(),
            "Invalid: expected 4 but found 5");
}

TEST(StatusTest, ContextIsPrependedAsErrorsPropagate) {
  Status inner = Status::IOError("expected magic ARROW1");
  Status outer = inner.WithContext("while reading data.arrow");
  EXPECT_EQ(outer.code(), StatusCode::IOError);
  EXPECT_EQ(outer.message(), "while reading data.arrow: expected magic ARROW1");
  EXPECT_TRUE(Status::OK().WithContext("ignored").ok());
}

TEST(StatusTest, DetailTravelsWithCopiesAndContext) {
  auto detail = std::make_shared<TestDetail>("flight: unauthenticated");
  Status s = Status::Invalid("no token").WithDetail(detail);
  Status copy = s;
  EXPECT_EQ(copy.detail(), detail);
  EXPECT_EQ(copy.WithContext("in DoGet").detail(), detail);
  EXPECT_EQ(s.ToString(), "Invalid: no token [flight: unauthenticated]");
  EXPECT_EQ(s, copy);
  EXPECT_FALSE(s == Status::Invalid("no token"));
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::Invalid("expected an even number but found ", x);
  return x / 2;
}

Result<int> Quarter(int x) {
  QUIVER_ASSIGN_OR_RAISE(int h, Half(x));
  QUIVER_ASSIGN_OR_RAISE(int q, Half(h));
  return q;
}

Status CheckQuarter(int x) {
  QUIVER_RETURN_NOT_OK(Quarter(x));
  return Status::OK();
}

TEST(ResultTest, HoldsValueOrError) {
  EXPECT_THAT(Quarter(8), IsOkAndHolds(2));
  EXPECT_THAT(Quarter(6), StatusIs(StatusCode::Invalid, HasSubstr("but found 3")));
  EXPECT_THAT(CheckQuarter(6), StatusIs(StatusCode::Invalid, HasSubstr("expected an even number")));
  EXPECT_THAT(CheckQuarter(4), IsOk());
}

TEST(ResultTest, OkStatusWithoutValueBecomesAnError) {
  Result<int> r(Status::OK());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::UnknownError);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> v = std::move(r).ValueOrDie();
  EXPECT_EQ(*v, 7);
  EXPECT_EQ(Result<int>(Status::Invalid("x")).ValueOr(3), 3);
}

TEST(ResultDeathTest, ValueOrDieAbortsWithTheMessage) {
  EXPECT_DEATH((void)Result<int>(Status::Invalid("boom")).ValueOrDie(), "boom");
}

}  // namespace
}  // namespace quiver
