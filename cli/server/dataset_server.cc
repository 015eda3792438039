#include "server/dataset_server.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "quiver/flight/status.h"
#include "server/protocol.h"

namespace quiver::cli::server {
namespace {

using nlohmann::json;

// Text from datasets (field names of files on disk) is not trusted to be UTF-8:
// bad bytes become U+FFFD instead of making nlohmann::json throw.
std::string JsonText(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::shared_ptr<Buffer> JsonBuffer(const json& value) { return Buffer::FromString(JsonText(value)); }

bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    int extra = 0;
    uint32_t code = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      extra = 1;
      code = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      extra = 2;
      code = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      extra = 3;
      code = byte & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(extra) >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

// Arrow field names are UTF-8; an upload whose names are not would be stored in a
// file other Arrow readers refuse, and its names would reach error messages and
// JSON as raw bytes.
Status CheckFieldNames(const FieldVector& fields, const std::string& parent) {
  for (const FieldPtr& field : fields) {
    if (!IsUtf8(field->name())) {
      return Status::Invalid("the upload's schema has a field name that is not valid UTF-8 (",
                             parent.empty() ? std::string("top level") : "under '" + parent + "'", ": '",
                             Excerpt(field->name()), "')");
    }
    QUIVER_RETURN_NOT_OK(CheckFieldNames(field->type()->fields(),
                                         parent.empty() ? field->name() : parent + "." + field->name()));
  }
  return Status::OK();
}

json CommitJson(const store::CommitResult& result) {
  return json{{"path", result.path.ToString()},
              {"mode", std::string(store::PutModeName(result.mode))},
              {"file", result.file},
              {"rows", result.rows},
              {"bytes", result.bytes},
              {"dataset_rows", result.dataset_rows},
              {"dataset_files", result.dataset_files},
              {"replaced_files", result.replaced_files}};
}

json DatasetJson(const store::DatasetInfo& info, bool with_files) {
  json out{{"path", info.path.ToString()},
           {"rows", info.total_rows},
           {"bytes", info.total_bytes},
           {"files", static_cast<int64_t>(info.files.size())},
           {"modified_ns", info.modified_ns}};
  if (with_files) {
    std::string schema = info.schema->ToString(/*show_metadata=*/false);
    out["schema"] = schema;
    json files = json::array();
    for (const auto& file : info.files) {
      files.push_back(json{{"name", file.name},
                           {"rows", file.rows},
                           {"batches", file.batches},
                           {"bytes", file.bytes},
                           {"format", file.csv ? "csv" : file.file_format ? "file" : "stream"}});
    }
    out["file_list"] = std::move(files);
  }
  return out;
}

Result<std::string> BodyText(const flight::Action& action) {
  if (action.body == nullptr) return std::string();
  if (action.body->size() > 65536) {
    return Status::Invalid("action body of ", action.body->size(), " bytes is larger than the 65536 allowed");
  }
  return action.body->ToString();
}

// Strips surrounding whitespace (a body typed at a shell often ends in a newline).
std::string Trim(std::string text) {
  const auto not_space = [](char c) { return c != ' ' && c != '\n' && c != '\r' && c != '\t'; };
  while (!text.empty() && !not_space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && !not_space(text[start])) ++start;
  return text.substr(start);
}

}  // namespace

DatasetServer::DatasetServer(store::DatasetStore* store, std::function<void(const std::string&)> log)
    : store_(store), log_(std::move(log)), started_(std::chrono::steady_clock::now()) {}

void DatasetServer::Log(const std::string& line) {
  if (log_) log_(line);
}

std::vector<flight::ActionType> DatasetServer::Actions() {
  return {
      {"list_tables",
       "Lists the datasets: one result per dataset, a JSON object {path, rows, bytes, files, "
       "modified_ns}. Body: an optional path prefix."},
      {"get_stats",
       "Body: a dataset path -> JSON {path, rows, bytes, files, schema, file_list}. Empty body -> "
       "the server's statistics {datasets, rows, bytes, puts, rows_put, gets, failed_calls, "
       "uptime_seconds}."},
      {"drop", "Body: a dataset path. Removes the dataset; result {\"dropped\": path}."},
      {"rename",
       "Body: JSON {\"from\": path, \"to\": path}. Moves a dataset; result {\"renamed\": from, "
       "\"to\": to}."},
      {"health", "Result {\"status\": \"ok\", \"uptime_seconds\", \"root\"} while the server serves."},
  };
}

Result<std::vector<flight::ActionType>> DatasetServer::ListActions(flight::ServerCallContext&) {
  return Actions();
}

Result<std::vector<store::DatasetInfo>> DatasetServer::ListReadable(const store::DatasetPath& prefix) {
  std::vector<Status> problems;
  QUIVER_ASSIGN_OR_RAISE(auto datasets, store_->List(prefix, &problems));
  for (const Status& problem : problems) Log("not listed: " + problem.message());
  return datasets;
}

Result<flight::FlightInfo> DatasetServer::MakeFlightInfo(const store::DatasetInfo& info,
                                                         flight::FlightDescriptor descriptor) {
  std::vector<flight::FlightEndpoint> endpoints;
  endpoints.reserve(info.files.size());
  for (const auto& file : info.files) {
    flight::FlightEndpoint endpoint;
    endpoint.ticket.ticket = EncodeTicket(info.path, file.name);
    endpoints.push_back(std::move(endpoint));
  }
  return flight::FlightInfo::Make(*info.schema, std::move(descriptor), std::move(endpoints),
                                  info.total_rows, info.total_bytes, /*ordered=*/true);
}

Result<std::unique_ptr<flight::FlightListing>> DatasetServer::ListFlights(
    flight::ServerCallContext&, const flight::Criteria& criteria) {
  if (criteria.expression.size() > 4096) {
    return Status::Invalid("list criteria of ", criteria.expression.size(),
                           " bytes is longer than a path prefix can be");
  }
  auto prefix = store::DatasetPath::Parse(Trim(criteria.expression));
  if (!prefix.ok()) {
    return prefix.status().WithContext("the criteria of list_flights must be a path prefix");
  }
  QUIVER_ASSIGN_OR_RAISE(auto datasets, ListReadable(*prefix));
  std::vector<flight::FlightInfo> infos;
  infos.reserve(datasets.size());
  for (const auto& dataset : datasets) {
    QUIVER_ASSIGN_OR_RAISE(auto info, MakeFlightInfo(dataset, flight::FlightDescriptor::Path(
                                                                  dataset.path.components())));
    infos.push_back(std::move(info));
  }
  return std::unique_ptr<flight::FlightListing>(
      new flight::VectorMessageStream<flight::FlightInfo>(std::move(infos)));
}

Result<flight::FlightInfo> DatasetServer::GetFlightInfo(flight::ServerCallContext&,
                                                        const flight::FlightDescriptor& descriptor) {
  QUIVER_ASSIGN_OR_RAISE(store::DatasetPath path, DescriptorPath(descriptor));
  QUIVER_ASSIGN_OR_RAISE(store::DatasetInfo info, store_->Describe(path));
  return MakeFlightInfo(info, descriptor);
}

Result<flight::SchemaResult> DatasetServer::GetSchema(flight::ServerCallContext&,
                                                      const flight::FlightDescriptor& descriptor) {
  QUIVER_ASSIGN_OR_RAISE(store::DatasetPath path, DescriptorPath(descriptor));
  QUIVER_ASSIGN_OR_RAISE(store::DatasetInfo info, store_->Describe(path));
  return flight::SchemaResult::Make(*info.schema);
}

Result<std::unique_ptr<flight::FlightDataStream>> DatasetServer::DoGet(flight::ServerCallContext&,
                                                                       const flight::Ticket& ticket) {
  QUIVER_ASSIGN_OR_RAISE(TicketTarget target, DecodeTicket(ticket.ticket));
  std::shared_ptr<RecordBatchReader> reader;
  if (target.file.has_value()) {
    QUIVER_ASSIGN_OR_RAISE(reader, store_->OpenFile(target.path, *target.file));
  } else {
    QUIVER_ASSIGN_OR_RAISE(reader, store_->OpenDataset(target.path));
  }
  ++gets_;
  return std::unique_ptr<flight::FlightDataStream>(new flight::RecordBatchStream(std::move(reader)));
}

Result<store::CommitResult> DatasetServer::Upload(
    flight::ServerCallContext& context, flight::FlightMessageReader* reader,
    store::PutMode default_mode,
    const std::function<Status(int64_t batches, int64_t rows)>& on_batch) {
  QUIVER_ASSIGN_OR_RAISE(PutTarget target,
                         DecodePutTarget(reader->descriptor(), context.incoming_headers()));
  QUIVER_ASSIGN_OR_RAISE(auto writer,
                         store_->BeginWrite(target.path, target.mode.value_or(default_mode)));
  QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, reader->GetSchema());
  QUIVER_RETURN_NOT_OK(CheckFieldNames(schema->fields(), ""));
  QUIVER_RETURN_NOT_OK(writer->Begin(schema));
  int64_t batches = 0;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(flight::FlightStreamChunk chunk, reader->Next());
    if (chunk.end()) break;
    if (context.is_cancelled()) {
      return Status::Cancelled("the upload to '", target.path.ToString(), "' was cancelled");
    }
    if (chunk.data == nullptr) continue;
    QUIVER_RETURN_NOT_OK(writer->Write(*chunk.data));
    ++batches;
    if (on_batch) QUIVER_RETURN_NOT_OK(on_batch(batches, writer->rows_written()));
  }
  if (context.is_cancelled()) {
    return Status::Cancelled("the upload to '", target.path.ToString(), "' was cancelled");
  }
  QUIVER_ASSIGN_OR_RAISE(store::CommitResult result, writer->Commit());
  ++puts_;
  rows_put_ += result.rows;
  Log("put " + result.path.ToString() + " (" + std::string(store::PutModeName(result.mode)) + "): " +
      std::to_string(result.rows) + " rows, " + std::to_string(result.bytes) + " bytes -> " +
      result.file);
  return result;
}

