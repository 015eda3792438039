#include "store/store.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "quiver/flight/status.h"
#include "quiver/ipc/reader.h"

namespace quiver::cli::store {
namespace {

constexpr int kMaxDepth = 64;
constexpr std::string_view kFileMagic = "ARROW1";
constexpr int64_t kMaxJournalBytes = 1 << 20;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Reads the batches of an IPC file one at a time, as they are asked for (the file
// reader's ToReader() would read them all up front).
class LazyFileReader final : public RecordBatchReader {
 public:
  explicit LazyFileReader(std::shared_ptr<ipc::RecordBatchFileReader> reader)
      : reader_(std::move(reader)) {}
  SchemaPtr schema() const override { return reader_->schema(); }
  Status ReadNext(RecordBatchPtr* batch) override {
    if (reader_ == nullptr || next_ >= reader_->num_record_batches()) {
      batch->reset();
      return Status::OK();
    }
    QUIVER_ASSIGN_OR_RAISE(*batch, reader_->ReadRecordBatch(next_));
    ++next_;
    return Status::OK();
  }
  Status Close() override {
    next_ = reader_ == nullptr ? 0 : reader_->num_record_batches();
    return Status::OK();
  }

 private:
  std::shared_ptr<ipc::RecordBatchFileReader> reader_;
  int next_ = 0;
};

// The batches of several readers of one schema, one after the other.
class ChainReader final : public RecordBatchReader {
 public:
  ChainReader(SchemaPtr schema, std::vector<std::shared_ptr<RecordBatchReader>> readers)
      : schema_(std::move(schema)), readers_(std::move(readers)) {}
  SchemaPtr schema() const override { return schema_; }
  Status ReadNext(RecordBatchPtr* batch) override {
    while (current_ < readers_.size()) {
      QUIVER_RETURN_NOT_OK(readers_[current_]->ReadNext(batch));
      if (*batch != nullptr) return Status::OK();
      readers_[current_].reset();
      ++current_;
    }
    batch->reset();
    return Status::OK();
  }
  Status Close() override {
    readers_.clear();
    current_ = 0;
    return Status::OK();
  }

 private:
  SchemaPtr schema_;
  std::vector<std::shared_ptr<RecordBatchReader>> readers_;
  size_t current_ = 0;
};

Status DatasetBusy(const DatasetPath& path) {
  return flight::MakeFlightError(
      flight::FlightStatusCode::Unavailable,
      "dataset '" + path.ToString() +
          "' is being written by another upload; try again once that upload has finished");
}

Status NoSuchDataset(const DatasetPath& path) {
  return Status::KeyError("no dataset at '", path.ToString(), "'");
}

// A field name for an error message: control characters (a name is whatever the
// uploader sent) shown as \xNN, so the message stays one readable line.
std::string NameText(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02X", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

// "(a: int64, b: string not null)": one line, for error messages.
std::string SchemaText(const Schema& schema) {
  std::string text = "(";
  for (int i = 0; i < schema.num_fields(); ++i) {
    const auto& field = schema.field(i);
    if (i > 0) text += ", ";
    text += NameText(field->name()) + ": " + field->type()->ToString() + (field->nullable() ? "" : " not null");
  }
  return text + ")";
}

uint64_t ParseSequence(std::string_view name) {
  // "part-00000042-..." -> 42; anything else -> 0.
  if (!StartsWith(name, "part-")) return 0;
  uint64_t value = 0;
  size_t i = 5;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9' && i < 5 + 18; ++i) {
    value = value * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return i > 5 ? value : 0;
}

}  // namespace

std::string_view PutModeName(PutMode mode) {
  switch (mode) {
    case PutMode::kCreate:
      return "create";
    case PutMode::kReplace:
      return "replace";
    case PutMode::kAppend:
      return "append";
  }
  return "?";
}

Result<PutMode> ParsePutMode(std::string_view text) {
  if (text == "create") return PutMode::kCreate;
  if (text == "replace") return PutMode::kReplace;
  if (text == "append") return PutMode::kAppend;
  return Status::Invalid("unknown put mode '", text, "': expected create, replace or append");
}

bool IsDataFileName(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  return EndsWith(name, ".arrow") || EndsWith(name, ".arrows") || EndsWith(name, ".feather") ||
         IsCsvFileName(name);
}

// ---------------------------------------------------------------------------
// Locks.

struct DatasetStore::LockEntry {
  // Guarded by the store's locks_mutex_: set while a writer, drop or rename owns the dataset.
  bool writing = false;
  // Shared while a reader lists or opens files; exclusive while a commit renames.
  std::shared_mutex state;
};

// A writer's claim on its dataset, released when the writer goes.
struct DatasetWriter::Lock {
  DatasetStore* store;
  std::shared_ptr<DatasetStore::LockEntry> entry;
  ~Lock() {
    std::lock_guard<std::mutex> guard(store->locks_mutex_);
    entry->writing = false;
  }
};

std::shared_ptr<DatasetStore::LockEntry> DatasetStore::AcquireLock(const DatasetPath& path) {
  std::lock_guard<std::mutex> guard(locks_mutex_);
  const std::string key = path.ToString();
  auto it = locks_.find(key);
  if (it != locks_.end()) {
    if (auto entry = it->second.lock()) return entry;
  }
  // Forget entries nobody holds any more, so the table does not grow with every
  // path a client ever asked about.
  if (locks_.size() >= 64) {
    for (auto e = locks_.begin(); e != locks_.end();) {
      e = e->second.expired() ? locks_.erase(e) : std::next(e);
    }
  }
  auto entry = std::make_shared<LockEntry>();
  locks_[key] = entry;
  return entry;
}

Result<bool> DatasetStore::TryMarkWriting(const std::shared_ptr<LockEntry>& entry) {
  std::lock_guard<std::mutex> guard(locks_mutex_);
  if (entry->writing) return false;
  entry->writing = true;
  return true;
}

// ---------------------------------------------------------------------------
// Summaries: schema and row counts of a file, cached by identity.

struct DatasetStore::Summary {
  SchemaPtr schema;
  int64_t rows = 0;
  int64_t batches = 0;
  bool file_format = true;
  bool csv = false;
};

Result<std::shared_ptr<RecordBatchReader>> DatasetStore::OpenDataFile(const std::string& file_path) {
  if (IsCsvFileName(file_path)) {
    // The types come from the summary (one pass over the file, cached); the reader
    // then converts batch by batch.
    QUIVER_ASSIGN_OR_RAISE(FileStat stat, StatFile(file_path));
    QUIVER_ASSIGN_OR_RAISE(auto summary, Summarize(file_path, stat));
    CsvReadOptions options;
    options.delimiter = CsvDelimiterFor(file_path);
    options.source = file_path;
    options.schema = summary->schema;
    options.scan = false;
    QUIVER_ASSIGN_OR_RAISE(auto csv, CsvFile::OpenPath(file_path, std::move(options)));
    return csv->MakeReader();
  }
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<io::BufferReader> input, io::MemoryMappedFile::Open(file_path));
  QUIVER_ASSIGN_OR_RAISE(int64_t size, input->GetSize());
  QUIVER_ASSIGN_OR_RAISE(auto head, input->ReadAt(0, std::min<int64_t>(size, 6)));
  const std::string context = "while reading '" + file_path + "'";
  if (head->size() == 6 && std::string_view(reinterpret_cast<const char*>(head->data()), 6) == kFileMagic) {
    auto file_reader = ipc::RecordBatchFileReader::Open(input);
    if (!file_reader.ok()) return file_reader.status().WithContext(context);
    return std::shared_ptr<RecordBatchReader>(std::make_shared<LazyFileReader>(*file_reader));
  }
  auto stream_reader = ipc::RecordBatchStreamReader::Open(input);
  if (!stream_reader.ok()) return stream_reader.status().WithContext(context);
  return std::shared_ptr<RecordBatchReader>(*stream_reader);
}

Result<std::shared_ptr<DatasetStore::Summary>> DatasetStore::Summarize(const std::string& file_path,
                                                                      const FileStat& stat) {
  {
    std::lock_guard<std::mutex> guard(summaries_mutex_);
    auto it = summaries_.find(file_path);
    if (it != summaries_.end() && it->second.first == stat) return it->second.second;
  }
  // Counting rows needs each batch's header; the per-value checks are skipped
  // here (the structural bounds checks are not), and run when the data is served.
  ipc::IpcReadOptions options;
  options.validate = false;
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<io::BufferReader> input, io::MemoryMappedFile::Open(file_path));
  QUIVER_ASSIGN_OR_RAISE(int64_t size, input->GetSize());
  QUIVER_ASSIGN_OR_RAISE(auto head, input->ReadAt(0, std::min<int64_t>(size, 6)));
  auto summary = std::make_shared<Summary>();
  const std::string context = "while reading '" + file_path + "'";
  if (IsCsvFileName(file_path)) {
    CsvReadOptions csv_options;
    csv_options.delimiter = CsvDelimiterFor(file_path);
    csv_options.source = file_path;
    QUIVER_ASSIGN_OR_RAISE(auto text, input->ReadAt(0, size));
    QUIVER_ASSIGN_OR_RAISE(auto csv, CsvFile::Open(std::move(text), std::move(csv_options)));
    summary->schema = csv->schema();
    summary->rows = csv->num_rows();
    summary->batches = csv->num_batches();
    summary->file_format = false;
    summary->csv = true;
  } else if (head->size() == 6 && std::string_view(reinterpret_cast<const char*>(head->data()), 6) == kFileMagic) {
    auto opened = ipc::RecordBatchFileReader::Open(input, options);
    if (!opened.ok()) return opened.status().WithContext(context);
    std::shared_ptr<ipc::RecordBatchFileReader> reader = *opened;
    summary->schema = reader->schema();
    summary->file_format = true;
    for (int i = 0; i < reader->num_record_batches(); ++i) {
      auto batch = reader->ReadRecordBatch(i);
      if (!batch.ok()) return batch.status().WithContext(context);
      summary->rows += (*batch)->num_rows();
      ++summary->batches;
    }
  } else {
    auto opened = ipc::RecordBatchStreamReader::Open(input, options);
    if (!opened.ok()) return opened.status().WithContext(context);
    std::shared_ptr<ipc::RecordBatchStreamReader> reader = *opened;
    summary->schema = reader->schema();
    summary->file_format = false;
    while (true) {
      RecordBatchPtr batch;
      Status st = reader->ReadNext(&batch);
      if (!st.ok()) return st.WithContext(context);
      if (batch == nullptr) break;
      summary->rows += batch->num_rows();
      ++summary->batches;
    }
  }
  std::lock_guard<std::mutex> guard(summaries_mutex_);
  // Files removed behind the store's back leave entries; start over past a bound.
  if (summaries_.size() >= 100000) summaries_.clear();
  summaries_[file_path] = {stat, summary};
  return summary;
}

void DatasetStore::ForgetSummary(const std::string& file_path) {
  std::lock_guard<std::mutex> guard(summaries_mutex_);
  summaries_.erase(file_path);
}

// ---------------------------------------------------------------------------
// Opening and recovery.

DatasetStore::DatasetStore(std::string root, StoreOptions options)
    : root_(std::move(root)), options_(std::move(options)) {}

DatasetStore::~DatasetStore() = default;

Result<std::unique_ptr<DatasetStore>> DatasetStore::Open(const std::string& root, StoreOptions options) {
  if (root.empty()) return Status::Invalid("the store's root folder must be named");
  QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(root));
  if (kind == FileKind::kMissing) {
    // Create the root and any missing parents ("mkdir -p").
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= root.size()) {
      size_t end = root.find('/', start);
      if (end == std::string::npos) end = root.size();
      if (end > start) parts.emplace_back(root.substr(start, end - start));
      start = end + 1;
    }
    QUIVER_RETURN_NOT_OK(MakeDirectoriesDurably(root.front() == '/' ? "" : ".", parts, nullptr));
  }
  QUIVER_ASSIGN_OR_RAISE(std::string real_root, RealPath(root));
  QUIVER_ASSIGN_OR_RAISE(FileKind real_kind, GetFileKind(real_root));
  if (real_kind != FileKind::kDirectory) {
    return Status::Invalid("the store's root '", root, "' is not a folder");
  }
  std::unique_ptr<DatasetStore> store(new DatasetStore(real_root, std::move(options)));
  QUIVER_RETURN_NOT_OK(store->Recover());
  return store;
}

