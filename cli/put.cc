// quiver put [LOCATION] PATH FILE [--mode create|replace|append]
//
// Uploads an Arrow IPC file (file or stream format, told by its magic; - reads a
// stream from stdin) with DoPut. The mode travels as the header "quiver-put-mode",
// which `quiver serve` reads (other servers ignore it). The server's acknowledgement
// (PutResult app_metadata; JSON from `quiver serve`) is printed on success.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/progress.h"
#include "quiver/ipc/reader.h"

namespace quiver::cli {
namespace {

struct PutArgs {
  ClientFlags flags;
  std::string mode = "create";
  bool command = false;
};

// Reads a file of batches lazily (the IPC file reader's ToReader reads them all at once).
class FileBatches final : public RecordBatchReader {
 public:
  explicit FileBatches(std::shared_ptr<ipc::RecordBatchFileReader> reader) : reader_(std::move(reader)) {}
  SchemaPtr schema() const override { return reader_->schema(); }
  Status ReadNext(RecordBatchPtr* batch) override {
    if (next_ >= reader_->num_record_batches()) {
      batch->reset();
      return Status::OK();
    }
    QUIVER_ASSIGN_OR_RAISE(*batch, reader_->ReadRecordBatch(next_++));
    return Status::OK();
  }

 private:
  std::shared_ptr<ipc::RecordBatchFileReader> reader_;
  int next_ = 0;
};

// Reads a file descriptor it does not own (stdin) as it arrives.
class FdInputStream final : public io::InputStream {
 public:
  explicit FdInputStream(int fd) : fd_(fd) {}
  Result<std::shared_ptr<Buffer>> Read(int64_t nbytes) override {
    if (nbytes < 0) return Status::Invalid("read length must be non-negative but found ", nbytes);
    std::string bytes;
    bytes.resize(static_cast<size_t>(std::min<int64_t>(nbytes, int64_t{1} << 30)));
    size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd_, bytes.data() + got, bytes.size() - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError("cannot read stdin: ", std::strerror(errno));
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    bytes.resize(got);
    position_ += static_cast<int64_t>(got);
    return Buffer::FromString(std::move(bytes));
  }
  Result<int64_t> Tell() const override { return position_; }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  bool closed() const override { return closed_; }

 private:
  int fd_;
  int64_t position_ = 0;
  bool closed_ = false;
};

Result<std::shared_ptr<RecordBatchReader>> OpenInput(const std::string& file, int64_t* size) {
  std::shared_ptr<io::RandomAccessFile> input;
  if (file == "-") {
    // A stream from stdin is sent as it arrives, batch by batch.
    *size = -1;
    auto reader = ipc::RecordBatchStreamReader::Open(std::make_shared<FdInputStream>(STDIN_FILENO));
    if (!reader.ok()) {
      return reader.status().WithContext("while reading stdin (expected an Arrow IPC stream)");
    }
    return std::shared_ptr<RecordBatchReader>(*reader);
  }
  QUIVER_ASSIGN_OR_RAISE(input, io::MemoryMappedFile::Open(file));
  QUIVER_ASSIGN_OR_RAISE(*size, input->GetSize());
  QUIVER_ASSIGN_OR_RAISE(auto head, input->ReadAt(0, std::min<int64_t>(*size, 6)));
  const std::string context = "while reading '" + file + "'";
  if (head->view() == "ARROW1") {
    auto reader = ipc::RecordBatchFileReader::Open(input);
    if (!reader.ok()) return reader.status().WithContext(context);
    return std::shared_ptr<RecordBatchReader>(std::make_shared<FileBatches>(*reader));
  }
  auto reader = ipc::RecordBatchStreamReader::Open(input);
  if (!reader.ok()) {
    return reader.status().WithContext(context + " (expected an Arrow IPC file or stream)");
  }
  return std::shared_ptr<RecordBatchReader>(*reader);
}

Status Put(const PutArgs& args) {
  QUIVER_ASSIGN_OR_RAISE(auto split, SplitLocation(args.flags, 2, 2,
                                                   "quiver put [LOCATION] PATH FILE [--mode create|replace|append]"));
  if (args.mode != "create" && args.mode != "replace" && args.mode != "append") {
    return UsageError("--mode must be create, replace or append, not '" + args.mode + "'");
  }
  const std::string& path = split.second[0];
  const std::string& file = split.second[1];
  int64_t size = 0;
  QUIVER_ASSIGN_OR_RAISE(auto batches, OpenInput(file, &size));
  QUIVER_ASSIGN_OR_RAISE(Connection connection, Connect(args.flags, split.first));
  flight::FlightCallOptions call = connection.call;
  call.headers.emplace_back("quiver-put-mode", args.mode);
  QUIVER_ASSIGN_OR_RAISE(auto put, connection.client->DoPut(call, MakeDescriptor(path, args.command),
                                                            batches->schema()));
  Progress progress("put " + path, size, -1, !args.flags.quiet && Progress::StderrIsTerminal());
  int64_t rows = 0;
  Status status = Status::OK();
  while (true) {
    RecordBatchPtr batch;
    status = batches->ReadNext(&batch);
    if (!status.ok() || batch == nullptr) break;
    status = put.writer->WriteRecordBatch(*batch);
    if (!status.ok()) break;
    rows += batch->num_rows();
    progress.Add(batch->nbytes(), batch->num_rows());
  }
  // The server's status explains a failed write better than the write's own error.
  Status closed = put.writer->Close();
  progress.Finish(/*complete=*/closed.ok() && status.ok());
  if (!closed.ok()) return closed;
  QUIVER_RETURN_NOT_OK(status);
  std::vector<std::string> acks;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(auto metadata, put.reader->ReadMetadata());
    if (!metadata.has_value()) break;
    acks.push_back((*metadata)->ToString());
  }
  if (args.flags.json) {
    nlohmann::json out{{"path", path}, {"rows_sent", rows}};
    nlohmann::json results = nlohmann::json::array();
    for (const auto& ack : acks) {
      nlohmann::json parsed = nlohmann::json::parse(ack, nullptr, false);
      results.push_back(parsed.is_discarded() ? nlohmann::json(ack) : parsed);
    }
    out["acks"] = results;
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
    return Status::OK();
  }
  nlohmann::json summary = acks.empty() ? nlohmann::json() : nlohmann::json::parse(acks.back(), nullptr, false);
  if (summary.is_object() && summary.contains("rows") && summary.contains("mode")) {
    std::cout << "put " << path << ": " << summary["rows"].dump() << " rows ("
              << summary["mode"].get<std::string>() << "); the dataset has "
              << summary.value("dataset_rows", int64_t{0}) << " rows in "
              << summary.value("dataset_files", int64_t{0}) << " file(s)" << std::endl;
  } else {
    std::cout << "put " << path << ": " << rows << " rows sent" << std::endl;
  }
  return Status::OK();
}

}  // namespace

CommandRunner AddPutCommand(CLI::App* app) {
  auto args = std::make_shared<PutArgs>();
  CLI::App* put = app->add_subcommand(
      "put", "Upload an Arrow IPC file: quiver put [LOCATION] PATH FILE|- [--mode create|replace|append]");
  AddClientFlags(put, &args->flags, /*with_json=*/true);
  put->add_option("--mode", args->mode, "create (refuse if it exists), replace, or append")
      ->capture_default_str();
  put->add_flag("--cmd", args->command, "Send PATH as a command descriptor instead of a path");
  return [args] {
    Status status = Put(*args);
    return status.ok() ? kExitOk : ReportError(status, args->flags.debug);
  };
}

}  // namespace quiver::cli
