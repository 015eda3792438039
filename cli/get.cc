// quiver get [LOCATION] PATH [-o FILE|-] [--format arrow|arrows|csv|json] [--head N]
//
// Asks for the FlightInfo, then fetches its endpoints in parallel (--parallel, 4 by
// default), each from its own locations when it names any (the first that connects)
// or over this connection otherwise, and writes the rows in endpoint order:
//
//   no -o, no --format   the first rows (--head, 20 by default) as a table on stdout
//   -o FILE              FILE in the format named by --format or FILE's extension
//                        (.arrow, .arrows, .csv, .json/.jsonl); written to FILE.partial
//                        and renamed when complete, so a failed download leaves no FILE
//   -o - or --format F   stdout (Arrow IPC stream unless --format says otherwise)
//
// A progress bar (from the FlightInfo totals) goes to stderr when it is a terminal.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/client.h"
#include "common/errors.h"
#include "common/format.h"
#include "common/progress.h"
#include "store/fs.h"

namespace quiver::cli {
namespace {

constexpr int64_t kDefaultPreviewRows = 20;
// Batches an endpoint may have waiting before its fetch pauses: bounds the memory a
// download ahead of the writer holds.
constexpr size_t kMaxQueuedBatches = 64;

struct GetArgs {
  ClientFlags flags;
  std::string output;
  std::string format;
  int64_t head = -1;
  int parallel = 4;
  bool command = false;
};

// The batches of one endpoint, as its fetch produces them.
struct EndpointQueue {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<RecordBatchPtr> batches;
  SchemaPtr schema;
  bool done = false;
  Status status;
};

class Download {
 public:
  Download(Connection* connection, const flight::FlightInfo& info, int parallel, Progress* progress)
      : connection_(connection), info_(info), progress_(progress), queues_(info.endpoints.size()) {
    for (auto& queue : queues_) queue = std::make_unique<EndpointQueue>();
    call_ = connection_->call;
    call_.stop_token = stop_.token();
    const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(parallel, 1)), queues_.size());
    for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~Download() {
    Stop();
    for (auto& worker : workers_) worker.join();
  }

  /// Waits for the next batch of endpoint `index`; null at its end.
  Result<RecordBatchPtr> Next(size_t index, SchemaPtr* schema) {
    EndpointQueue& queue = *queues_[index];
    std::unique_lock<std::mutex> lock(queue.mutex);
    queue.changed.wait(lock, [&] { return !queue.batches.empty() || queue.done; });
    if (schema != nullptr && queue.schema != nullptr) *schema = queue.schema;
    if (!queue.batches.empty()) {
      RecordBatchPtr batch = std::move(queue.batches.front());
      queue.batches.pop_front();
      queue.changed.notify_all();
      return batch;
    }
    QUIVER_RETURN_NOT_OK(queue.status);
    return RecordBatchPtr();
  }

  /// Stops every fetch (after --head rows, or an error).
  void Stop() {
    stopping_ = true;
    stop_.RequestStop();
    for (auto& queue : queues_) {
      std::lock_guard<std::mutex> guard(queue->mutex);
      queue->changed.notify_all();
    }
  }

 private:
  void Work() {
    while (!stopping_) {
      const size_t index = next_.fetch_add(1);
      if (index >= queues_.size()) return;
      EndpointQueue& queue = *queues_[index];
      Status status = Fetch(info_.endpoints[index], &queue);
      std::lock_guard<std::mutex> guard(queue.mutex);
      queue.done = true;
      queue.status = status.WithContext("endpoint " + std::to_string(index));
      queue.changed.notify_all();
    }
  }