Status DatasetStore::Recover() {
  // The trash only serves tickets of this process's lifetime.
  const std::string private_dir = root_ + "/" + std::string(kStoreDirName);
  const std::string trash_dir = private_dir + "/trash";
  QUIVER_RETURN_NOT_OK(MakeDirectoriesDurably(root_, {std::string(kStoreDirName), "trash"}, nullptr));
  QUIVER_ASSIGN_OR_RAISE(auto trash, ListDirectory(trash_dir));
  for (const std::string& name : trash) {
    QUIVER_RETURN_NOT_OK(RemoveFileDurably(trash_dir + "/" + name));
    ++recovery_.trash_files_removed;
  }
  return RecoverDirectory(root_, 0);
}

Status DatasetStore::RecoverDirectory(const std::string& dir, int depth) {
  if (depth > kMaxDepth) return Status::OK();
  QUIVER_ASSIGN_OR_RAISE(auto names, ListDirectory(dir));
  // Journals first: a journal names a temp file that must not be deleted before the
  // replace it belongs to is finished.
  for (const std::string& name : names) {
    if (!StartsWith(name, kJournalPrefix) || !EndsWith(name, ".json")) continue;
    const std::string journal_path = dir + "/" + name;
    QUIVER_ASSIGN_OR_RAISE(std::string text, ReadSmallFile(journal_path, kMaxJournalBytes));
    nlohmann::json journal = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    const bool well_formed = journal.is_object() && journal.contains("temp") &&
                             journal["temp"].is_string() && journal.contains("file") &&
                             journal["file"].is_string() && journal.contains("remove") &&
                             journal["remove"].is_array();
    if (well_formed) {
      const std::string temp = journal["temp"].get<std::string>();
      const std::string file = journal["file"].get<std::string>();
      // Names come from our own journal, but a damaged one must not reach outside the folder.
      Status names_ok = CheckPathComponent(file, file);
      if (!StartsWith(temp, kTempPrefix) || temp.find('/') != std::string::npos || !names_ok.ok()) {
        return Status::IOError("journal '", journal_path, "' names files outside its folder");
      }
      QUIVER_ASSIGN_OR_RAISE(FileKind temp_kind, GetFileKind(dir + "/" + temp));
      if (temp_kind == FileKind::kRegular) {
        if (::rename((dir + "/" + temp).c_str(), (dir + "/" + file).c_str()) != 0) {
          return ErrnoError("cannot finish the replace journalled in", journal_path);
        }
      }
      // The old files go only once the new one is in place. Neither the temp file nor
      // the new file: the replace failed before its rename (its upload was aborted and
      // the journal could not be removed), so the old version is the current one.
      QUIVER_ASSIGN_OR_RAISE(FileKind file_kind, GetFileKind(dir + "/" + file));
      const bool replaced = file_kind == FileKind::kRegular;
      for (const auto& old : replaced ? journal["remove"] : nlohmann::json::array()) {
        if (!old.is_string()) continue;
        const std::string old_name = old.get<std::string>();
        if (old_name == file || !CheckPathComponent(old_name, old_name).ok()) continue;
        if (::unlink((dir + "/" + old_name).c_str()) != 0 && errno != ENOENT) {
          return ErrnoError("cannot finish the replace journalled in", journal_path);
        }
      }
      QUIVER_RETURN_NOT_OK(SyncDirectory(dir));
    }
    // A journal that does not parse was never completed (it appears by rename, whole),
    // so its replace was never acknowledged: dropping it keeps the old version.
    QUIVER_RETURN_NOT_OK(RemoveFileDurably(journal_path));
    ++recovery_.journals_replayed;
  }
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    if (StartsWith(name, kTempPrefix)) {
      QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(path));
      if (kind == FileKind::kMissing) continue;  // renamed in by a journal above
      if (kind != FileKind::kRegular) continue;
      QUIVER_RETURN_NOT_OK(RemoveFileDurably(path));
      ++recovery_.temp_files_removed;
      continue;
    }
    if (name.front() == '.') continue;
    QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(path));
    // Symlinked folders are not entered: the store never writes through them during
    // recovery, and they may point anywhere.
    if (kind == FileKind::kDirectory) QUIVER_RETURN_NOT_OK(RecoverDirectory(path, depth + 1));
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Resolution and scanning.

