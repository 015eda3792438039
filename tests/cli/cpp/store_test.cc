// The dataset store behind `quiver serve`: durable commits, recovery after a crash,
// refusals of paths leaving the root, one writer per dataset, and readers that
// see a whole version.
#include "store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "quiver/flight/status.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/testing/matchers.h"
#include "quiver/type.h"

namespace quiver::cli::store {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ArrayFromJSONOrDie;

SchemaPtr IdSchema() { return schema({field("id", int64()), field("name", utf8())}); }

RecordBatchPtr MakeBatch(const std::string& ids, const std::string& names) {
  auto id = ArrayFromJSONOrDie(int64(), ids);
  auto name = ArrayFromJSONOrDie(utf8(), names);
  return RecordBatch::Make(IdSchema(), id->length(), {id, name});
}

DatasetPath P(const std::string& text) { return DatasetPath::Parse(text).ValueOrDie(); }

// Every id of a reader, in order.
Result<std::vector<int64_t>> ReadIds(RecordBatchReader* reader) {
  std::vector<int64_t> ids;
  while (true) {
    RecordBatchPtr batch;
    QUIVER_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (batch == nullptr) break;
    const auto& column = static_cast<const Int64Array&>(*batch->column(0));
    for (int64_t i = 0; i < column.length(); ++i) ids.push_back(column.Value(i));
  }
  return ids;
}

void WriteIpc(const std::string& path, const RecordBatchPtr& batch, bool file_format) {
  auto sink = io::FileOutputStream::Open(path).ValueOrDie();
  auto writer = file_format ? ipc::MakeFileWriter(sink, batch->schema()).ValueOrDie()
                            : ipc::MakeStreamWriter(sink, batch->schema()).ValueOrDie();
  writer->WriteRecordBatch(*batch).Abort();
  writer->Close().Abort();
  sink->Close().Abort();
}

std::vector<std::string> HiddenFiles(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".quiver-", 0) == 0) names.push_back(name);
  }
  return names;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // mkdtemp replaces the template's six trailing X characters.
    std::string pattern = "/tmp/quiver-store-test-" + std::string(6, 'X');
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ + "/root";
    OpenStore();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    fs::remove_all(base_, ignored);
  }

  void OpenStore(StoreOptions options = {}) {
    store_.reset();
    auto opened = DatasetStore::Open(root_, options);
    ASSERT_OK(opened.status());
    store_ = std::move(*opened);
  }

  Result<CommitResult> Put(const std::string& path, PutMode mode,
                           const std::vector<RecordBatchPtr>& batches) {
    QUIVER_ASSIGN_OR_RAISE(auto writer, store_->BeginWrite(P(path), mode));
    QUIVER_RETURN_NOT_OK(writer->Begin(IdSchema()));
    for (const auto& batch : batches) QUIVER_RETURN_NOT_OK(writer->Write(*batch));
    return writer->Commit();
  }

  std::vector<int64_t> IdsOf(const std::string& path) {
    auto reader = store_->OpenDataset(P(path));
    EXPECT_OK(reader.status());
    if (!reader.ok()) return {};
    auto ids = ReadIds(reader->get());
    EXPECT_OK(ids.status());
    return ids.ok() ? *ids : std::vector<int64_t>{};
  }

  std::string base_;
  std::string root_;
  std::unique_ptr<DatasetStore> store_;
};

TEST_F(StoreTest, OpenCreatesTheRoot) {
  EXPECT_TRUE(fs::is_directory(root_));
  ASSERT_OK_AND_ASSIGN(auto all, store_->List());
  EXPECT_THAT(all, IsEmpty());
  EXPECT_EQ(store_->root(), fs::canonical(root_).string());
}

TEST_F(StoreTest, OpenRefusesAFileAsRoot) {
  std::ofstream(base_ + "/plain") << "x";
  EXPECT_THAT(DatasetStore::Open(base_ + "/plain"),
              StatusIs(StatusCode::Invalid, HasSubstr("is not a folder")));
}

