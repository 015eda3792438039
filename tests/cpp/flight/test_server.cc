#include "test_server.h"

#include "flight_test_util.h"
#include "test_tables.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

namespace quiver::flight::testing {

namespace {

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

Result<std::optional<FlightStreamChunk>> NoMoreChunks() { return std::optional<FlightStreamChunk>(); }

}  // namespace

Status ScriptedError(const std::string& kind) {
  const std::pair<const char*, FlightStatusCode> flight_kinds[] = {
      {"Internal", FlightStatusCode::Internal},         {"TimedOut", FlightStatusCode::TimedOut},
      {"Cancelled", FlightStatusCode::Cancelled},       {"Unauthenticated", FlightStatusCode::Unauthenticated},
      {"Unauthorized", FlightStatusCode::Unauthorized}, {"Unavailable", FlightStatusCode::Unavailable},
      {"Failed", FlightStatusCode::Failed},
  };
  for (const auto& [name, code] : flight_kinds) {
    if (kind == name) return MakeFlightError(code, kind + " happened", "extra:" + kind);
  }
  if (kind == "KeyError") return Status::KeyError("no such key");
  if (kind == "Invalid") return Status::Invalid("bad argument");
  if (kind == "NotImplemented") return Status::NotImplemented("not there");
  if (kind == "AlreadyExists") return Status::AlreadyExists("already there");
  if (kind == "TypeError") return Status::TypeError("wrong type");
  if (kind == "IOError") return Status::IOError("disk on fire");
  if (kind == "Cancelled-arrow") return Status::Cancelled("stopped");
  return Status::Invalid("unknown scripted error kind '", kind, "'");
}

bool TestServer::WaitForCancellation() {
  std::unique_lock<std::mutex> lock(mutex_);
  return cancelled_cv_.wait_for(lock, std::chrono::minutes(1), [&] { return saw_cancellation_; });
}

void TestServer::Record(const ServerCallContext& context) {
  std::lock_guard<std::mutex> lock(mutex_);
  recorded_.methods.push_back(context.method());
  recorded_.headers = context.incoming_headers();
  recorded_.peer = context.peer();
}

void TestServer::AwaitCancellation(const ServerCallContext& context) {
  // Polls: a handler has no other way to learn of cancellation while it works.
  while (!context.is_cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  NoteCancellation();
}

void TestServer::NoteCancellation() {
  std::lock_guard<std::mutex> lock(mutex_);
  saw_cancellation_ = true;
  cancelled_cv_.notify_all();
}

// Notes a cancellation the server saw before asking the stream for more: the
// transport stops pulling from a stream whose call was cancelled, and closes it.
class TestServer::CancellationWatcher final : public FlightDataStream {
 public:
  CancellationWatcher(std::unique_ptr<FlightDataStream> inner, TestServer* server, ServerCallContext* context)
      : inner_(std::move(inner)), server_(server), context_(context) {}
  SchemaPtr schema() const override { return inner_->schema(); }
  Result<FlightPayload> GetSchemaPayload() override { return inner_->GetSchemaPayload(); }
  Result<std::optional<FlightPayload>> Next() override { return inner_->Next(); }
  Status Close() override {
    if (context_->is_cancelled()) server_->NoteCancellation();
    return inner_->Close();
  }

 private:
  std::unique_ptr<FlightDataStream> inner_;
  TestServer* server_;
  ServerCallContext* context_;
};

void TestServer::AddStandardData() {
  tables["ints"] = IntsTable();
  tables["empty"] = MakeTable({}, Int64Schema());
  tables["dict"] = DictionaryTable();
  tables["every-type"] = EveryTypeTable();
  tables["big"] = MakeTable({MakeInt64Batch(1 << 20, 7)});  // 8 MiB, over gRPC's default 4 MiB
  chunks_schema = Int64Schema();
  chunks = {
      {nullptr, Buffer::FromString("m0")},
      {MakeInt64Batch(3, 0), Buffer::FromString("m1")},
      {nullptr, Buffer::FromString("m2")},
      {MakeInt64Batch(2, 10), nullptr},
      {MakeInt64Batch(0, 0), Buffer::FromString("m4")},
      {nullptr, Buffer::FromString("m5")},
  };
}

Result<TablePtr> TestServer::FindTable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tables.find(name);
  if (it == tables.end()) return Status::KeyError("unknown dataset '", name, "'");
  return it->second;
}

Result<FlightInfo> TestServer::InfoFor(const std::string& name) const {
  QUIVER_ASSIGN_OR_RAISE(TablePtr table, FindTable(name));
  FlightEndpoint endpoint{Ticket{"table:" + name}, {}, std::nullopt, "endpoint-meta"};
  return FlightInfo::Make(*table->schema(), FlightDescriptor::Path({name}), {endpoint}, table->num_rows(), -1,
                          /*ordered=*/true, "info-meta:" + name);
}

Status TestServer::Handshake(ServerCallContext& context, ServerHandshakeStream* stream) {
  Record(context);
  QUIVER_RETURN_NOT_OK(context.AddHeader("x-handshake", "started"));
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(std::optional<std::string> payload, stream->Read());
    if (!payload.has_value()) break;
    QUIVER_RETURN_NOT_OK(stream->Write("ack:" + *payload));
  }
  return Status::OK();
}