Status DatasetStore::ResolveDirectory(const DatasetPath& path, std::string* absolute,
                                      std::string* resolved) {
  *absolute = root_;
  resolved->clear();
  std::string current = root_;
  for (const std::string& component : path.components()) {
    current += "/" + component;
    QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(current));
    if (kind == FileKind::kMissing) {
      *absolute = root_ + "/" + path.ToString();
      return Status::OK();
    }
    auto resolved_current = RealPath(current);
    if (!resolved_current.ok()) {
      // Removed since it was looked at (the folder of an aborted upload): missing.
      QUIVER_ASSIGN_OR_RAISE(FileKind now, GetFileKind(current));
      if (now == FileKind::kMissing) {
        *absolute = root_ + "/" + path.ToString();
        return Status::OK();
      }
      return resolved_current.status();
    }
    const std::string real = *resolved_current;
    if (!IsWithin(root_, real)) {
      return Status::Invalid("dataset path '", path.ToString(),
                             "' leaves the served root through a symlink ('", current, "' -> '",
                             real, "')");
    }
    QUIVER_ASSIGN_OR_RAISE(FileKind real_kind, GetFileKind(real));
    if (real_kind == FileKind::kMissing) {
      *absolute = root_ + "/" + path.ToString();
      return Status::OK();
    }
    if (real_kind != FileKind::kDirectory) {
      if (&component == &path.components().back() && real_kind == FileKind::kRegular) {
        return Status::Invalid("'", path.ToString(),
                               "' is a file, not a dataset folder; name the folder holding it");
      }
      return Status::Invalid("'", path.ToString(), "' is not a folder: '", current,
                             "' is in the way");
    }
  }
  *absolute = root_ + (path.empty() ? "" : "/" + path.ToString());
  auto real = RealPath(*absolute);
  if (!real.ok()) {
    QUIVER_ASSIGN_OR_RAISE(FileKind now, GetFileKind(*absolute));
    if (now == FileKind::kMissing) return Status::OK();
    return real.status();
  }
  *resolved = *real;
  return Status::OK();
}

