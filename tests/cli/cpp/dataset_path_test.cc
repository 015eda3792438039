#include "store/dataset_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "quiver/testing/matchers.h"

namespace quiver::cli::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DatasetPathTest, SplitsComponentsOnSlashes) {
  ASSERT_OK_AND_ASSIGN(auto one, DatasetPath::FromComponents({"sales/2024"}));
  ASSERT_OK_AND_ASSIGN(auto two, DatasetPath::FromComponents({"sales", "2024"}));
  EXPECT_THAT(one.components(), ElementsAre("sales", "2024"));
  EXPECT_EQ(one, two);
  EXPECT_EQ(one.ToString(), "sales/2024");
}

TEST(DatasetPathTest, DropsEmptyPieces) {
  ASSERT_OK_AND_ASSIGN(auto path, DatasetPath::Parse("a//b/"));
  EXPECT_THAT(path.components(), ElementsAre("a", "b"));
  ASSERT_OK_AND_ASSIGN(auto empty, DatasetPath::FromComponents({}));
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.ToString(), "");
}

TEST(DatasetPathTest, RefusesAbsolutePaths) {
  EXPECT_THAT(DatasetPath::Parse("/etc/passwd"),
              StatusIs(StatusCode::Invalid, HasSubstr("is absolute")));
  EXPECT_THAT(DatasetPath::FromComponents({"/etc", "passwd"}),
              StatusIs(StatusCode::Invalid, HasSubstr("is absolute")));
}

TEST(DatasetPathTest, RefusesDotDot) {
  EXPECT_THAT(DatasetPath::Parse("a/../../etc"),
              StatusIs(StatusCode::Invalid, HasSubstr("may not leave the served root")));
  EXPECT_THAT(DatasetPath::FromComponents({"a", ".."}),
              StatusIs(StatusCode::Invalid, HasSubstr("'..'")));
  EXPECT_THAT(DatasetPath::Parse("a/./b"), StatusIs(StatusCode::Invalid, HasSubstr("'.'")));
}

TEST(DatasetPathTest, RefusesReservedNames) {
  EXPECT_THAT(DatasetPath::Parse("a/.quiver"),
              StatusIs(StatusCode::Invalid, HasSubstr("reserved for the server's own files")));
  EXPECT_THAT(DatasetPath::Parse(".hidden"), StatusIs(StatusCode::Invalid, HasSubstr("'.hidden'")));
}

TEST(DatasetPathTest, RefusesControlCharactersAndNul) {
  EXPECT_THAT(DatasetPath::Parse(std::string("a\0b", 3)),
              StatusIs(StatusCode::Invalid, HasSubstr("control character (byte 0)")));
  EXPECT_THAT(DatasetPath::Parse("a\nb"),
              StatusIs(StatusCode::Invalid, HasSubstr("control character (byte 10)")));
}

TEST(DatasetPathTest, RefusesOversizePaths) {
  EXPECT_THAT(DatasetPath::Parse(std::string(256, 'x')),
              StatusIs(StatusCode::Invalid, HasSubstr("at most 255")));
  EXPECT_OK(DatasetPath::Parse(std::string(255, 'x')));
  std::string deep;
  for (int i = 0; i < 33; ++i) deep += "d/";
  EXPECT_THAT(DatasetPath::Parse(deep), StatusIs(StatusCode::Invalid, HasSubstr("33 levels deep")));
  EXPECT_THAT(DatasetPath::FromComponents(std::vector<std::string>(5, std::string(250, 'y'))),
              StatusIs(StatusCode::Invalid, HasSubstr("too long")));
}

TEST(DatasetPathTest, AllowsOrdinaryNames) {
  ASSERT_OK_AND_ASSIGN(auto path, DatasetPath::Parse("taxi trips/2024-01_v2.final"));
  EXPECT_THAT(path.components(), ElementsAre("taxi trips", "2024-01_v2.final"));
  ASSERT_OK_AND_ASSIGN(auto unicode, DatasetPath::Parse("données/été"));
  EXPECT_EQ(unicode.ToString(), "données/été");
}

TEST(DatasetPathTest, StartsWithIsComponentWise) {
  ASSERT_OK_AND_ASSIGN(auto path, DatasetPath::Parse("sales/2024"));
  ASSERT_OK_AND_ASSIGN(auto sales, DatasetPath::Parse("sales"));
  ASSERT_OK_AND_ASSIGN(auto sal, DatasetPath::Parse("sal"));
  EXPECT_TRUE(path.StartsWith(sales));
  EXPECT_TRUE(path.StartsWith(path));
  EXPECT_TRUE(path.StartsWith(DatasetPath()));
  EXPECT_FALSE(path.StartsWith(sal));
  EXPECT_FALSE(sales.StartsWith(path));
}

TEST(DatasetPathTest, Parent) {
  ASSERT_OK_AND_ASSIGN(auto path, DatasetPath::Parse("a/b/c"));
  EXPECT_EQ(path.Parent().ToString(), "a/b");
  EXPECT_EQ(path.Parent().Parent().Parent().ToString(), "");
  EXPECT_TRUE(DatasetPath().Parent().empty());
}

}  // namespace
}  // namespace quiver::cli::store