TEST_F(StoreTest, CreateThenDescribeGivesExactTotals) {
  ASSERT_OK_AND_ASSIGN(auto result,
                       Put("sales/2024", PutMode::kCreate,
                           {MakeBatch("[1, 2, 3]", R"(["a", "b", "c"])"), MakeBatch("[4]", R"(["d"])")}));
  EXPECT_EQ(result.rows, 4);
  EXPECT_EQ(result.dataset_rows, 4);
  EXPECT_EQ(result.dataset_files, 1);
  EXPECT_THAT(result.file, HasSubstr("part-00000001-"));

  ASSERT_OK_AND_ASSIGN(auto info, store_->Describe(P("sales/2024")));
  EXPECT_EQ(info.total_rows, 4);
  ASSERT_EQ(info.files.size(), 1u);
  EXPECT_EQ(info.files[0].name, result.file);
  EXPECT_EQ(info.files[0].batches, 2);
  EXPECT_EQ(info.total_bytes, static_cast<int64_t>(fs::file_size(root_ + "/sales/2024/" + result.file)));
  EXPECT_EQ(info.total_bytes, result.bytes);
  EXPECT_TRUE(info.schema->Equals(*IdSchema()));
  EXPECT_THAT(IdsOf("sales/2024"), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(HiddenFiles(root_ + "/sales/2024"), IsEmpty());
}

TEST_F(StoreTest, CreateRefusesAnExistingDataset) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  EXPECT_THAT(Put("t", PutMode::kCreate, {MakeBatch("[2]", R"(["b"])")}),
              StatusIs(StatusCode::AlreadyExists, HasSubstr("upload with mode replace or append")));
  EXPECT_THAT(IdsOf("t"), ElementsAre(1));
}

TEST_F(StoreTest, AppendAddsFilesInOrder) {
  ASSERT_OK(Put("t", PutMode::kAppend, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK_AND_ASSIGN(auto second, Put("t", PutMode::kAppend, {MakeBatch("[2, 3]", R"(["b", "c"])")}));
  EXPECT_EQ(second.dataset_files, 2);
  EXPECT_EQ(second.dataset_rows, 3);
  EXPECT_THAT(second.file, HasSubstr("part-00000002-"));
  EXPECT_THAT(IdsOf("t"), ElementsAre(1, 2, 3));
  ASSERT_OK_AND_ASSIGN(auto info, store_->Describe(P("t")));
  EXPECT_EQ(info.files.size(), 2u);
  EXPECT_EQ(info.total_rows, 3);
}

TEST_F(StoreTest, AppendRefusesAnotherSchema) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK_AND_ASSIGN(auto writer, store_->BeginWrite(P("t"), PutMode::kAppend));
  EXPECT_THAT(writer->Begin(schema({field("id", int32())})),
              StatusIs(StatusCode::Invalid, HasSubstr("schema mismatch: cannot append to dataset 't'")));
  writer.reset();
  EXPECT_THAT(IdsOf("t"), ElementsAre(1));
  EXPECT_THAT(HiddenFiles(root_ + "/t"), IsEmpty());
}

TEST_F(StoreTest, ReplaceSwapsTheWholeDataset) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK(Put("t", PutMode::kAppend, {MakeBatch("[2]", R"(["b"])")}));
  ASSERT_OK_AND_ASSIGN(auto result, Put("t", PutMode::kReplace, {MakeBatch("[7, 8]", R"(["x", "y"])")}));
  EXPECT_EQ(result.replaced_files, 2);
  EXPECT_EQ(result.dataset_files, 1);
  EXPECT_EQ(result.dataset_rows, 2);
  EXPECT_THAT(IdsOf("t"), ElementsAre(7, 8));
  EXPECT_THAT(HiddenFiles(root_ + "/t"), IsEmpty());
}

TEST_F(StoreTest, ReplaceCreatesAMissingDataset) {
  ASSERT_OK(Put("new/one", PutMode::kReplace, {MakeBatch("[5]", R"(["e"])")}));
  EXPECT_THAT(IdsOf("new/one"), ElementsAre(5));
}

