// The dataset store behind `quiver serve`: a folder of Arrow IPC files, read and
// written so that an acknowledged upload is never lost and a failed one leaves no trace.
//
// Layout. Every folder under the root that directly holds data files (*.arrow,
// *.feather -- the IPC file format -- or *.arrows, the IPC stream format; the
// format is told by the file's magic, not its name; or CSV text, *.csv and *.tsv,
// read as common/csv.h says, types inferred) is a dataset, named by its
// path below the root ("sales/2024"). Its rows are its files' rows, files in name
// order. Files the store writes are named "part-<8-digit sequence>-<random>.arrow",
// unique forever, so a name identifies one immutable content. Names starting with
// '.' are never data: they are the store's own files.
//
// Writing (DatasetWriter). An upload streams into ".quiver-tmp-<id>.arrow" in the
// dataset's folder; nothing lists it. Commit() then
//   1. closes the IPC file, fsyncs it, reopens it and validates every batch;
//   2. under the dataset's exclusive lock, makes the new version visible:
//      create/append: rename(temp -> part-...) and fsync the folder;
//      replace: write a journal ".quiver-replace-<id>.json" naming the temp file,
//      its final name and the files it replaces (via a temporary name and a rename,
//      so the journal appears whole or not at all), fsync the folder; rename the new
//      file in; move the old ones aside; fsync; remove the journal;
//   3. only then returns, and only then does the server acknowledge the put.
// A crash before the journal is durable leaves the old version and a temp file;
// after it, start-up finishes the replace from the journal. Open() therefore
// replays journals first, then deletes every leftover ".quiver-tmp-*".
//
// Reading. Listing a dataset's files takes its lock shared; a commit takes it
// exclusive for its renames only. A reader thus sees the old or the new file set,
// never part of each. Files stay valid while open (mmap survives unlink), and
// files replaced or dropped are kept in ROOT/.quiver/trash for `retain_replaced`
// so that tickets handed out before a replace still read the old version whole;
// the trash is emptied at start-up.
//
// Concurrency. One writer per dataset at a time: a second BeginWrite (or a drop or
// rename) of a dataset being written is refused at once with a Flight Unavailable
// error that says so; readers are never blocked for longer than a commit's renames.
//
// Untrusted input. Paths are checked by DatasetPath, and every folder or file the
// store touches is resolved (symlinks followed) and refused unless it lies inside
// the root. Files are read with the IPC reader's full validation.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/io.h"
#include "quiver/ipc/options.h"
#include "quiver/ipc/writer.h"
#include "quiver/record_batch.h"
#include "quiver/result.h"
#include "quiver/schema.h"
#include "store/dataset_path.h"
#include "store/fs.h"