Status DatasetServer::DoPut(flight::ServerCallContext& context,
                            std::unique_ptr<flight::FlightMessageReader> reader,
                            std::unique_ptr<flight::FlightMetadataWriter> writer) {
  auto result = Upload(context, reader.get(), store::PutMode::kReplace, nullptr);
  if (!result.ok()) {
    ++failed_calls_;
    Log("put failed: " + result.status().ToString());
    return result.status();
  }
  // The acknowledgement, sent only now that the upload is durable.
  return writer->WriteMetadata(JsonBuffer(CommitJson(*result)));
}

Status DatasetServer::DoExchange(flight::ServerCallContext& context,
                                 std::unique_ptr<flight::FlightMessageReader> reader,
                                 std::unique_ptr<flight::FlightMessageWriter> writer) {
  auto on_batch = [&](int64_t batches, int64_t rows) {
    return writer->WriteMetadata(JsonBuffer(json{{"batches", batches}, {"rows", rows}}));
  };
  auto result = Upload(context, reader.get(), store::PutMode::kAppend, on_batch);
  if (!result.ok()) {
    ++failed_calls_;
    Log("exchange failed: " + result.status().ToString());
    return result.status();
  }
  json summary = CommitJson(*result);
  summary["committed"] = true;
  return writer->WriteMetadata(JsonBuffer(summary));
}