TEST_F(StoreTest, ReplacedFilesStayReadableByOldTicketsUntilPruned) {
  ASSERT_OK_AND_ASSIGN(auto old_file, Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK(Put("t", PutMode::kReplace, {MakeBatch("[2]", R"(["b"])")}));
  ASSERT_OK_AND_ASSIGN(auto old_reader, store_->OpenFile(P("t"), old_file.file));
  EXPECT_THAT(ReadIds(old_reader.get()), IsOkAndHolds(ElementsAre(1)));
  EXPECT_EQ(store_->trash_size(), 1);

  const auto later = std::chrono::steady_clock::now() + store_->options().retain_replaced +
                     std::chrono::seconds(1);
  EXPECT_EQ(store_->PruneTrash(later), 1);
  EXPECT_THAT(store_->OpenFile(P("t"), old_file.file),
              StatusIs(StatusCode::KeyError, HasSubstr("ask for the flight info again")));
}

TEST_F(StoreTest, AnOpenReaderKeepsItsVersionAcrossAReplace) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1, 2]", R"(["a", "b"])")}));
  ASSERT_OK_AND_ASSIGN(auto reader, store_->OpenDataset(P("t")));
  ASSERT_OK(Put("t", PutMode::kReplace, {MakeBatch("[9]", R"(["z"])")}));
  EXPECT_EQ(store_->PruneTrash(std::chrono::steady_clock::now() + std::chrono::hours(1)), 1);
  // The file is gone from the folder and the trash, yet the mapping still reads it.
  EXPECT_THAT(ReadIds(reader.get()), IsOkAndHolds(ElementsAre(1, 2)));
  EXPECT_THAT(IdsOf("t"), ElementsAre(9));
}

TEST_F(StoreTest, AbandonedUploadLeavesNoTrace) {
  {
    ASSERT_OK_AND_ASSIGN(auto writer, store_->BeginWrite(P("deep/new/set"), PutMode::kCreate));
    ASSERT_OK(writer->Begin(IdSchema()));
    ASSERT_OK(writer->Write(*MakeBatch("[1]", R"(["a"])")));
    EXPECT_THAT(HiddenFiles(root_ + "/deep/new/set"), ::testing::SizeIs(1));
    // Destroyed without Commit(): the client went away.
  }
  EXPECT_FALSE(fs::exists(root_ + "/deep"));
  EXPECT_THAT(store_->Describe(P("deep/new/set")), StatusIs(StatusCode::KeyError, HasSubstr("no dataset")));
  ASSERT_OK_AND_ASSIGN(auto all, store_->List());
  EXPECT_THAT(all, IsEmpty());
}

TEST_F(StoreTest, AbandonedReplaceKeepsThePreviousVersion) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  {
    ASSERT_OK_AND_ASSIGN(auto writer, store_->BeginWrite(P("t"), PutMode::kReplace));
    ASSERT_OK(writer->Begin(IdSchema()));
    ASSERT_OK(writer->Write(*MakeBatch("[2]", R"(["b"])")));
    writer->Abort();
  }
  EXPECT_THAT(IdsOf("t"), ElementsAre(1));
  EXPECT_THAT(HiddenFiles(root_ + "/t"), IsEmpty());
}

TEST_F(StoreTest, UploadWithoutSchemaFailsCleanly) {
  ASSERT_OK_AND_ASSIGN(auto writer, store_->BeginWrite(P("t"), PutMode::kCreate));
  EXPECT_THAT(writer->Commit(), StatusIs(StatusCode::Invalid, HasSubstr("carried no schema")));
  EXPECT_FALSE(fs::exists(root_ + "/t"));
}

TEST_F(StoreTest, EmptyUploadMakesAnEmptyDataset) {
  ASSERT_OK_AND_ASSIGN(auto result, Put("empty", PutMode::kCreate, {}));
  EXPECT_EQ(result.rows, 0);
  ASSERT_OK_AND_ASSIGN(auto info, store_->Describe(P("empty")));
  EXPECT_EQ(info.total_rows, 0);
  EXPECT_EQ(info.files.size(), 1u);
  EXPECT_TRUE(info.schema->Equals(*IdSchema()));
}

TEST_F(StoreTest, SecondWriterIsRefusedWhileTheFirstRuns) {
  ASSERT_OK_AND_ASSIGN(auto first, store_->BeginWrite(P("t"), PutMode::kCreate));
  auto second = store_->BeginWrite(P("t"), PutMode::kReplace);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("is being written by another upload"));
  auto detail = flight::FlightStatusDetail::UnwrapStatus(second.status());
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->code(), flight::FlightStatusCode::Unavailable);
  // Drop and rename are refused the same way.
  EXPECT_THAT(store_->Drop(P("t")).message(), HasSubstr("is being written by another upload"));
  EXPECT_THAT(store_->Rename(P("t"), P("u")).message(), HasSubstr("is being written by another upload"));

  ASSERT_OK(first->Begin(IdSchema()));
  ASSERT_OK(first->Write(*MakeBatch("[1]", R"(["a"])")));
  ASSERT_OK(first->Commit());
  EXPECT_THAT(IdsOf("t"), ElementsAre(1));
  // Once the first is done, the next writer may go.
  EXPECT_OK(Put("t", PutMode::kAppend, {MakeBatch("[2]", R"(["b"])")}));
  ASSERT_OK_AND_ASSIGN(auto third, store_->BeginWrite(P("t"), PutMode::kAppend));
  auto drop = store_->Drop(P("t"));
  EXPECT_THAT(drop.message(), HasSubstr("is being written by another upload"));
}