Result<std::unique_ptr<FlightListing>> TestServer::ListFlights(ServerCallContext& context, const Criteria& criteria) {
  Record(context);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    recorded_.criteria = criteria;
  }
  if (StartsWith(criteria.expression, "raise:")) return ScriptedError(criteria.expression.substr(6));
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, table] : tables) names.push_back(name);
  }
  std::vector<FlightInfo> infos;
  for (const std::string& name : names) {
    QUIVER_ASSIGN_OR_RAISE(FlightInfo info, InfoFor(name));
    infos.push_back(std::move(info));
  }
  return std::unique_ptr<FlightListing>(std::make_unique<VectorMessageStream<FlightInfo>>(std::move(infos)));
}

Result<FlightInfo> TestServer::GetFlightInfo(ServerCallContext& context, const FlightDescriptor& descriptor) {
  Record(context);
  if (descriptor.type == DescriptorType::CMD) {
    if (StartsWith(descriptor.cmd, "raise:")) return ScriptedError(descriptor.cmd.substr(6));
    if (descriptor.cmd == "until-cancelled") {
      AwaitCancellation(context);
      return MakeFlightError(FlightStatusCode::Cancelled, "noticed the cancellation");
    }
    return Status::KeyError("unknown command '", descriptor.cmd, "'");
  }
  if (descriptor.path.size() != 1) return Status::KeyError("expected a path of one component");
  return InfoFor(descriptor.path[0]);
}

Result<PollInfo> TestServer::PollFlightInfo(ServerCallContext& context, const FlightDescriptor& descriptor) {
  Record(context);
  if (descriptor.type == DescriptorType::CMD && StartsWith(descriptor.cmd, "raise:")) {
    return ScriptedError(descriptor.cmd.substr(6));
  }
  if (descriptor.path.size() != 1) return Status::KeyError("expected a path of one component");
  QUIVER_ASSIGN_OR_RAISE(FlightInfo info, InfoFor(descriptor.path[0]));
  PollInfo poll;
  poll.info = std::move(info);
  poll.descriptor = FlightDescriptor::Command("poll-again");
  poll.progress = 0.25;
  poll.expiration_time = Timestamp(std::chrono::seconds(1700000000));
  return poll;
}

Result<SchemaResult> TestServer::GetSchema(ServerCallContext& context, const FlightDescriptor& descriptor) {
  Record(context);
  if (descriptor.type == DescriptorType::CMD && StartsWith(descriptor.cmd, "raise:")) {
    return ScriptedError(descriptor.cmd.substr(6));
  }
  if (descriptor.path.size() != 1) return Status::KeyError("expected a path of one component");
  QUIVER_ASSIGN_OR_RAISE(TablePtr table, FindTable(descriptor.path[0]));
  return SchemaResult::Make(*table->schema());
}