Result<std::vector<DataFile>> DatasetStore::ScanFiles(const std::string& dir, const DatasetPath& path) {
  QUIVER_ASSIGN_OR_RAISE(auto names, ListDirectory(dir));
  std::vector<DataFile> files;
  for (const std::string& name : names) {
    if (!IsDataFileName(name)) continue;
    const std::string file_path = dir + "/" + name;
    QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(file_path));
    if (kind == FileKind::kSymlink) {
      auto real = RealPath(file_path);
      if (!real.ok()) continue;  // a dangling link is not data
      if (!IsWithin(root_, *real)) {
        return Status::Invalid("dataset '", path.ToString(), "': file '", name,
                               "' is a symlink leaving the served root");
      }
      QUIVER_ASSIGN_OR_RAISE(kind, GetFileKind(*real));
    }
    if (kind != FileKind::kRegular) continue;
    DataFile file;
    file.name = name;
    QUIVER_ASSIGN_OR_RAISE(file.stat, StatFile(file_path));
    auto summary = Summarize(file_path, file.stat);
    if (!summary.ok()) {
      return summary.status().WithContext("dataset '" + path.ToString() + "'");
    }
    file.rows = (*summary)->rows;
    file.batches = (*summary)->batches;
    file.bytes = file.stat.size;
    file.file_format = (*summary)->file_format;
    file.csv = (*summary)->csv;
    files.push_back(std::move(file));
  }
  return files;
}

Result<DatasetInfo> DatasetStore::DescribeLocked(const DatasetPath& path, const std::string& dir) {
  QUIVER_ASSIGN_OR_RAISE(auto files, ScanFiles(dir, path));
  if (files.empty()) return NoSuchDataset(path);
  DatasetInfo info;
  info.path = path;
  std::string first_file;
  for (const DataFile& file : files) {
    QUIVER_ASSIGN_OR_RAISE(auto summary, Summarize(dir + "/" + file.name, file.stat));
    if (info.schema == nullptr) {
      info.schema = summary->schema;
      first_file = file.name;
    } else if (!info.schema->Equals(*summary->schema)) {
      return Status::Invalid("dataset '", path.ToString(), "' mixes schemas: '", first_file,
                             "' has ", SchemaText(*info.schema), " but '", file.name, "' has ",
                             SchemaText(*summary->schema));
    }
    info.total_rows += file.rows;
    info.total_bytes += file.bytes;
    info.modified_ns = std::max(info.modified_ns, file.stat.mtime_ns);
  }
  info.files = std::move(files);
  return info;
}

namespace {

// True when `dir` is gone: a folder removed while it was being read (the folders an
// aborted upload made, a dropped dataset's) makes "no such dataset", not an I/O error.
bool Vanished(const std::string& dir) {
  auto kind = GetFileKind(dir);
  return kind.ok() && *kind == FileKind::kMissing;
}

}  // namespace

Result<DatasetInfo> DatasetStore::Describe(const DatasetPath& path) {
  if (path.empty()) return Status::Invalid("a dataset path is required, e.g. 'sales/2024'");
  std::string absolute, resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(path, &absolute, &resolved));
  if (resolved.empty()) return NoSuchDataset(path);
  auto lock = AcquireLock(path);
  std::shared_lock<std::shared_mutex> reading(lock->state);
  auto info = DescribeLocked(path, resolved);
  if (!info.ok() && Vanished(resolved)) return NoSuchDataset(path);
  return info;
}

Status DatasetStore::ListInto(const std::string& dir, const DatasetPath& path, int depth,
                              std::vector<std::pair<uint64_t, uint64_t>>* visited,
                              std::vector<DatasetInfo>* out, std::vector<Status>* problems) {
  if (depth > kMaxDepth) return Status::OK();
  QUIVER_ASSIGN_OR_RAISE(FileStat dir_stat, StatFile(dir));
  const std::pair<uint64_t, uint64_t> id{dir_stat.device, dir_stat.inode};
  // `visited` holds the folders on the way down from the prefix: meeting one again
  // means a symlink loop. (A folder reached by two routes is listed under both names.)
  if (std::find(visited->begin(), visited->end(), id) != visited->end()) return Status::OK();
  visited->push_back(id);
  struct PopOnExit {
    std::vector<std::pair<uint64_t, uint64_t>>* stack;
    ~PopOnExit() { stack->pop_back(); }
  } pop{visited};

  if (!path.empty()) {
    auto lock = AcquireLock(path);
    std::shared_lock<std::shared_mutex> reading(lock->state);
    auto info = DescribeLocked(path, dir);
    if (info.ok()) {
      out->push_back(std::move(*info));
    } else if (!info.status().IsKeyError()) {
      if (problems == nullptr) return info.status();
      problems->push_back(info.status());
    }
  }
  QUIVER_ASSIGN_OR_RAISE(auto names, ListDirectory(dir));
  for (const std::string& name : names) {
    if (name.front() == '.' || !CheckPathComponent(name, name).ok()) continue;
    const std::string child = dir + "/" + name;
    QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(child));
    std::string child_dir = child;
    if (kind == FileKind::kSymlink) {
      auto real = RealPath(child);
      if (!real.ok() || !IsWithin(root_, *real)) continue;  // links out are never listed
      QUIVER_ASSIGN_OR_RAISE(kind, GetFileKind(*real));
      child_dir = *real;
    }
    if (kind != FileKind::kDirectory) continue;
    std::vector<std::string> components = path.components();
    components.push_back(name);
    QUIVER_ASSIGN_OR_RAISE(DatasetPath child_path, DatasetPath::FromComponents(components));
    Status listed = ListInto(child_dir, child_path, depth + 1, visited, out, problems);
    if (!listed.ok()) {
      // A folder removed while the listing ran (an aborted upload's, a dropped
      // dataset's) is simply no longer there, not an error of the listing.
      auto now = GetFileKind(child);
      if (now.ok() && *now == FileKind::kMissing) continue;
      return listed;
    }
  }
  return Status::OK();
}