TEST_F(StoreTest, WritersOfDifferentDatasetsRunTogether) {
  ASSERT_OK_AND_ASSIGN(auto a, store_->BeginWrite(P("a"), PutMode::kCreate));
  ASSERT_OK_AND_ASSIGN(auto b, store_->BeginWrite(P("b"), PutMode::kCreate));
  ASSERT_OK(a->Begin(IdSchema()));
  ASSERT_OK(b->Begin(IdSchema()));
  ASSERT_OK(b->Write(*MakeBatch("[2]", R"(["b"])")));
  ASSERT_OK(a->Write(*MakeBatch("[1]", R"(["a"])")));
  ASSERT_OK(b->Commit());
  ASSERT_OK(a->Commit());
  EXPECT_THAT(IdsOf("a"), ElementsAre(1));
  EXPECT_THAT(IdsOf("b"), ElementsAre(2));
}

TEST_F(StoreTest, QuotaRefusesOversizeUploads) {
  StoreOptions options;
  options.max_upload_bytes = 2000;
  OpenStore(options);
  std::string ids = "[0";
  std::string names = "[\"n\"";
  for (int i = 1; i < 400; ++i) {
    ids += ", " + std::to_string(i);
    names += ", \"n\"";
  }
  ids += "]";
  names += "]";
  EXPECT_THAT(Put("big", PutMode::kCreate, {MakeBatch(ids, names)}),
              StatusIs(StatusCode::Invalid, HasSubstr("exceeds the server's quota of 2000 bytes")));
  EXPECT_FALSE(fs::exists(root_ + "/big"));
  EXPECT_OK(Put("small", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
}

TEST_F(StoreTest, StartupRemovesLeftoverTempFiles) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  // What a server killed mid-upload leaves behind.
  std::ofstream(root_ + "/t/.quiver-tmp-0123456789abcdef.arrow") << "half an upload";
  fs::create_directories(root_ + "/other/deeper");
  std::ofstream(root_ + "/other/deeper/.quiver-tmp-feedface.arrow") << "x";
  OpenStore();
  EXPECT_EQ(store_->recovery().temp_files_removed, 2);
  EXPECT_THAT(HiddenFiles(root_ + "/t"), IsEmpty());
  EXPECT_THAT(HiddenFiles(root_ + "/other/deeper"), IsEmpty());
  EXPECT_THAT(IdsOf("t"), ElementsAre(1));
}

TEST_F(StoreTest, StartupFinishesAJournalledReplace) {
  ASSERT_OK_AND_ASSIGN(auto old_file, Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  // A server that died right after making its replace journal durable: the new file
  // is still under its temporary name, the old one still in place.
  WriteIpc(root_ + "/t/.quiver-tmp-aaaa.arrow", MakeBatch("[5, 6]", R"(["e", "f"])"), true);
  std::ofstream(root_ + "/t/.quiver-replace-bbbb.json")
      << R"({"temp": ".quiver-tmp-aaaa.arrow", "file": "part-00000002-cccc.arrow", "remove": [")"
      << old_file.file << R"("]})";
  OpenStore();
  EXPECT_EQ(store_->recovery().journals_replayed, 1);
  EXPECT_EQ(store_->recovery().temp_files_removed, 0);
  EXPECT_THAT(IdsOf("t"), ElementsAre(5, 6));
  EXPECT_TRUE(fs::exists(root_ + "/t/part-00000002-cccc.arrow"));
  EXPECT_THAT(HiddenFiles(root_ + "/t"), IsEmpty());
}