Result<std::unique_ptr<FlightDataStream>> TestServer::DoGet(ServerCallContext& context, const Ticket& ticket) {
  Record(context);
  const std::string& command = ticket.ticket;
  if (StartsWith(command, "table:")) {
    QUIVER_ASSIGN_OR_RAISE(TablePtr table, FindTable(command.substr(6)));
    return std::unique_ptr<FlightDataStream>(std::make_unique<RecordBatchStream>(table, write_options));
  }
  if (command == "headers") {
    QUIVER_RETURN_NOT_OK(context.AddHeader("x-server", "hello"));
    QUIVER_RETURN_NOT_OK(context.AddTrailer("x-trailer-bin", std::string("\0\xff", 2)));
    QUIVER_ASSIGN_OR_RAISE(TablePtr table, FindTable("ints"));
    return std::unique_ptr<FlightDataStream>(std::make_unique<RecordBatchStream>(table, write_options));
  }
  if (command == "chunks") {
    auto next = std::make_shared<size_t>(0);
    return std::unique_ptr<FlightDataStream>(std::make_unique<GeneratorStream>(
        chunks_schema,
        [this, next]() -> Result<std::optional<FlightStreamChunk>> {
          if (*next >= chunks.size()) return NoMoreChunks();
          return std::optional<FlightStreamChunk>(chunks[(*next)++]);
        },
        write_options));
  }
  if (StartsWith(command, "raise:")) return ScriptedError(command.substr(6));
  if (StartsWith(command, "fail-after-one:")) {
    QUIVER_ASSIGN_OR_RAISE(TablePtr table, FindTable(command.substr(15)));
    QUIVER_ASSIGN_OR_RAISE(RecordBatchVector batches, table->ToBatches());
    auto sent = std::make_shared<bool>(false);
    return std::unique_ptr<FlightDataStream>(std::make_unique<GeneratorStream>(
        table->schema(), [batches, sent]() -> Result<std::optional<FlightStreamChunk>> {
          if (*sent) return MakeFlightError(FlightStatusCode::Internal, "failed mid-stream", "mid");
          *sent = true;
          return std::optional<FlightStreamChunk>(FlightStreamChunk{batches.at(0), nullptr});
        }));
  }
  if (command == "until-cancelled") {
    QUIVER_ASSIGN_OR_RAISE(TablePtr table, FindTable("ints"));
    QUIVER_ASSIGN_OR_RAISE(RecordBatchVector batches, table->ToBatches());
    auto sent = std::make_shared<bool>(false);
    ServerCallContext* call = &context;
    auto inner = std::make_unique<GeneratorStream>(
        table->schema(), [this, batches, sent, call]() -> Result<std::optional<FlightStreamChunk>> {
          if (!*sent) {
            *sent = true;
            return std::optional<FlightStreamChunk>(FlightStreamChunk{batches.at(0), nullptr});
          }
          AwaitCancellation(*call);
          return MakeFlightError(FlightStatusCode::Cancelled, "noticed the cancellation");
        });
    return std::unique_ptr<FlightDataStream>(std::make_unique<CancellationWatcher>(std::move(inner), this, call));
  }
  return Status::KeyError("unknown ticket '", command, "'");
}

Status TestServer::DoPut(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
                         std::unique_ptr<FlightMetadataWriter> writer) {
  Record(context);
  const FlightDescriptor descriptor = reader->descriptor();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    recorded_.put_descriptor = descriptor;
    recorded_.put_chunks.clear();
  }
  const bool raise_after_first = StartsWith(descriptor.cmd, "raise-after-first:");
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(FlightStreamChunk chunk, reader->Next());
    if (chunk.end()) break;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      recorded_.put_chunks.push_back(chunk);
    }
    if (raise_after_first) return ScriptedError(descriptor.cmd.substr(18));
    if (chunk.app_metadata != nullptr) {
      QUIVER_RETURN_NOT_OK(writer->WriteMetadata(Buffer::FromString("ack:" + chunk.app_metadata->ToString())));
    }
  }
  if (descriptor.type == DescriptorType::PATH && descriptor.path.size() == 1) {
    QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, reader->GetSchema());
    RecordBatchVector batches;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const FlightStreamChunk& chunk : recorded_.put_chunks) {
      if (chunk.data != nullptr) batches.push_back(chunk.data);
    }
    QUIVER_ASSIGN_OR_RAISE(tables[descriptor.path[0]], Table::FromRecordBatches(schema, batches));
  }
  return Status::OK();
}