Result<std::string> DatasetServer::Stats(const std::string& body) {
  if (!body.empty()) {
    QUIVER_ASSIGN_OR_RAISE(auto path, store::DatasetPath::Parse(body));
    QUIVER_ASSIGN_OR_RAISE(auto info, store_->Describe(path));
    return JsonText(DatasetJson(info, /*with_files=*/true));
  }
  QUIVER_ASSIGN_OR_RAISE(auto datasets, ListReadable({}));
  int64_t rows = 0;
  int64_t bytes = 0;
  for (const auto& dataset : datasets) {
    rows += dataset.total_rows;
    bytes += dataset.total_bytes;
  }
  const auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return json{{"datasets", static_cast<int64_t>(datasets.size())},
              {"rows", rows},
              {"bytes", bytes},
              {"puts", puts_.load()},
              {"rows_put", rows_put_.load()},
              {"gets", gets_.load()},
              {"failed_calls", failed_calls_.load()},
              {"uptime_seconds", uptime}}
      .dump();
}

Result<std::unique_ptr<flight::ResultStream>> DatasetServer::DoAction(flight::ServerCallContext&,
                                                                      const flight::Action& action) {
  QUIVER_ASSIGN_OR_RAISE(std::string raw_body, BodyText(action));
  const std::string body = Trim(raw_body);
  std::vector<flight::FlightResult> results;
  auto add = [&results](const json& value) {
    results.push_back(flight::FlightResult{JsonBuffer(value)});
  };
  if (action.type == "list_tables") {
    QUIVER_ASSIGN_OR_RAISE(auto prefix, store::DatasetPath::Parse(body));
    QUIVER_ASSIGN_OR_RAISE(auto datasets, ListReadable(prefix));
    for (const auto& dataset : datasets) add(DatasetJson(dataset, /*with_files=*/false));
  } else if (action.type == "get_stats") {
    QUIVER_ASSIGN_OR_RAISE(std::string stats, Stats(body));
    results.push_back(flight::FlightResult{Buffer::FromString(std::move(stats))});
  } else if (action.type == "drop") {
    if (body.empty()) return Status::Invalid("drop needs the dataset path as its body");
    QUIVER_ASSIGN_OR_RAISE(auto path, store::DatasetPath::Parse(body));
    QUIVER_RETURN_NOT_OK(store_->Drop(path));
    Log("drop " + path.ToString());
    add(json{{"dropped", path.ToString()}});
  } else if (action.type == "rename") {
    json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!request.is_object() || !request.contains("from") || !request.contains("to") ||
        !request["from"].is_string() || !request["to"].is_string()) {
      return Status::Invalid(
          "rename needs the body {\"from\": \"old/path\", \"to\": \"new/path\"} but got '",
          Excerpt(body), "'");
    }
    QUIVER_ASSIGN_OR_RAISE(auto from, store::DatasetPath::Parse(request["from"].get<std::string>()));
    QUIVER_ASSIGN_OR_RAISE(auto to, store::DatasetPath::Parse(request["to"].get<std::string>()));
    QUIVER_RETURN_NOT_OK(store_->Rename(from, to));
    Log("rename " + from.ToString() + " -> " + to.ToString());
    add(json{{"renamed", from.ToString()}, {"to", to.ToString()}});
  } else if (action.type == "health") {
    const auto uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    add(json{{"status", "ok"}, {"uptime_seconds", uptime}, {"root", store_->root()}});
  } else {
    std::string known;
    for (const auto& type : Actions()) known += (known.empty() ? "" : ", ") + type.type;
    return Status::NotImplemented("unknown action '", Excerpt(action.type), "'; this server knows ",
                                  known);
  }
  return std::unique_ptr<flight::ResultStream>(
      new flight::VectorMessageStream<flight::FlightResult>(std::move(results)));
}

}  // namespace quiver::cli::server