Result<std::vector<DatasetInfo>> DatasetStore::List(const DatasetPath& prefix,
                                                    std::vector<Status>* problems) {
  std::string absolute, resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(prefix, &absolute, &resolved));
  std::vector<DatasetInfo> out;
  if (resolved.empty()) return out;
  std::vector<std::pair<uint64_t, uint64_t>> visited;
  QUIVER_RETURN_NOT_OK(ListInto(resolved, prefix, 0, &visited, &out, problems));
  std::sort(out.begin(), out.end(),
            [](const DatasetInfo& a, const DatasetInfo& b) { return a.path < b.path; });
  return out;
}

// ---------------------------------------------------------------------------
// Reading.

Result<std::shared_ptr<RecordBatchReader>> DatasetStore::OpenFile(const DatasetPath& path,
                                                                  std::string_view file) {
  if (path.empty()) return Status::Invalid("a dataset path is required, e.g. 'sales/2024'");
  if (file.find('/') != std::string_view::npos) {
    return Status::Invalid("file name '", file, "' may not contain '/'");
  }
  QUIVER_RETURN_NOT_OK(CheckPathComponent(file, file));
  if (!IsDataFileName(file)) {
    return Status::Invalid("'", file, "' is not a data file name (expected *.arrow, *.arrows, *.feather, *.csv or *.tsv)");
  }
  std::string absolute, resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(path, &absolute, &resolved));
  auto lock = AcquireLock(path);
  {
    std::shared_lock<std::shared_mutex> reading(lock->state);
    if (!resolved.empty()) {
      const std::string file_path = resolved + "/" + std::string(file);
      QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(file_path));
      if (kind == FileKind::kSymlink) {
        QUIVER_ASSIGN_OR_RAISE(std::string real, RealPath(file_path));
        if (!IsWithin(root_, real)) {
          return Status::Invalid("dataset '", path.ToString(), "': file '", file,
                                 "' is a symlink leaving the served root");
        }
        QUIVER_ASSIGN_OR_RAISE(kind, GetFileKind(real));
      }
      if (kind == FileKind::kRegular) return OpenDataFile(file_path);
    }
  }
  {
    std::lock_guard<std::mutex> guard(trash_mutex_);
    auto it = trash_.find(path.ToString() + "\n" + std::string(file));
    if (it != trash_.end()) return OpenDataFile(it->second.trash_path);
  }
  return Status::KeyError("dataset '", path.ToString(), "' has no file '", file,
                          "' (it may have been replaced or dropped since the ticket was issued; "
                          "ask for the flight info again)");
}

Result<std::shared_ptr<RecordBatchReader>> DatasetStore::OpenDataset(const DatasetPath& path) {
  if (path.empty()) return Status::Invalid("a dataset path is required, e.g. 'sales/2024'");
  std::string absolute, resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(path, &absolute, &resolved));
  if (resolved.empty()) return NoSuchDataset(path);
  auto lock = AcquireLock(path);
  // Every file is opened (mapped) under one shared lock: the set is consistent, and
  // stays readable even if a replace commits while the batches are being sent.
  std::shared_lock<std::shared_mutex> reading(lock->state);
  auto described = DescribeLocked(path, resolved);
  if (!described.ok() && Vanished(resolved)) return NoSuchDataset(path);
  QUIVER_ASSIGN_OR_RAISE(DatasetInfo info, std::move(described));
  std::vector<std::shared_ptr<RecordBatchReader>> readers;
  for (const DataFile& file : info.files) {
    QUIVER_ASSIGN_OR_RAISE(auto reader, OpenDataFile(resolved + "/" + file.name));
    readers.push_back(std::move(reader));
  }
  return std::shared_ptr<RecordBatchReader>(
      std::make_shared<ChainReader>(info.schema, std::move(readers)));
}

// ---------------------------------------------------------------------------
// The trash.

Status DatasetStore::MoveToTrash(const DatasetPath& path, const std::string& dir,
                                 const std::string& name) {
  const std::string from = dir + "/" + name;
  QUIVER_ASSIGN_OR_RAISE(std::string id, RandomHex(12));
  // Named by the id alone: "<id>-<name>" could pass NAME_MAX for a long name. CSV
  // files keep their extension, which says how to read them.
  const std::string extension = IsCsvFileName(name) ? name.substr(name.size() - 4) : ".arrow";
  const std::string trash_path = root_ + "/" + std::string(kStoreDirName) + "/trash/" + id + extension;
  ForgetSummary(from);
  if (::rename(from.c_str(), trash_path.c_str()) != 0) {
    if (errno != EXDEV) {
      return Status::IOError("cannot move '", from, "' to the trash: ", std::strerror(errno));
    }
    // Another file system (a mounted dataset folder): no grace period for this file.
    if (::unlink(from.c_str()) != 0) return ErrnoError("cannot remove", from);
    return Status::OK();
  }
  std::lock_guard<std::mutex> guard(trash_mutex_);
  trash_[path.ToString() + "\n" + name] =
      TrashEntry{trash_path, std::chrono::steady_clock::now() + options_.retain_replaced};
  return Status::OK();
}