TEST_F(StoreTest, StartupFinishesAReplaceWhoseRenameAlreadyHappened) {
  ASSERT_OK_AND_ASSIGN(auto old_file, Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  WriteIpc(root_ + "/t/part-00000002-cccc.arrow", MakeBatch("[5]", R"(["e"])"), true);
  std::ofstream(root_ + "/t/.quiver-replace-bbbb.json")
      << R"({"temp": ".quiver-tmp-aaaa.arrow", "file": "part-00000002-cccc.arrow", "remove": [")"
      << old_file.file << R"("]})";
  OpenStore();
  EXPECT_THAT(IdsOf("t"), ElementsAre(5));
}

TEST_F(StoreTest, StartupKeepsTheOldVersionWhenAJournalNamesNoFileAtAll) {
  ASSERT_OK_AND_ASSIGN(auto old_file, Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  // A replace whose journal became visible but whose folder fsync failed: the upload
  // was refused and its temp file removed, the rename never happened. Replaying the
  // journal must not remove the version that is still the current one.
  std::ofstream(root_ + "/t/.quiver-replace-bbbb.json")
      << R"({"temp": ".quiver-tmp-aaaa.arrow", "file": "part-00000002-cccc.arrow", "remove": [")"
      << old_file.file << R"("]})";
  OpenStore();
  EXPECT_EQ(store_->recovery().journals_replayed, 1);
  EXPECT_THAT(IdsOf("t"), ElementsAre(1));
  EXPECT_THAT(HiddenFiles(root_ + "/t"), IsEmpty());
}

TEST_F(StoreTest, StartupDropsAJournalThatNeverCompleted) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  WriteIpc(root_ + "/t/.quiver-tmp-aaaa.arrow", MakeBatch("[5]", R"(["e"])"), true);
  std::ofstream(root_ + "/t/.quiver-replace-bbbb.json") << R"({"temp": ".quiver-tmp-aa)";
  OpenStore();
  EXPECT_THAT(IdsOf("t"), ElementsAre(1));
  EXPECT_THAT(HiddenFiles(root_ + "/t"), IsEmpty());
}

TEST_F(StoreTest, StartupRefusesAJournalNamingFilesElsewhere) {
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  std::ofstream(root_ + "/t/.quiver-replace-bbbb.json")
      << R"({"temp": ".quiver-tmp-aaaa.arrow", "file": "../../escape.arrow", "remove": []})";
  store_.reset();
  EXPECT_THAT(DatasetStore::Open(root_), StatusIs(StatusCode::IOError, HasSubstr("names files outside")));
}

TEST_F(StoreTest, RefusesSymlinksLeavingTheRoot) {
  fs::create_directories(base_ + "/outside");
  WriteIpc(base_ + "/outside/secret.arrow", MakeBatch("[42]", R"(["s"])"), true);
  fs::create_directory_symlink(base_ + "/outside", root_ + "/escape");
  EXPECT_THAT(store_->Describe(P("escape")),
              StatusIs(StatusCode::Invalid, HasSubstr("leaves the served root through a symlink")));
  EXPECT_THAT(store_->BeginWrite(P("escape/new"), PutMode::kCreate),
              StatusIs(StatusCode::Invalid, HasSubstr("leaves the served root")));
  EXPECT_THAT(store_->OpenFile(P("escape"), "secret.arrow"),
              StatusIs(StatusCode::Invalid, HasSubstr("leaves the served root")));
  ASSERT_OK_AND_ASSIGN(auto all, store_->List());
  EXPECT_THAT(all, IsEmpty());

  fs::create_directories(root_ + "/t");
  fs::create_symlink(base_ + "/outside/secret.arrow", root_ + "/t/linked.arrow");
  EXPECT_THAT(store_->Describe(P("t")),
              StatusIs(StatusCode::Invalid, HasSubstr("is a symlink leaving the served root")));
  EXPECT_THAT(store_->OpenFile(P("t"), "linked.arrow"),
              StatusIs(StatusCode::Invalid, HasSubstr("is a symlink leaving the served root")));
}

TEST_F(StoreTest, FollowsSymlinksInsideTheRoot) {
  ASSERT_OK(Put("real/set", PutMode::kCreate, {MakeBatch("[3]", R"(["c"])")}));
  fs::create_directory_symlink(root_ + "/real", root_ + "/alias");
  EXPECT_THAT(IdsOf("alias/set"), ElementsAre(3));
  ASSERT_OK_AND_ASSIGN(auto all, store_->List());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].path.ToString(), "alias/set");
  EXPECT_EQ(all[1].path.ToString(), "real/set");
}