  Status Fetch(const flight::FlightEndpoint& endpoint, EndpointQueue* queue) {
    // An endpoint that names other servers is fetched from the first that answers.
    std::unique_ptr<flight::FlightClient> own_client;
    flight::FlightClient* client = connection_->client.get();
    std::unique_ptr<flight::FlightStreamReader> reader;
    Status last = Status::OK();
    bool reuse = endpoint.locations.empty();
    for (const auto& location : endpoint.locations) {
      if (location.scheme() == flight::kSchemeReuseConnection) reuse = true;
    }
    SchemaPtr schema;
    if (reuse) {
      QUIVER_ASSIGN_OR_RAISE(reader, client->DoGet(call_, endpoint.ticket));
      QUIVER_ASSIGN_OR_RAISE(schema, reader->GetSchema());
    } else {
      // Connecting is lazy: a dead location shows up at the first read, so the
      // schema is read before settling on a location.
      for (const auto& location : endpoint.locations) {
        auto connected = ConnectLike(*connection_, location);
        if (!connected.ok()) {
          last = connected.status().WithContext("at " + location.uri());
          continue;
        }
        auto opened = (*connected)->DoGet(call_, endpoint.ticket);
        if (!opened.ok()) {
          last = opened.status().WithContext("at " + location.uri());
          continue;
        }
        auto first_schema = (*opened)->GetSchema();
        if (!first_schema.ok()) {
          last = first_schema.status().WithContext("at " + location.uri());
          continue;
        }
        own_client = std::move(*connected);
        reader = std::move(*opened);
        schema = *first_schema;
        break;
      }
      if (reader == nullptr) return last;
    }
    {
      std::lock_guard<std::mutex> guard(queue->mutex);
      queue->schema = schema;
    }
    while (!stopping_) {
      QUIVER_ASSIGN_OR_RAISE(flight::FlightStreamChunk chunk, reader->Next());
      if (chunk.end()) break;
      if (chunk.data == nullptr) continue;
      if (progress_ != nullptr) progress_->Add(chunk.data->nbytes(), chunk.data->num_rows());
      std::unique_lock<std::mutex> lock(queue->mutex);
      queue->changed.wait(lock, [&] { return queue->batches.size() < kMaxQueuedBatches || stopping_; });
      queue->batches.push_back(std::move(chunk.data));
      queue->changed.notify_all();
    }
    if (stopping_) reader->Cancel();
    return Status::OK();
  }

  Connection* connection_;
  const flight::FlightInfo& info_;
  Progress* progress_;
  flight::FlightCallOptions call_;
  flight::StopSource stop_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> next_{0};
  std::vector<std::unique_ptr<EndpointQueue>> queues_;
  std::vector<std::thread> workers_;
};

std::string FormatFromName(const std::string& name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".arrows")) return "arrows";
  if (ends_with(".csv")) return "csv";
  if (ends_with(".json") || ends_with(".jsonl") || ends_with(".ndjson")) return "json";
  return "arrow";
}

// Sends every batch of the download, in endpoint order, to `write` until `limit`
// rows (-1: all); returns the schema seen and the rows written.
Status Drain(Download* download, size_t endpoints, int64_t limit, SchemaPtr* schema,
             const std::function<Status(const RecordBatchPtr&)>& write, int64_t* rows_written) {
  *rows_written = 0;
  for (size_t e = 0; e < endpoints; ++e) {
    while (limit < 0 || *rows_written < limit) {
      QUIVER_ASSIGN_OR_RAISE(RecordBatchPtr batch, download->Next(e, schema));
      if (batch == nullptr) break;
      if (limit >= 0 && *rows_written + batch->num_rows() > limit) batch = batch->Slice(0, limit - *rows_written);
      QUIVER_RETURN_NOT_OK(write(batch));
      *rows_written += batch->num_rows();
    }
    if (limit >= 0 && *rows_written >= limit) break;
  }
  download->Stop();
  return Status::OK();
}