namespace quiver::cli::store {

/// What an upload does to an existing dataset.
enum class PutMode {
  /// Make a new dataset; refused (AlreadyExists) if one is there.
  kCreate,
  /// Make the upload the dataset's only content, atomically; creates it if absent.
  kReplace,
  /// Add the upload as one more file; the schema must match; creates it if absent.
  kAppend,
};
/// "create", "replace" or "append".
std::string_view PutModeName(PutMode mode);
/// The inverse of PutModeName; anything else is Invalid, listing the three.
Result<PutMode> ParsePutMode(std::string_view text);

struct StoreOptions {
  /// The largest upload accepted, in bytes of the IPC file written; 0: no limit.
  int64_t max_upload_bytes = 0;
  /// How long replaced and dropped files stay readable through tickets issued before.
  std::chrono::seconds retain_replaced{300};
  /// How stored files are encoded (e.g. with LZ4 or Zstandard compression).
  ipc::IpcWriteOptions write_options = ipc::IpcWriteOptions::Defaults();
};

/// One data file of a dataset.
struct DataFile {
  std::string name;
  int64_t rows = 0;
  int64_t batches = 0;
  int64_t bytes = 0;
  /// True for the IPC file format, false for the stream format (and CSV).
  bool file_format = true;
  /// True for CSV text (*.csv, *.tsv).
  bool csv = false;
  FileStat stat;
};

/// A dataset as it is now: its schema, files and exact totals.
struct DatasetInfo {
  DatasetPath path;
  SchemaPtr schema;
  std::vector<DataFile> files;
  int64_t total_rows = 0;
  int64_t total_bytes = 0;
  /// The newest file's modification time, in nanoseconds since the epoch.
  int64_t modified_ns = 0;
};

/// What a committed upload did.
struct CommitResult {
  DatasetPath path;
  PutMode mode = PutMode::kCreate;
  /// The new file's name.
  std::string file;
  int64_t rows = 0;
  int64_t bytes = 0;
  /// The dataset after the commit.
  int64_t dataset_rows = 0;
  int64_t dataset_files = 0;
  /// Files replaced (replace mode).
  int64_t replaced_files = 0;
};

/// What Open() cleaned up.
struct RecoveryReport {
  int64_t journals_replayed = 0;
  int64_t temp_files_removed = 0;
  int64_t trash_files_removed = 0;
};

class DatasetStore;

/// One upload in progress. Destroying it without Commit() aborts it: the temporary
/// file and any folder made for it are removed, and the dataset is untouched.
class DatasetWriter {
 public:
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  /// Sets the upload's schema: for append, it must equal the dataset's (field names,
  /// types and nullability; metadata is ignored).
  Status Begin(SchemaPtr schema);
  /// Writes a batch of the Begin schema to the temporary file. Fails with Invalid
  /// (and aborts the upload) once it grows past the store's max_upload_bytes.
  Status Write(const RecordBatch& batch);
  /// Validates, syncs and publishes the upload (see the file comment). After an
  /// error the upload is aborted and the dataset untouched.
  Result<CommitResult> Commit();
  /// Drops the upload. Idempotent.
  void Abort();

  const DatasetPath& path() const { return path_; }
  PutMode mode() const { return mode_; }
  int64_t rows_written() const { return rows_; }
  int64_t bytes_written() const;

 private:
  friend class DatasetStore;
  struct Lock;
  DatasetWriter(DatasetStore* store, DatasetPath path, PutMode mode, std::string dir,
                std::string temp_name, std::vector<std::string> created_dirs,
                SchemaPtr existing_schema, std::shared_ptr<Lock> lock);
  Result<CommitResult> DoCommit();

  DatasetStore* store_;
  DatasetPath path_;
  PutMode mode_;
  std::string dir_;
  std::string temp_name_;
  std::vector<std::string> created_dirs_;
  SchemaPtr existing_schema_;
  std::shared_ptr<Lock> lock_;
  SchemaPtr schema_;
  std::shared_ptr<io::FileOutputStream> file_;
  std::unique_ptr<ipc::RecordBatchWriter> writer_;
  int64_t rows_ = 0;
  int64_t batches_ = 0;
  bool done_ = false;
  // Set once a replace's journal is durable: the temp file then belongs to the journal.
  bool journaled_ = false;
};

class DatasetStore {
 public:
  /// Opens (creating it if missing) the folder `root`: replays journals of replaces
  /// cut short by a crash, removes leftover temporary files, empties the trash.
  static Result<std::unique_ptr<DatasetStore>> Open(const std::string& root, StoreOptions options = {});
  ~DatasetStore();
  DatasetStore(const DatasetStore&) = delete;
  DatasetStore& operator=(const DatasetStore&) = delete;

  /// The root's real path.
  const std::string& root() const { return root_; }
  const StoreOptions& options() const { return options_; }
  const RecoveryReport& recovery() const { return recovery_; }

  /// Every dataset at or below `prefix`, sorted by path. A dataset that cannot be
  /// read (a corrupt file, mixed schemas) fails the listing, naming the file -- or,
  /// when `problems` is given, is left out and its error added there, so that one
  /// bad folder does not hide the others.
  Result<std::vector<DatasetInfo>> List(const DatasetPath& prefix = {},
                                        std::vector<Status>* problems = nullptr);
  /// The dataset at `path`; KeyError if there is none.
  Result<DatasetInfo> Describe(const DatasetPath& path);