TEST_F(StoreTest, SymlinkLoopsDoNotHangTheListing) {
  ASSERT_OK(Put("a", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  fs::create_directory_symlink(root_ + "/a", root_ + "/a/loop");
  ASSERT_OK_AND_ASSIGN(auto all, store_->List());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].path.ToString(), "a");
}

TEST_F(StoreTest, ListFiltersByPrefixComponentWise) {
  ASSERT_OK(Put("sales/2023", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK(Put("sales/2024", PutMode::kCreate, {MakeBatch("[2, 3]", R"(["b", "c"])")}));
  ASSERT_OK(Put("salesforce", PutMode::kCreate, {MakeBatch("[4]", R"(["d"])")}));
  ASSERT_OK_AND_ASSIGN(auto sales, store_->List(P("sales")));
  ASSERT_EQ(sales.size(), 2u);
  EXPECT_EQ(sales[0].path.ToString(), "sales/2023");
  EXPECT_EQ(sales[1].path.ToString(), "sales/2024");
  EXPECT_EQ(sales[1].total_rows, 2);
  ASSERT_OK_AND_ASSIGN(auto all, store_->List());
  EXPECT_EQ(all.size(), 3u);
  ASSERT_OK_AND_ASSIGN(auto none, store_->List(P("nothing/here")));
  EXPECT_THAT(none, IsEmpty());
}

TEST_F(StoreTest, ReadsFilesPlacedByHandInBothFormats) {
  fs::create_directories(root_ + "/hand");
  WriteIpc(root_ + "/hand/a.arrow", MakeBatch("[1, 2]", R"(["a", "b"])"), true);
  WriteIpc(root_ + "/hand/b.arrows", MakeBatch("[3]", R"(["c"])"), false);
  std::ofstream(root_ + "/hand/notes.txt") << "not data";
  ASSERT_OK_AND_ASSIGN(auto info, store_->Describe(P("hand")));
  EXPECT_EQ(info.total_rows, 3);
  ASSERT_EQ(info.files.size(), 2u);
  EXPECT_TRUE(info.files[0].file_format);
  EXPECT_FALSE(info.files[1].file_format);
  EXPECT_THAT(IdsOf("hand"), ElementsAre(1, 2, 3));
  ASSERT_OK_AND_ASSIGN(auto stream_file, store_->OpenFile(P("hand"), "b.arrows"));
  EXPECT_THAT(ReadIds(stream_file.get()), IsOkAndHolds(ElementsAre(3)));
}

TEST_F(StoreTest, ReadsCsvFilesPlacedByHand) {
  fs::create_directories(root_ + "/csv");
  // Column types inferred: id int64, name string -- IdSchema(), so the store's own
  // uploads can append to it.
  std::ofstream(root_ + "/csv/a.csv") << "id,name\n1,\"a, quoted\"\n2,b\n";
  std::ofstream(root_ + "/csv/b.tsv") << "id\tname\n3\tc\n";
  ASSERT_OK_AND_ASSIGN(auto info, store_->Describe(P("csv")));
  EXPECT_TRUE(info.schema->Equals(*IdSchema())) << info.schema->ToString();
  EXPECT_EQ(info.total_rows, 3);
  ASSERT_EQ(info.files.size(), 2u);
  EXPECT_TRUE(info.files[0].csv);
  EXPECT_EQ(info.files[0].rows, 2);
  EXPECT_THAT(IdsOf("csv"), ElementsAre(1, 2, 3));
  ASSERT_OK_AND_ASSIGN(auto one, store_->OpenFile(P("csv"), "b.tsv"));
  EXPECT_THAT(ReadIds(one.get()), IsOkAndHolds(ElementsAre(3)));

  ASSERT_OK(Put("csv", PutMode::kAppend, {MakeBatch("[4]", R"(["d"])")}));
  EXPECT_THAT(IdsOf("csv"), ElementsAre(1, 2, 3, 4));
  // A replace moves the CSV files aside; a ticket for one still reads it.
  ASSERT_OK(Put("csv", PutMode::kReplace, {MakeBatch("[5]", R"(["e"])")}));
  EXPECT_THAT(IdsOf("csv"), ElementsAre(5));
  EXPECT_FALSE(fs::exists(root_ + "/csv/a.csv"));
  ASSERT_OK_AND_ASSIGN(auto old, store_->OpenFile(P("csv"), "a.csv"));
  EXPECT_THAT(ReadIds(old.get()), IsOkAndHolds(ElementsAre(1, 2)));

  // A malformed CSV file hides its own dataset only, naming the file and line.
  fs::create_directories(root_ + "/broken");
  std::ofstream(root_ + "/broken/x.csv") << "a,b\n1,2\n3\n";
  EXPECT_THAT(store_->Describe(P("broken")),
              StatusIs(StatusCode::Invalid, HasSubstr("x.csv' line 3: 1 field, but the header has 2")));
  std::vector<Status> problems;
  ASSERT_OK_AND_ASSIGN(auto listed, store_->List(DatasetPath(), &problems));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].path.ToString(), "csv");
  ASSERT_EQ(problems.size(), 1u);
}

