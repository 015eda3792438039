#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "quiver/io.h"
#include "quiver/testing/matchers.h"

namespace quiver::io {
namespace {

using ::testing::HasSubstr;

std::string TempPath(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("quiver_io_test_") + std::to_string(::getpid()) + name))
      .string();
}

TEST(BufferOutputStreamTest, AccumulatesAndFinishes) {
  auto sink = *BufferOutputStream::Create(2);
  ASSERT_OK(sink->Write("hello ", 6));
  ASSERT_OK(sink->Write(Buffer::FromString("world")));
  EXPECT_THAT(sink->Tell(), IsOkAndHolds(11));
  auto r = sink->Finish();
  ASSERT_OK(r);
  EXPECT_EQ((*r)->ToString(), "hello world");
  EXPECT_TRUE(sink->closed());
  EXPECT_THAT(sink->Write("x", 1), StatusIs(StatusCode::IOError, HasSubstr("closed")));
}

TEST(BufferReaderTest, ReadsAreZeroCopySlices) {
  auto source = Buffer::FromString("0123456789");
  BufferReader reader(source);
  auto a = *reader.Read(4);
  EXPECT_EQ(a->data(), source->data());
  EXPECT_EQ(a->ToString(), "0123");
  auto b = *reader.Read(100);  // short read at the end, not an error
  EXPECT_EQ(b->ToString(), "456789");
  EXPECT_EQ((*reader.Read(1))->size(), 0);
  EXPECT_EQ((*reader.ReadAt(2, 3))->ToString(), "234");
  EXPECT_EQ((*reader.ReadAt(50, 3))->size(), 0);
  EXPECT_THAT(reader.ReadAt(-1, 3), StatusIs(StatusCode::Invalid, HasSubstr("non-negative")));
  EXPECT_THAT(reader.Seek(11), StatusIs(StatusCode::IOError, HasSubstr("outside")));
  ASSERT_OK(reader.Seek(8));
  EXPECT_EQ((*reader.Read(5))->ToString(), "89");
}

TEST(ReadExactlyTest, ReportsShortReads) {
  BufferReader reader(Buffer::FromString("abc"));
  EXPECT_THAT(ReadExactly(&reader, 5),
              StatusIs(StatusCode::IOError, HasSubstr("expected 5 bytes but only 3 were available")));
}

TEST(FileStreamsTest, WriteSyncReadAndMap) {
  const std::string path = TempPath("file");
  {
    auto out = FileOutputStream::Open(path);
    ASSERT_OK(out);
    ASSERT_OK((*out)->Write("abcdef", 6));
    ASSERT_OK((*out)->Sync());
    ASSERT_OK((*out)->Close());
  }
  {
    auto out = *FileOutputStream::Open(path, /*append=*/true);
    EXPECT_THAT(out->Tell(), IsOkAndHolds(6));
    ASSERT_OK(out->Write("gh", 2));
    ASSERT_OK(out->Close());
  }
  auto file = ReadableFile::Open(path);
  ASSERT_OK(file);
  EXPECT_THAT((*file)->GetSize(), IsOkAndHolds(8));
  EXPECT_EQ((*(*file)->ReadAt(2, 100))->ToString(), "cdefgh");
  EXPECT_EQ((*(*file)->Read(3))->ToString(), "abc");

  std::shared_ptr<Buffer> slice;
  {
    auto mapped = MemoryMappedFile::Open(path);
    ASSERT_OK(mapped);
    slice = *(*mapped)->ReadAt(4, 4);
  }
  // The mapping stays alive as long as a slice of it does.
  EXPECT_EQ(slice->ToString(), "efgh");
  std::remove(path.c_str());
}

TEST(FileStreamsTest, MissingFilesAreClearErrors) {
  EXPECT_THAT(ReadableFile::Open("/nonexistent/quiver/file"),
              StatusIs(StatusCode::IOError, HasSubstr("'/nonexistent/quiver/file'")));
  EXPECT_THAT(MemoryMappedFile::Open("/nonexistent/quiver/file"), StatusIs(StatusCode::IOError, ::testing::_));
  EXPECT_THAT(FileOutputStream::Open("/nonexistent/dir/out"), StatusIs(StatusCode::IOError, ::testing::_));
}

}  // namespace
}  // namespace quiver::io