  /// The batches of one file of the dataset, read from a memory map as they are
  /// asked for. A file replaced or dropped in the last retain_replaced is still
  /// found; anything else missing is KeyError.
  Result<std::shared_ptr<RecordBatchReader>> OpenFile(const DatasetPath& path, std::string_view file);
  /// The batches of every file of the dataset, in order, from one consistent file set.
  Result<std::shared_ptr<RecordBatchReader>> OpenDataset(const DatasetPath& path);

  /// Starts an upload. Refused at once if the dataset is being written (Flight
  /// Unavailable), exists in create mode (AlreadyExists), or the path is unusable.
  Result<std::unique_ptr<DatasetWriter>> BeginWrite(const DatasetPath& path, PutMode mode);

  /// Removes a dataset (its files move to the trash, then the folder goes if empty).
  Status Drop(const DatasetPath& path);
  /// Moves a dataset's folder to a new path (which must not exist as a dataset).
  /// A folder that also holds other datasets below it is refused.
  Status Rename(const DatasetPath& from, const DatasetPath& to);

  /// Deletes trash files whose retention ended before `now`. Returns how many.
  int64_t PruneTrash(std::chrono::steady_clock::time_point now);
  /// Files currently kept in the trash.
  int64_t trash_size();

 private:
  friend class DatasetWriter;
  struct LockEntry;
  struct Summary;
  struct TrashEntry {
    std::string trash_path;
    std::chrono::steady_clock::time_point expires;
  };

  DatasetStore(std::string root, StoreOptions options);
  Status Recover();
  Status RecoverDirectory(const std::string& dir, int depth);

  std::shared_ptr<LockEntry> AcquireLock(const DatasetPath& path);
  Result<bool> TryMarkWriting(const std::shared_ptr<LockEntry>& entry);

  /// root + "/" + path, refused if an existing part of it resolves outside the root.
  /// `resolved` gets the folder's real path when it exists, else "".
  Status ResolveDirectory(const DatasetPath& path, std::string* absolute, std::string* resolved);
  /// The data files of a folder (unlocked), with their summaries.
  Result<std::vector<DataFile>> ScanFiles(const std::string& dir, const DatasetPath& path);
  Result<DatasetInfo> DescribeLocked(const DatasetPath& path, const std::string& dir);
  Result<std::shared_ptr<Summary>> Summarize(const std::string& file_path, const FileStat& stat);
  Result<std::shared_ptr<RecordBatchReader>> OpenDataFile(const std::string& file_path);
  Status MoveToTrash(const DatasetPath& path, const std::string& dir, const std::string& name);
  void ForgetSummary(const std::string& file_path);
  Status ListInto(const std::string& dir, const DatasetPath& path, int depth,
                  std::vector<std::pair<uint64_t, uint64_t>>* visited,
                  std::vector<DatasetInfo>* out, std::vector<Status>* problems);

  std::string root_;
  StoreOptions options_;
  RecoveryReport recovery_;

  std::mutex locks_mutex_;
  std::map<std::string, std::weak_ptr<LockEntry>> locks_;

  std::mutex summaries_mutex_;
  std::map<std::string, std::pair<FileStat, std::shared_ptr<Summary>>> summaries_;

  std::mutex trash_mutex_;
  // Keyed by "<dataset path>\n<file name>".
  std::map<std::string, TrashEntry> trash_;
};

/// The name of the store's private folder under the root (trash).
inline constexpr std::string_view kStoreDirName = ".quiver";
/// Prefixes of the store's temporary and journal files in dataset folders.
inline constexpr std::string_view kTempPrefix = ".quiver-tmp-";
inline constexpr std::string_view kJournalPrefix = ".quiver-replace-";

/// True for names the store reads as data (by extension: .arrow, .arrows, .feather,
/// .csv, .tsv).
bool IsDataFileName(std::string_view name);

}  // namespace quiver::cli::store