TEST_F(StoreTest, ReportsMixedSchemasAndCorruptFiles) {
  fs::create_directories(root_ + "/mixed");
  WriteIpc(root_ + "/mixed/a.arrow", MakeBatch("[1]", R"(["a"])"), true);
  auto other = schema({field("x", float64())});
  auto x = ArrayFromJSONOrDie(float64(), "[1.5]");
  WriteIpc(root_ + "/mixed/b.arrow", RecordBatch::Make(other, 1, {x}), true);
  EXPECT_THAT(store_->Describe(P("mixed")),
              StatusIs(StatusCode::Invalid, HasSubstr("mixes schemas: 'a.arrow' has")));

  fs::create_directories(root_ + "/bad");
  std::ofstream(root_ + "/bad/broken.arrow") << "ARROW1 but then nothing sensible";
  auto described = store_->Describe(P("bad"));
  ASSERT_FALSE(described.ok());
  EXPECT_THAT(described.status().message(), HasSubstr("broken.arrow"));
  // A listing fails loudly, naming the file, rather than silently skipping data...
  EXPECT_THAT(store_->List(P("bad")).status().message(), HasSubstr("broken.arrow"));
  // ...unless asked to collect the problems and list the rest.
  ASSERT_OK(Put("good", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  std::vector<Status> problems;
  ASSERT_OK_AND_ASSIGN(auto listed, store_->List(DatasetPath(), &problems));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].path.ToString(), "good");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0].message(), HasSubstr("broken.arrow"));
  EXPECT_THAT(problems[1].message(), HasSubstr("mixes schemas"));
}