Status Get(const GetArgs& args) {
  QUIVER_ASSIGN_OR_RAISE(auto split, SplitLocation(args.flags, 1, 1,
                                                   "quiver get [LOCATION] PATH [-o FILE|-] [--format F] [--head N]"));
  if (!args.format.empty() && args.format != "arrow" && args.format != "arrows" && args.format != "csv" &&
      args.format != "json") {
    return UsageError("--format must be arrow, arrows, csv or json, not '" + args.format + "'");
  }
  QUIVER_ASSIGN_OR_RAISE(Connection connection, Connect(args.flags, split.first));
  const std::string path = split.second[0];
  QUIVER_ASSIGN_OR_RAISE(flight::FlightInfo info,
                         connection.client->GetFlightInfo(connection.call, MakeDescriptor(path, args.command)));
  QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, info.GetSchema());

  const bool preview = args.output.empty() && args.format.empty();
  const int64_t limit = preview ? (args.head >= 0 ? args.head : kDefaultPreviewRows) : args.head;
  const bool show_progress = !args.flags.quiet && Progress::StderrIsTerminal();
  Progress progress("get " + path, info.total_bytes, info.total_records, show_progress);
  Download download(&connection, info, args.parallel, &progress);
  const size_t endpoints = info.endpoints.size();

  if (preview) {
    RecordBatchVector batches;
    int64_t rows = 0;
    QUIVER_RETURN_NOT_OK(Drain(&download, endpoints, limit, &schema,
                               [&](const RecordBatchPtr& batch) {
                                 batches.push_back(batch);
                                 return Status::OK();
                               },
                               &rows));
    progress.Finish(/*complete=*/limit < 0);
    if (schema == nullptr) return Status::Invalid("the server sent no schema for '", path, "'");
    std::vector<std::string> header;
    for (const auto& field : schema->fields()) header.push_back(field->name());
    std::vector<std::vector<std::string>> cells;
    for (const auto& batch : batches) {
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        std::vector<std::string> row;
        for (int c = 0; c < batch->num_columns(); ++c) row.push_back(FormatCell(*batch->column(c), r, "null"));
        cells.push_back(std::move(row));
      }
    }
    std::cout << RenderTable(header, cells);
    std::cout << "(" << rows << " of " << (info.total_records >= 0 ? std::to_string(info.total_records) : "?")
              << " rows; -o FILE or --format csv|json|arrows for all)" << std::endl;
    return Status::OK();
  }

  const bool to_stdout = args.output.empty() || args.output == "-";
  const std::string format = !args.format.empty() ? args.format : to_stdout ? "arrows" : FormatFromName(args.output);
  std::shared_ptr<io::OutputStream> out;
  std::string partial;
  if (to_stdout) {
    out = std::make_shared<FdOutputStream>(STDOUT_FILENO);
  } else {
    partial = args.output + ".partial";
    QUIVER_ASSIGN_OR_RAISE(out, io::FileOutputStream::Open(partial));
  }
  QUIVER_ASSIGN_OR_RAISE(auto sink, MakeSink(format, out));
  bool begun = false;
  auto begin = [&]() -> Status {
    if (begun) return Status::OK();
    if (schema == nullptr) return Status::Invalid("the server sent no schema for '", path, "'");
    begun = true;
    return sink->Begin(schema);
  };
  int64_t rows = 0;
  Status status = Drain(&download, endpoints, limit, &schema,
                        [&](const RecordBatchPtr& batch) {
                          QUIVER_RETURN_NOT_OK(begin());
                          return sink->Write(*batch);
                        },
                        &rows);
  if (status.ok()) status = begin();
  if (status.ok()) status = sink->Finish();
  progress.Finish(/*complete=*/status.ok() && limit < 0);
  if (!partial.empty()) {
    if (!status.ok()) {
      (void)::unlink(partial.c_str());
      return status;
    }
    QUIVER_RETURN_NOT_OK(store::RenameDurably(partial, args.output));
    if (!args.flags.quiet) {
      std::cerr << "wrote " << rows << " rows of " << path << " to " << args.output << " (" << format << ")"
                << std::endl;
    }
  }
  return status;
}

}  // namespace

CommandRunner AddGetCommand(CLI::App* app) {
  auto args = std::make_shared<GetArgs>();
  CLI::App* get = app->add_subcommand(
      "get", "Download a flight: quiver get [LOCATION] PATH [-o FILE|-] [--format arrow|arrows|csv|json] [--head N]");
  AddClientFlags(get, &args->flags, /*with_json=*/false);
  get->add_option("-o,--output", args->output, "Write to FILE (- for stdout) instead of showing a table");
  get->add_option("--format", args->format, "arrow (IPC file), arrows (IPC stream), csv or json (JSON Lines)");
  get->add_option("--head", args->head, "Only the first N rows")->check(CLI::NonNegativeNumber);
  get->add_option("--parallel", args->parallel, "Endpoints fetched at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  get->add_flag("--cmd", args->command, "Send PATH as a command descriptor instead of a path");
  return [args] {
    Status status = Get(*args);
    return status.ok() ? kExitOk : ReportError(status, args->flags.debug);
  };
}

}  // namespace quiver::cli
