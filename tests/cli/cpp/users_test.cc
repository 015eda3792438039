// The users file of quiver serve --users: parsing, checking, and refusing bad lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quiver/testing/matchers.h"
#include "server/users.h"

namespace quiver::cli::server {
namespace {

using ::testing::HasSubstr;

TEST(UserTable, EntriesItMakesCheckTheRightPasswordOnly) {
  ASSERT_OK_AND_ASSIGN(std::string alice, UserTable::MakeEntry("alice", "wonder land", 1000));
  ASSERT_OK_AND_ASSIGN(std::string bob, UserTable::MakeEntry("bob", "p:w", 1000));
  EXPECT_THAT(alice, ::testing::StartsWith("alice:pbkdf2-sha256:1000:"));
  EXPECT_THAT(alice, ::testing::Not(HasSubstr("wonder")));
  ASSERT_OK_AND_ASSIGN(UserTable table,
                       UserTable::Parse("# users\n\n" + alice + "\r\n  # indented comment\n" + bob + "\n", "t"));
  EXPECT_EQ(table.size(), 2u);
  EXPECT_OK(table.Check("alice", "wonder land"));
  EXPECT_OK(table.Check("bob", "p:w"));
  EXPECT_TRUE(table.Check("alice", "p:w").IsInvalid());
  EXPECT_TRUE(table.Check("alice", "").IsInvalid());
  EXPECT_TRUE(table.Check("carol", "wonder land").IsInvalid());
}

TEST(UserTable, SameUserAndPasswordGetDifferentSalts) {
  ASSERT_OK_AND_ASSIGN(std::string first, UserTable::MakeEntry("alice", "pw", 1000));
  ASSERT_OK_AND_ASSIGN(std::string second, UserTable::MakeEntry("alice", "pw", 1000));
  EXPECT_NE(first, second);
}

TEST(UserTable, MalformedLinesAreRefusedWithTheirLineNumber) {
  ASSERT_OK_AND_ASSIGN(std::string good, UserTable::MakeEntry("alice", "pw", 1000));
  const std::string salt(32, 'a');
  const std::string hash(64, 'b');
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"alice:secret\n", "t:1: expected name:pbkdf2-sha256"},
           {"# c\nalice:md5:1000:" + salt + ":" + hash + "\n", "t:2: unknown hash scheme 'md5'"},
           {"alice:pbkdf2-sha256:ten:" + salt + ":" + hash + "\n", "is not a number"},
           {"alice:pbkdf2-sha256:5:" + salt + ":" + hash + "\n", "iteration count must be"},
           {"alice:pbkdf2-sha256:1000:zz:" + hash + "\n", "salt must be"},
           {"alice:pbkdf2-sha256:1000:" + salt + ":abcd\n", "hash must be 32 bytes"},
           {"al ice:pbkdf2-sha256:1000:" + salt + ":" + hash + "\n", "invalid user name"},
           {good + "\n" + good + "\n", "t:2: user 'alice' appears twice"},
           {"# nobody\n", "no users"},
       }) {
    SCOPED_TRACE(c.text);
    Result<UserTable> parsed = UserTable::Parse(c.text, "t");
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.message));
  }
  EXPECT_TRUE(UserTable::Load("/nonexistent/users.txt").status().IsIOError());
}

TEST(UserTable, ReadOnlyUsersAreMarkedAndStillLogIn) {
  ASSERT_OK_AND_ASSIGN(std::string reader, UserTable::MakeEntry("rita", "pw", 1000, /*read_only=*/true));
  ASSERT_OK_AND_ASSIGN(std::string writer, UserTable::MakeEntry("will", "pw", 1000));
  EXPECT_THAT(reader, ::testing::EndsWith(":read-only"));
  ASSERT_OK_AND_ASSIGN(UserTable table, UserTable::Parse(reader + "\n" + writer + "\n", "t"));
  EXPECT_OK(table.Check("rita", "pw"));
  EXPECT_TRUE(table.ReadOnly("rita"));
  EXPECT_FALSE(table.ReadOnly("will"));
  EXPECT_TRUE(table.ReadOnly("nobody")) << "an unknown name gets no write access";
  Result<UserTable> flagged = UserTable::Parse(writer + ":admin\n", "t");
  ASSERT_FALSE(flagged.ok());
  EXPECT_THAT(flagged.status().message(), HasSubstr("t:1: unknown user flag 'admin'"));
}

TEST(UserTable, MakeEntryRefusesUnusableInput) {
  EXPECT_TRUE(UserTable::MakeEntry("a:b", "pw").status().IsInvalid());
  EXPECT_TRUE(UserTable::MakeEntry("", "pw").status().IsInvalid());
  EXPECT_TRUE(UserTable::MakeEntry("alice", "").status().IsInvalid());
  EXPECT_TRUE(UserTable::MakeEntry("alice", "pw", 1).status().IsInvalid());
}

}  // namespace
}  // namespace quiver::cli::server