TEST_F(StoreTest, PathsNamingFilesOrMissingDatasets) {
  EXPECT_THAT(store_->Describe(P("missing")), StatusIs(StatusCode::KeyError, HasSubstr("no dataset at 'missing'")));
  ASSERT_OK(Put("t", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK_AND_ASSIGN(auto info, store_->Describe(P("t")));
  EXPECT_THAT(store_->Describe(P("t/" + info.files[0].name)),
              StatusIs(StatusCode::Invalid, HasSubstr("is a file, not a dataset folder")));
  EXPECT_THAT(store_->OpenFile(P("t"), "../t/x.arrow"), StatusIs(StatusCode::Invalid, HasSubstr("may not contain '/'")));
  EXPECT_THAT(store_->OpenFile(P("t"), ".."), StatusIs(StatusCode::Invalid, HasSubstr("'..'")));
  EXPECT_THAT(store_->OpenFile(P("t"), ".quiver-tmp-1.arrow"), StatusIs(StatusCode::Invalid, HasSubstr("reserved")));
  EXPECT_THAT(store_->OpenFile(P("t"), "notes.txt"), StatusIs(StatusCode::Invalid, HasSubstr("not a data file name")));
  EXPECT_THAT(store_->OpenFile(P("t"), "part-9.arrow"), StatusIs(StatusCode::KeyError, HasSubstr("has no file")));
  EXPECT_THAT(store_->Describe(DatasetPath()), StatusIs(StatusCode::Invalid, HasSubstr("required")));
}

TEST_F(StoreTest, DropRemovesADataset) {
  ASSERT_OK_AND_ASSIGN(auto put, Put("a/b", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK(store_->Drop(P("a/b")));
  EXPECT_THAT(store_->Describe(P("a/b")), StatusIs(StatusCode::KeyError, HasSubstr("no dataset")));
  EXPECT_FALSE(fs::exists(root_ + "/a/b"));
  // A ticket issued before the drop still reads during the retention period.
  ASSERT_OK_AND_ASSIGN(auto old_reader, store_->OpenFile(P("a/b"), put.file));
  EXPECT_THAT(ReadIds(old_reader.get()), IsOkAndHolds(ElementsAre(1)));
  EXPECT_THAT(store_->Drop(P("a/b")), StatusIs(StatusCode::KeyError, HasSubstr("no dataset")));
}

TEST_F(StoreTest, RenameMovesADataset) {
  ASSERT_OK(Put("from/here", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK(store_->Rename(P("from/here"), P("to/there/now")));
  EXPECT_THAT(IdsOf("to/there/now"), ElementsAre(1));
  EXPECT_THAT(store_->Describe(P("from/here")), StatusIs(StatusCode::KeyError, HasSubstr("no dataset")));
}

TEST_F(StoreTest, RenameRefusals) {
  ASSERT_OK(Put("a", PutMode::kCreate, {MakeBatch("[1]", R"(["a"])")}));
  ASSERT_OK(Put("b", PutMode::kCreate, {MakeBatch("[2]", R"(["b"])")}));
  ASSERT_OK(Put("a/inner", PutMode::kCreate, {MakeBatch("[3]", R"(["c"])")}));
  EXPECT_THAT(store_->Rename(P("b"), P("a")),
              StatusIs(StatusCode::AlreadyExists, HasSubstr("a folder with content is already there")));
  EXPECT_THAT(store_->Rename(P("a"), P("c")),
              StatusIs(StatusCode::Invalid, HasSubstr("its folder also holds 'inner/'")));
  EXPECT_THAT(store_->Rename(P("b"), P("b/sub")), StatusIs(StatusCode::Invalid, HasSubstr("inside the other")));
  EXPECT_THAT(store_->Rename(P("b"), P("b")), StatusIs(StatusCode::Invalid, HasSubstr("to itself")));
  EXPECT_THAT(store_->Rename(P("nope"), P("c")), StatusIs(StatusCode::KeyError, HasSubstr("no dataset")));
  EXPECT_THAT(IdsOf("b"), ElementsAre(2));
}

// Readers racing a writer see one whole version: every row of version v carries the
// number v and there are v + 1 of them. The first version is two files, each later
// one a single file replacing all, so a reader that listed the files of two versions
// would see two numbers or a wrong count.
TEST_F(StoreTest, ConcurrentReadersSeeOneWholeVersion) {
  auto version_batch = [](int v, int rows) {
    std::string ids = "[";
    std::string names = "[";
    for (int i = 0; i < rows; ++i) {
      ids += (i ? ", " : "") + std::to_string(v);
      names += std::string(i ? ", " : "") + "\"v\"";
    }
    return MakeBatch(ids + "]", names + "]");
  };
  ASSERT_OK(Put("t", PutMode::kCreate, {version_batch(1, 1)}));
  ASSERT_OK(Put("t", PutMode::kAppend, {version_batch(1, 1)}));

  constexpr int kVersions = 30;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      int mine = 0;
      // At least one read each, however the threads are scheduled.
      while (!done.load() || mine == 0) {
        auto reader = store_->OpenDataset(P("t"));
        if (!reader.ok()) {
          ++failures;
          continue;
        }
        auto ids = ReadIds(reader->get());
        if (!ids.ok() || ids->empty()) {
          ++failures;
          continue;
        }
        const int64_t v = ids->front();
        for (int64_t id : *ids) {
          if (id != v) ++failures;
        }
        if (static_cast<int64_t>(ids->size()) != v + 1) ++failures;
        ++reads;
        ++mine;
      }
    });
  }
  for (int v = 2; v <= kVersions; ++v) {
    ASSERT_OK(Put("t", PutMode::kReplace, {version_batch(1000 + v, 1000 + v + 1)}));
  }
  done = true;
  for (auto& thread : readers) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  ASSERT_OK_AND_ASSIGN(auto info, store_->Describe(P("t")));
  EXPECT_EQ(info.files.size(), 1u);
  EXPECT_EQ(info.total_rows, 1000 + kVersions + 1);
}

}  // namespace
}  // namespace quiver::cli::store