int64_t DatasetStore::PruneTrash(std::chrono::steady_clock::time_point now) {
  std::vector<std::string> expired;
  {
    std::lock_guard<std::mutex> guard(trash_mutex_);
    for (auto it = trash_.begin(); it != trash_.end();) {
      if (it->second.expires <= now) {
        expired.push_back(it->second.trash_path);
        it = trash_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Readers that already mapped a file keep reading it after the unlink.
  for (const std::string& path : expired) (void)::unlink(path.c_str());
  return static_cast<int64_t>(expired.size());
}

int64_t DatasetStore::trash_size() {
  std::lock_guard<std::mutex> guard(trash_mutex_);
  return static_cast<int64_t>(trash_.size());
}

// ---------------------------------------------------------------------------
// Writing.

Result<std::unique_ptr<DatasetWriter>> DatasetStore::BeginWrite(const DatasetPath& path, PutMode mode) {
  if (path.empty()) return Status::Invalid("a dataset path is required to upload, e.g. 'sales/2024'");
  std::string absolute, resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(path, &absolute, &resolved));
  auto entry = AcquireLock(path);
  QUIVER_ASSIGN_OR_RAISE(bool claimed, TryMarkWriting(entry));
  if (!claimed) return DatasetBusy(path);
  // Built in place: a copy of the claim would release it when the copy goes.
  std::shared_ptr<DatasetWriter::Lock> lock(new DatasetWriter::Lock{this, entry});

  SchemaPtr existing_schema;
  if (!resolved.empty()) {
    std::shared_lock<std::shared_mutex> reading(entry->state);
    auto info = DescribeLocked(path, resolved);
    if (info.ok()) {
      if (mode == PutMode::kCreate) {
        return Status::AlreadyExists("dataset '", path.ToString(), "' already exists (",
                                     info->total_rows, " rows in ", info->files.size(),
                                     " files); upload with mode replace or append");
      }
      existing_schema = info->schema;
    } else if (!info.status().IsKeyError()) {
      return info.status();
    }
  }
  std::vector<std::string> created;
  Status made = MakeDirectoriesDurably(root_, path.components(), &created);
  if (!made.ok()) {
    for (auto it = created.rbegin(); it != created.rend(); ++it) RemoveDirectoryIfEmpty(*it);
    return made;
  }
  std::string dir = resolved;
  if (dir.empty()) {
    auto real = RealPath(absolute);
    if (!real.ok() || !IsWithin(root_, *real)) {
      for (auto it = created.rbegin(); it != created.rend(); ++it) RemoveDirectoryIfEmpty(*it);
      return real.ok() ? Status::Invalid("dataset path '", path.ToString(), "' leaves the served root")
                       : real.status();
    }
    dir = *real;
  }
  QUIVER_ASSIGN_OR_RAISE(std::string id, RandomHex(12));
  std::string temp_name = std::string(kTempPrefix) + id + ".arrow";
  return std::unique_ptr<DatasetWriter>(new DatasetWriter(this, path, mode, std::move(dir),
                                                          std::move(temp_name), std::move(created),
                                                          std::move(existing_schema), std::move(lock)));
}

DatasetWriter::DatasetWriter(DatasetStore* store, DatasetPath path, PutMode mode, std::string dir,
                             std::string temp_name, std::vector<std::string> created_dirs,
                             SchemaPtr existing_schema, std::shared_ptr<Lock> lock)
    : store_(store),
      path_(std::move(path)),
      mode_(mode),
      dir_(std::move(dir)),
      temp_name_(std::move(temp_name)),
      created_dirs_(std::move(created_dirs)),
      existing_schema_(std::move(existing_schema)),
      lock_(std::move(lock)) {}

DatasetWriter::~DatasetWriter() { Abort(); }

int64_t DatasetWriter::bytes_written() const {
  if (file_ == nullptr) return 0;
  auto position = file_->Tell();
  return position.ok() ? *position : 0;
}

Status DatasetWriter::Begin(SchemaPtr schema) {
  if (done_) return Status::Invalid("this upload has already ended");
  if (schema_ != nullptr) return Status::Invalid("the upload's schema was already given");
  if (schema == nullptr) return Status::Invalid("an upload needs a schema");
  if (mode_ == PutMode::kAppend && existing_schema_ != nullptr &&
      !schema->Equals(*existing_schema_)) {
    return Status::Invalid("schema mismatch: cannot append to dataset '", path_.ToString(),
                           "', whose schema is ", SchemaText(*existing_schema_),
                           ", an upload of schema ", SchemaText(*schema),
                           "; upload with mode replace to change the schema");
  }
  auto begun = [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(file_, io::FileOutputStream::Open(dir_ + "/" + temp_name_));
    QUIVER_ASSIGN_OR_RAISE(writer_, ipc::MakeFileWriter(file_, schema, store_->options().write_options));
    return Status::OK();
  }();
  if (!begun.ok()) {
    Abort();
    if (begun.IsIOError()) return begun.WithContext("upload to '" + path_.ToString() + "' failed");
    return begun;
  }
  schema_ = std::move(schema);
  return Status::OK();
}

Status DatasetWriter::Write(const RecordBatch& batch) {
  if (done_) return Status::Invalid("this upload has already ended");
  if (writer_ == nullptr) return Status::Invalid("the upload's schema must come before its batches");
  if (!batch.schema()->Equals(*schema_)) {
    return Status::Invalid("a batch of schema ", SchemaText(*batch.schema()),
                           " does not match the upload's schema ", SchemaText(*schema_));
  }
  Status written = writer_->WriteRecordBatch(batch);
  if (!written.ok()) {
    Abort();
    // A disk error (ENOSPC, EIO) names the temporary file; say which upload it ended.
    if (written.IsIOError()) return written.WithContext("upload to '" + path_.ToString() + "' failed");
    return written;
  }
  rows_ += batch.num_rows();
  ++batches_;
  const int64_t limit = store_->options().max_upload_bytes;
  if (limit > 0 && bytes_written() > limit) {
    const int64_t written = bytes_written();
    Abort();
    // Invalid (gRPC INVALID_ARGUMENT), as gRPC's own refusal of an oversize message
    // (RESOURCE_EXHAUSTED) reaches Flight clients: pyarrow raises ArrowInvalid for
    // both, the class of its own FlightWriteSizeExceededError. Not Unavailable:
    // sending the same upload again cannot succeed.
    return Status::Invalid("upload to '", path_.ToString(), "' exceeds the server's quota of ", limit,
                           " bytes (", written,
                           " bytes so far); the upload was discarded: send less, or raise the "
                           "server's --max-upload-bytes");
  }
  return Status::OK();
}

void DatasetWriter::Abort() {
  if (done_) return;
  done_ = true;
  writer_.reset();
  if (file_ != nullptr) {
    (void)file_->Close();
    file_.reset();
  }
  if (journaled_) {
    // A replace whose journal is durable is decided: its file stays for the journal.
    lock_.reset();
    return;
  }
  // No fsync: a temp file that survives a crash is removed at the next start.
  (void)::unlink((dir_ + "/" + temp_name_).c_str());
  for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) RemoveDirectoryIfEmpty(*it);
  lock_.reset();
}

Result<CommitResult> DatasetWriter::Commit() {
  if (done_) return Status::Invalid("this upload has already ended");
  auto result = DoCommit();
  if (!result.ok()) {
    Abort();
    return result.status().WithContext("upload to '" + path_.ToString() + "' failed");
  }
  done_ = true;
  lock_.reset();
  return result;
}

Result<CommitResult> DatasetWriter::DoCommit() {
  if (writer_ == nullptr) return Status::Invalid("the upload carried no schema");
  QUIVER_RETURN_NOT_OK(writer_->Close());
  QUIVER_RETURN_NOT_OK(file_->Sync());
  QUIVER_RETURN_NOT_OK(file_->Close());
  writer_.reset();
  file_.reset();

  // Read back what is on disk, every batch fully validated, before it becomes visible.
  const std::string temp_path = dir_ + "/" + temp_name_;
  {
    QUIVER_ASSIGN_OR_RAISE(auto input, io::MemoryMappedFile::Open(temp_path));
    QUIVER_ASSIGN_OR_RAISE(auto reader, ipc::RecordBatchFileReader::Open(input));
    if (!reader->schema()->Equals(*schema_)) {
      return Status::IOError("the file written does not read back with the upload's schema");
    }
    if (reader->num_record_batches() != batches_) {
      return Status::IOError("the file written holds ", reader->num_record_batches(),
                             " batches but ", batches_, " were written");
    }
    int64_t rows = 0;
    for (int i = 0; i < reader->num_record_batches(); ++i) {
      QUIVER_ASSIGN_OR_RAISE(auto batch, reader->ReadRecordBatch(i));
      rows += batch->num_rows();
    }
    if (rows != rows_) {
      return Status::IOError("the file written holds ", rows, " rows but ", rows_, " were written");
    }
  }
  QUIVER_ASSIGN_OR_RAISE(FileStat temp_stat, StatFile(temp_path));

  CommitResult result;
  result.path = path_;
  result.mode = mode_;
  result.rows = rows_;
  result.bytes = temp_stat.size;

  std::unique_lock<std::shared_mutex> committing(lock_->entry->state);
  QUIVER_ASSIGN_OR_RAISE(auto names, ListDirectory(dir_));
  std::vector<std::string> existing;
  uint64_t sequence = 0;
  for (const std::string& name : names) {
    if (!IsDataFileName(name)) continue;
    existing.push_back(name);
    sequence = std::max(sequence, ParseSequence(name));
  }
  if (mode_ == PutMode::kCreate && !existing.empty()) {
    return Status::AlreadyExists("dataset '", path_.ToString(),
                                 "' was created by someone else during the upload");
  }
  QUIVER_ASSIGN_OR_RAISE(std::string suffix, RandomHex(4));
  char prefix[32];
  std::snprintf(prefix, sizeof(prefix), "part-%08llu-", static_cast<unsigned long long>(sequence + 1));
  result.file = std::string(prefix) + suffix + ".arrow";
  const std::string final_path = dir_ + "/" + result.file;

  if (mode_ != PutMode::kReplace || existing.empty()) {
    QUIVER_RETURN_NOT_OK(RenameDurably(temp_path, final_path));
  } else {
    // Journal the replace, so that a crash from here on finishes it at start-up.
    nlohmann::json journal = {{"temp", temp_name_}, {"file", result.file}, {"remove", existing}};
    QUIVER_ASSIGN_OR_RAISE(std::string id, RandomHex(8));
    const std::string journal_temp = dir_ + "/" + std::string(kTempPrefix) + id + ".json";
    const std::string journal_path = dir_ + "/" + std::string(kJournalPrefix) + id + ".json";
    Status journalled = WriteFileDurably(journal_temp, journal.dump());
    if (journalled.ok()) journalled = RenameDurably(journal_temp, journal_path);
    if (!journalled.ok()) {
      // A journal that may exist (renamed, but its folder's fsync failed) must go before
      // the temp file it names does; if it cannot, the replace stays decided and is
      // finished at the next start.
      (void)::unlink(journal_temp.c_str());
      if (::unlink(journal_path.c_str()) != 0 && errno != ENOENT) journaled_ = true;
      return journalled;
    }
    // From here the replace is decided: the temp file must survive whatever happens
    // below (Abort leaves it), and a failure is finished from the journal at start-up.
    journaled_ = true;
    auto finish = [&]() -> Status {
      if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
        return Status::IOError("cannot rename '", temp_path, "' to '", final_path,
                               "': ", std::strerror(errno));
      }
      for (const std::string& old : existing) {
        QUIVER_RETURN_NOT_OK(store_->MoveToTrash(path_, dir_, old));
      }
      QUIVER_RETURN_NOT_OK(SyncDirectory(dir_));
      QUIVER_RETURN_NOT_OK(SyncDirectory(store_->root() + "/" + std::string(kStoreDirName) + "/trash"));
      return RemoveFileDurably(journal_path);
    };
    Status finished = finish();
    if (!finished.ok()) {
      return finished.WithContext("the replace is journalled in '" + journal_path +
                                  "' and will be finished when the server next starts");
    }
    result.replaced_files = static_cast<int64_t>(existing.size());
    existing.clear();
  }
  // The folders made for this upload now hold a dataset: keep them.
  created_dirs_.clear();
  existing.push_back(result.file);
  result.dataset_files = static_cast<int64_t>(existing.size());
  int64_t dataset_rows = 0;
  for (const std::string& name : existing) {
    auto stat = StatFile(dir_ + "/" + name);
    if (!stat.ok()) continue;
    auto summary = store_->Summarize(dir_ + "/" + name, *stat);
    if (summary.ok()) dataset_rows += (*summary)->rows;
  }
  result.dataset_rows = dataset_rows;
  committing.unlock();
  store_->PruneTrash(std::chrono::steady_clock::now());
#ifdef __GLIBC__
  // An upload passes its data through the handler thread's malloc arena; the
  // store's small long-lived entries (trash, summaries) land between those
  // blocks and keep glibc from shrinking the arena from its top, so every
  // upload would leave its size behind (hardening test of dataset replaces).
  // malloc_trim also returns free pages from the middle of every arena.
  malloc_trim(0);
#endif
  return result;
}

