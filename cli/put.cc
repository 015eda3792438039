// quiver put [LOCATION] PATH FILE [--mode create|replace|append] [--format arrow|csv|tsv]
//
// Uploads an Arrow IPC file (file or stream format, told by its magic; - reads a
// stream from stdin) or a CSV file with DoPut. The format comes from --format, else
// the name: *.csv and *.tsv are CSV (comma / tab; --delimiter for others), anything
// else Arrow IPC. CSV column types are inferred (common/csv.h) -- except when
// appending to a dataset the server describes with GetSchema: then the CSV is read
// into that schema, so that its types match the dataset's. The mode travels as the header "quiver-put-mode",
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
#include "common/csv.h"
#include "common/errors.h"
#include "common/progress.h"
#include "quiver/ipc/reader.h"

namespace quiver::cli {
namespace {

struct PutArgs {
  ClientFlags flags;
  std::string mode = "create";
  std::string format;
  std::string delimiter;
  bool command = false;
};

// Everything on stdin (CSV needs two passes over its text).
Result<std::shared_ptr<Buffer>> ReadAllStdin() {
  std::string text;
  char chunk[1 << 16];
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot read stdin: ", std::strerror(errno));
    }
    if (n == 0) break;
    text.append(chunk, static_cast<size_t>(n));
  }
  return Buffer::FromString(std::move(text));
}

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

// The CSV file (or stdin) as batches; for an append, in the dataset's schema when the
// server tells it and the CSV's columns can be read into it.
Result<std::shared_ptr<RecordBatchReader>> OpenCsvInput(const PutArgs& args, Connection* connection,
                                                        const flight::FlightDescriptor& descriptor,
                                                        const std::string& file, char delimiter,
                                                        int64_t* rows) {
  std::shared_ptr<Buffer> text;
  if (file == "-") {
    QUIVER_ASSIGN_OR_RAISE(text, ReadAllStdin());
  } else {
    QUIVER_ASSIGN_OR_RAISE(auto input, io::MemoryMappedFile::Open(file));
    QUIVER_ASSIGN_OR_RAISE(int64_t size, input->GetSize());
    QUIVER_ASSIGN_OR_RAISE(text, input->ReadAt(0, size));
  }
  CsvReadOptions options;
  options.delimiter = delimiter;
  options.source = file == "-" ? "stdin" : file;
  std::shared_ptr<CsvFile> csv;
  if (args.mode == "append") {
    // A dataset that does not exist yet (or a server without GetSchema): infer.
    auto schema = connection->client->GetSchema(connection->call, descriptor);
    if (schema.ok() && *schema != nullptr) {
      CsvReadOptions typed = options;
      typed.schema = *schema;
      auto opened = CsvFile::Open(text, typed);
      // A header that names other columns (or types CSV cannot hold): infer, and let
      // the server explain the mismatch. A value that does not fit is the error.
      if (opened.ok()) {
        csv = *opened;
      } else if (opened.status().message().find("the header names the columns") == std::string::npos &&
                 !opened.status().IsNotImplemented()) {
        return opened.status();
      }
    }
  }
  if (csv == nullptr) {
    QUIVER_ASSIGN_OR_RAISE(csv, CsvFile::Open(text, options));
  }
  *rows = csv->num_rows();
  return csv->MakeReader();
}

Status Put(const PutArgs& args) {
  QUIVER_ASSIGN_OR_RAISE(auto split, SplitLocation(args.flags, 2, 2,
                                                   "quiver put [LOCATION] PATH FILE [--mode create|replace|append]"));
  if (args.mode != "create" && args.mode != "replace" && args.mode != "append") {
    return UsageError("--mode must be create, replace or append, not '" + args.mode + "'");
  }
  if (!args.format.empty() && args.format != "arrow" && args.format != "csv" && args.format != "tsv") {
    return UsageError("--format must be arrow, csv or tsv, not '" + args.format + "'");
  }
  if (!args.delimiter.empty() && (args.delimiter.size() != 1 || args.delimiter == "\"" ||
                                  args.delimiter == "\n" || args.delimiter == "\r")) {
    return UsageError("--delimiter must be one character other than a quote or a line break, not '" +
                      args.delimiter + "'");
  }
  const std::string& path = split.second[0];
  const std::string& file = split.second[1];
  const std::string format = !args.format.empty()      ? args.format
                             : !args.delimiter.empty() ? "csv"
                             : IsCsvFileName(file)     ? (CsvDelimiterFor(file) == '\t' ? "tsv" : "csv")
                                                       : "arrow";
  const flight::FlightDescriptor descriptor = MakeDescriptor(path, args.command);
  int64_t size = 0;
  int64_t total_rows = -1;
  std::shared_ptr<RecordBatchReader> batches;
  if (format == "arrow") {
    QUIVER_ASSIGN_OR_RAISE(batches, OpenInput(file, &size));
  }
  QUIVER_ASSIGN_OR_RAISE(Connection connection, Connect(args.flags, split.first));
  if (format != "arrow") {
    const char delimiter = !args.delimiter.empty() ? args.delimiter[0] : format == "tsv" ? '\t' : ',';
    // Progress counts rows: the CSV text's size says little about the batches' bytes.
    size = -1;
    QUIVER_ASSIGN_OR_RAISE(batches, OpenCsvInput(args, &connection, descriptor, file, delimiter, &total_rows));
  }
  flight::FlightCallOptions call = connection.call;
  call.headers.emplace_back("quiver-put-mode", args.mode);
  flight::StopSource stop;
  call.stop_token = stop.token();
  QUIVER_ASSIGN_OR_RAISE(auto put, connection.client->DoPut(call, descriptor, batches->schema()));
  Progress progress("put " + path, size, total_rows, !args.flags.quiet && Progress::StderrIsTerminal());
  int64_t rows = 0;
  Status status = Status::OK();
  while (true) {
    RecordBatchPtr batch;
    status = batches->ReadNext(&batch);
    if (!status.ok()) {
      // The input is bad part-way (a malformed CSV record, a damaged IPC batch):
      // cancel the call rather than end it, so the server discards what it has.
      stop.RequestStop();
      (void)put.writer->Close();
      progress.Finish(/*complete=*/false);
      return status.WithMessage(status.message() + "; the upload was cancelled, nothing was stored");
    }
    if (batch == nullptr) break;
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
      "put",
      "Upload an Arrow IPC or CSV file: quiver put [LOCATION] PATH FILE|- [--mode create|replace|append] "
      "[--format arrow|csv|tsv]");
  AddClientFlags(put, &args->flags, /*with_json=*/true);
  put->add_option("--mode", args->mode, "create (refuse if it exists), replace, or append")
      ->capture_default_str();
  put->add_option("--format", args->format,
                  "arrow (IPC file or stream), csv or tsv; by default from FILE's name (*.csv, *.tsv), "
                  "else arrow");
  put->add_option("--delimiter", args->delimiter, "The CSV field separator (implies --format csv)");
  put->add_flag("--cmd", args->command, "Send PATH as a command descriptor instead of a path");
  return [args] {
    Status status = Put(*args);
    return status.ok() ? kExitOk : ReportError(status, args->flags.debug);
  };
}

}  // namespace quiver::cli