Status TestServer::DoExchange(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
                              std::unique_ptr<FlightMessageWriter> writer) {
  Record(context);
  const std::string command = reader->descriptor().cmd;
  if (StartsWith(command, "raise:")) return ScriptedError(command.substr(6));
  if (command == "server-only") {
    QUIVER_RETURN_NOT_OK(writer->Begin(chunks_schema));
    for (const FlightStreamChunk& chunk : chunks) {
      if (chunk.data != nullptr) {
        QUIVER_RETURN_NOT_OK(writer->WriteWithMetadata(*chunk.data, chunk.app_metadata));
      } else {
        QUIVER_RETURN_NOT_OK(writer->WriteMetadata(chunk.app_metadata));
      }
    }
    return Status::OK();
  }
  if (command != "echo") return Status::KeyError("unknown exchange '", command, "'");
  bool begun = false;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(FlightStreamChunk chunk, reader->Next());
    if (chunk.end()) return Status::OK();
    if (chunk.data != nullptr) {
      if (!begun) {
        QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, reader->GetSchema());
        QUIVER_RETURN_NOT_OK(writer->Begin(schema));
        begun = true;
      }
      QUIVER_RETURN_NOT_OK(writer->WriteWithMetadata(*chunk.data, chunk.app_metadata));
    } else {
      QUIVER_RETURN_NOT_OK(writer->WriteMetadata(chunk.app_metadata));
    }
  }
}

Result<std::unique_ptr<ResultStream>> TestServer::DoAction(ServerCallContext& context, const Action& action) {
  Record(context);
  const std::string body = action.body != nullptr ? action.body->ToString() : std::string();
  std::vector<FlightResult> results;
  if (action.type == "echo") {
    results.push_back(FlightResult{Buffer::FromString(body)});
    results.push_back(FlightResult{Buffer::FromString(std::string(body.rbegin(), body.rend()))});
  } else if (action.type == "count") {
    const int n = std::stoi(body);
    for (int i = 0; i < n; ++i) results.push_back(FlightResult{Buffer::FromString(std::to_string(i))});
  } else if (action.type == "raise") {
    return ScriptedError(body);
  } else {
    return Status::NotImplemented("unknown action '", action.type, "'");
  }
  return std::unique_ptr<ResultStream>(std::make_unique<VectorMessageStream<FlightResult>>(std::move(results)));
}

Result<std::vector<ActionType>> TestServer::ListActions(ServerCallContext& context) {
  Record(context);
  return std::vector<ActionType>{{"echo", "the body, then reversed"}, {"count", "n results"}, {"raise", "an error"}};
}

Result<CancelFlightInfoResult> TestServer::CancelFlightInfo(ServerCallContext& context,
                                                            const CancelFlightInfoRequest& request) {
  Record(context);
  if (request.info.app_metadata == "not-cancellable") return CancelFlightInfoResult{CancelStatus::NOT_CANCELLABLE};
  return CancelFlightInfoResult{CancelStatus::CANCELLED};
}

Result<FlightEndpoint> TestServer::RenewFlightEndpoint(ServerCallContext& context,
                                                       const RenewFlightEndpointRequest& request) {
  Record(context);
  FlightEndpoint endpoint = request.endpoint;
  endpoint.expiration_time = Timestamp(std::chrono::seconds(2000000000));
  return endpoint;
}

}  // namespace quiver::flight::testing