// ---------------------------------------------------------------------------
// Drop and rename.

Status DatasetStore::Drop(const DatasetPath& path) {
  if (path.empty()) return Status::Invalid("a dataset path is required, e.g. 'sales/2024'");
  std::string absolute, resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(path, &absolute, &resolved));
  if (resolved.empty()) return NoSuchDataset(path);
  auto entry = AcquireLock(path);
  QUIVER_ASSIGN_OR_RAISE(bool claimed, TryMarkWriting(entry));
  if (!claimed) return DatasetBusy(path);
  DatasetWriter::Lock claim{this, entry};
  std::unique_lock<std::shared_mutex> committing(entry->state);
  QUIVER_ASSIGN_OR_RAISE(auto names, ListDirectory(resolved));
  int64_t dropped = 0;
  for (const std::string& name : names) {
    if (!IsDataFileName(name)) continue;
    QUIVER_RETURN_NOT_OK(MoveToTrash(path, resolved, name));
    ++dropped;
  }
  if (dropped == 0) return NoSuchDataset(path);
  QUIVER_RETURN_NOT_OK(SyncDirectory(resolved));
  QUIVER_RETURN_NOT_OK(SyncDirectory(root_ + "/" + std::string(kStoreDirName) + "/trash"));
  if (resolved != root_) {
    RemoveDirectoryIfEmpty(resolved);
    const size_t slash = resolved.find_last_of('/');
    QUIVER_RETURN_NOT_OK(SyncDirectory(resolved.substr(0, slash == 0 ? 1 : slash)));
  }
  committing.unlock();
  PruneTrash(std::chrono::steady_clock::now());
  return Status::OK();
}

