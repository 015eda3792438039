#include "bench/server.h"

#include "quiver/flight/stream.h"

namespace quiver::cli::bench {

Result<RecordBatchPtr> BenchServer::CachedBatch(const std::vector<std::string>& types,
                                                const std::string& columns, int64_t rows) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto key = std::make_pair(columns, rows);
  auto it = batches_.find(key);
  if (it != batches_.end()) return it->second;
  QUIVER_ASSIGN_OR_RAISE(RecordBatchPtr batch, MakeBatch(types, rows));
  batches_[key] = batch;
  return batch;
}

Result<flight::FlightInfo> BenchServer::GetFlightInfo(flight::ServerCallContext&,
                                                      const flight::FlightDescriptor& descriptor) {
  if (descriptor.type != flight::DescriptorType::CMD) {
    return Status::Invalid("quiver bench serves CMD descriptors holding a workload JSON");
  }
  QUIVER_ASSIGN_OR_RAISE(Workload workload, Workload::FromJson(descriptor.cmd));
  QUIVER_ASSIGN_OR_RAISE(auto types, ParseColumns(workload.columns));
  // Build the batch now, so that no DoGet pays for it.
  if (workload.records > 0) {
    QUIVER_RETURN_NOT_OK(CachedBatch(types, workload.columns, std::min(workload.batch, workload.records)).status());
  }
  std::vector<flight::FlightEndpoint> endpoints;
  for (int i = 0; i < workload.streams; ++i) {
    Workload part = workload;
    part.stream = i;
    flight::FlightEndpoint endpoint;
    endpoint.ticket.ticket = part.ToJson();
    endpoints.push_back(std::move(endpoint));
  }
  const int64_t total = workload.records * workload.streams;
  return flight::FlightInfo::Make(*MakeSchema(types), descriptor, std::move(endpoints), total,
                                  total * RowWidth(types));
}

Result<std::unique_ptr<flight::FlightDataStream>> BenchServer::DoGet(flight::ServerCallContext&,
                                                                     const flight::Ticket& ticket) {
  QUIVER_ASSIGN_OR_RAISE(Workload workload, Workload::FromJson(ticket.ticket));
  QUIVER_ASSIGN_OR_RAISE(auto types, ParseColumns(workload.columns));
  flight::FlightWriteOptions options;
  QUIVER_ASSIGN_OR_RAISE(options.ipc.compression, ParseCompression(workload.compression));
  SchemaPtr schema = MakeSchema(types);
  RecordBatchPtr batch;
  if (workload.records > 0) {
    QUIVER_ASSIGN_OR_RAISE(batch, CachedBatch(types, workload.columns, std::min(workload.batch, workload.records)));
  }
  if (workload.generator) {
    auto left = std::make_shared<int64_t>(workload.records);
    auto generator = [batch, left]() -> Result<std::optional<flight::FlightStreamChunk>> {
      if (*left <= 0) return std::optional<flight::FlightStreamChunk>();
      flight::FlightStreamChunk chunk;
      const int64_t rows = std::min(*left, batch->num_rows());
      chunk.data = rows == batch->num_rows() ? batch : batch->Slice(0, rows);
      *left -= rows;
      return std::optional<flight::FlightStreamChunk>(std::move(chunk));
    };
    return std::make_unique<flight::GeneratorStream>(schema, std::move(generator), options);
  }
  RecordBatchVector batches;
  for (int64_t left = workload.records; left > 0;) {
    const int64_t rows = std::min(left, batch->num_rows());
    batches.push_back(rows == batch->num_rows() ? batch : batch->Slice(0, rows));
    left -= rows;
  }
  QUIVER_ASSIGN_OR_RAISE(auto reader, RecordBatchReader::Make(std::move(batches), schema));
  return std::make_unique<flight::RecordBatchStream>(std::move(reader), options);
}

Status BenchServer::DoPut(flight::ServerCallContext&, std::unique_ptr<flight::FlightMessageReader> reader,
                          std::unique_ptr<flight::FlightMetadataWriter> writer) {
  int64_t rows = 0;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(flight::FlightStreamChunk chunk, reader->Next());
    if (chunk.end()) break;
    if (chunk.data) rows += chunk.data->num_rows();
  }
  return writer->WriteMetadata(Buffer::FromString(std::to_string(rows)));
}

Status BenchServer::DoExchange(flight::ServerCallContext&, std::unique_ptr<flight::FlightMessageReader> reader,
                               std::unique_ptr<flight::FlightMessageWriter> writer) {
  bool begun = false;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(flight::FlightStreamChunk chunk, reader->Next());
    if (chunk.end()) break;
    if (!chunk.data) continue;
    if (!begun) {
      QUIVER_RETURN_NOT_OK(writer->Begin(chunk.data->schema()));
      begun = true;
    }
    QUIVER_RETURN_NOT_OK(writer->WriteRecordBatch(*chunk.data));
  }
  return Status::OK();
}

Result<std::unique_ptr<flight::ResultStream>> BenchServer::DoAction(flight::ServerCallContext&,
                                                                    const flight::Action& action) {
  if (action.type != "ping") return Status::KeyError("unknown action '", action.type, "' (quiver bench knows ping)");
  std::vector<flight::FlightResult> results(1);
  results[0].body = Buffer::FromString("ok");
  return std::make_unique<flight::VectorMessageStream<flight::FlightResult>>(std::move(results));
}

Result<std::vector<flight::ActionType>> BenchServer::ListActions(flight::ServerCallContext&) {
  return std::vector<flight::ActionType>{{"ping", "answers ok: the round-trip probe of quiver bench"}};
}

}  // namespace quiver::cli::bench