Status DatasetStore::Rename(const DatasetPath& from, const DatasetPath& to) {
  if (from.empty() || to.empty()) {
    return Status::Invalid("rename needs two dataset paths, e.g. from 'sales/2024' to 'archive/2024'");
  }
  if (from == to) return Status::Invalid("cannot rename '", from.ToString(), "' to itself");
  if (to.StartsWith(from) || from.StartsWith(to)) {
    return Status::Invalid("cannot rename '", from.ToString(), "' to '", to.ToString(),
                           "': one path lies inside the other");
  }
  std::string from_absolute, from_resolved, to_absolute, to_resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(from, &from_absolute, &from_resolved));
  QUIVER_RETURN_NOT_OK(ResolveDirectory(to, &to_absolute, &to_resolved));
  if (from_resolved.empty()) return NoSuchDataset(from);

  auto from_entry = AcquireLock(from);
  auto to_entry = AcquireLock(to);
  QUIVER_ASSIGN_OR_RAISE(bool from_claimed, TryMarkWriting(from_entry));
  if (!from_claimed) return DatasetBusy(from);
  DatasetWriter::Lock from_claim{this, from_entry};
  QUIVER_ASSIGN_OR_RAISE(bool to_claimed, TryMarkWriting(to_entry));
  if (!to_claimed) return DatasetBusy(to);
  DatasetWriter::Lock to_claim{this, to_entry};

  // Exclusive locks in a fixed order, so that two renames cannot wait on each other.
  const bool from_first = from < to;
  std::unique_lock<std::shared_mutex> first((from_first ? from_entry : to_entry)->state);
  std::unique_lock<std::shared_mutex> second((from_first ? to_entry : from_entry)->state);

  QUIVER_ASSIGN_OR_RAISE(auto names, ListDirectory(from_resolved));
  bool has_data = false;
  for (const std::string& name : names) {
    const std::string child = from_resolved + "/" + name;
    if (IsDataFileName(name)) has_data = true;
    if (name.front() == '.') continue;
    QUIVER_ASSIGN_OR_RAISE(FileKind kind, GetFileKind(child));
    if (kind == FileKind::kDirectory) {
      return Status::Invalid("cannot rename '", from.ToString(), "': its folder also holds '", name,
                             "/'; rename or move the datasets inside it first");
    }
  }
  if (!has_data) return NoSuchDataset(from);
  if (!to_resolved.empty()) {
    QUIVER_ASSIGN_OR_RAISE(auto target_names, ListDirectory(to_resolved));
    if (!target_names.empty()) {
      return Status::AlreadyExists("cannot rename '", from.ToString(), "' to '", to.ToString(),
                                   "': a folder with content is already there");
    }
  }
  std::vector<std::string> created;
  const DatasetPath parent = to.Parent();
  QUIVER_RETURN_NOT_OK(MakeDirectoriesDurably(root_, parent.components(), &created));
  std::string parent_absolute, parent_resolved;
  QUIVER_RETURN_NOT_OK(ResolveDirectory(parent, &parent_absolute, &parent_resolved));
  if (parent_resolved.empty()) return Status::IOError("cannot create '", parent_absolute, "'");
  const std::string target = parent_resolved + "/" + to.components().back();
  Status renamed = RenameDurably(from_resolved, target);
  if (!renamed.ok()) {
    for (auto it = created.rbegin(); it != created.rend(); ++it) RemoveDirectoryIfEmpty(*it);
    return renamed;
  }
  std::lock_guard<std::mutex> guard(summaries_mutex_);
  for (auto it = summaries_.begin(); it != summaries_.end();) {
    it = IsWithin(from_resolved, it->first) ? summaries_.erase(it) : std::next(it);
  }
  return Status::OK();
}

}  // namespace quiver::cli::store
