// FlightServerBase and the transport-independent body of each RPC: what a data
// call does with the handler's stream, reader and writer, and the dispatch of
// the well-known actions.
#include "quiver/flight/server.h"

#include <condition_variable>
#include <utility>

#include "quiver/flight/status.h"
#include "quiver/flight/tls_material_internal.h"
#include "quiver/flight/transport_internal.h"

namespace quiver::flight {

ServerCallContext::~ServerCallContext() = default;
FlightMetadataWriter::~FlightMetadataWriter() = default;
ServerHandshakeStream::~ServerHandshakeStream() = default;

// --- Lifecycle ----------------------------------------------------------------------------

struct FlightServerBase::ShutdownState {
  std::condition_variable finished;
  bool in_progress = false;
  bool done = false;
  Status status;
};

FlightServerBase::FlightServerBase() : shutdown_state_(std::make_unique<ShutdownState>()) {}

FlightServerBase::~FlightServerBase() {
  bool running;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running = transport_ != nullptr && !shutdown_state_->done;
  }
  if (running) (void)Shutdown();
}

Status FlightServerBase::Init(const FlightServerOptions& options) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (transport_ != nullptr) return Status::Invalid("the server was already initialized");
  QUIVER_RETURN_NOT_OK(internal::CheckServerTlsMaterial(options));
  options_ = std::make_unique<FlightServerOptions>(options);
  Result<std::unique_ptr<internal::ServerTransport>> transport =
      internal::MakeGrpcServerTransport(this, *options_);
  if (!transport.ok()) {
    options_.reset();
    return transport.status();
  }
  transport_ = transport.MoveValueUnsafe();
  return Status::OK();
}

int FlightServerBase::port() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return transport_ != nullptr ? transport_->port() : -1;
}

Result<Location> FlightServerBase::location() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (transport_ == nullptr) return Status::Invalid("the server has no location before Init");
  return transport_->location();
}

const FlightServerOptions* FlightServerBase::options() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return options_.get();
}

Status FlightServerBase::Serve() { return Wait(); }

Status FlightServerBase::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (transport_ == nullptr) return Status::Invalid("the server must be initialized (Init) first");
  shutdown_state_->finished.wait(lock, [&] { return shutdown_state_->done; });
  return shutdown_state_->status;
}

Status FlightServerBase::Shutdown(std::optional<std::chrono::system_clock::time_point> deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (transport_ == nullptr) return Status::Invalid("the server must be initialized (Init) first");
  ShutdownState& state = *shutdown_state_;
  if (state.in_progress) {
    state.finished.wait(lock, [&] { return state.done; });
    return state.status;
  }
  state.in_progress = true;
  internal::ServerTransport* transport = transport_.get();
  lock.unlock();
  // Without the lock: calls in flight may still ask for port() or options().
  Status status = transport->Shutdown(deadline);
  lock.lock();
  state.status = status;
  state.done = true;
  state.finished.notify_all();
  return status;
}

// --- Default handlers ---------------------------------------------------------------------

namespace {

Status Unimplemented(const char* rpc) {
  return Status::NotImplemented(rpc, " is not implemented by this Flight server");
}

}  // namespace

Status FlightServerBase::Handshake(ServerCallContext&, ServerHandshakeStream*) {
  return Status::NotImplemented("This service does not have an authentication mechanism enabled.");
}

Result<std::unique_ptr<FlightListing>> FlightServerBase::ListFlights(ServerCallContext&, const Criteria&) {
  return Unimplemented("ListFlights");
}

Result<FlightInfo> FlightServerBase::GetFlightInfo(ServerCallContext&, const FlightDescriptor&) {
  return Unimplemented("GetFlightInfo");
}

Result<PollInfo> FlightServerBase::PollFlightInfo(ServerCallContext&, const FlightDescriptor&) {
  return Unimplemented("PollFlightInfo");
}

Result<SchemaResult> FlightServerBase::GetSchema(ServerCallContext&, const FlightDescriptor&) {
  return Unimplemented("GetSchema");
}

Result<std::unique_ptr<FlightDataStream>> FlightServerBase::DoGet(ServerCallContext&, const Ticket&) {
  return Unimplemented("DoGet");
}

Status FlightServerBase::DoPut(ServerCallContext&, std::unique_ptr<FlightMessageReader>,
                               std::unique_ptr<FlightMetadataWriter>) {
  return Unimplemented("DoPut");
}

Status FlightServerBase::DoExchange(ServerCallContext&, std::unique_ptr<FlightMessageReader>,
                                    std::unique_ptr<FlightMessageWriter>) {
  return Unimplemented("DoExchange");
}

Result<std::unique_ptr<ResultStream>> FlightServerBase::DoAction(ServerCallContext&, const Action& action) {
  return Status::NotImplemented("action '", action.type, "' is not implemented by this Flight server");
}

Result<std::vector<ActionType>> FlightServerBase::ListActions(ServerCallContext&) {
  return Unimplemented("ListActions");
}

Result<CancelFlightInfoResult> FlightServerBase::CancelFlightInfo(ServerCallContext&,
                                                                  const CancelFlightInfoRequest&) {
  return Unimplemented("CancelFlightInfo");
}

Result<FlightEndpoint> FlightServerBase::RenewFlightEndpoint(ServerCallContext&,
                                                             const RenewFlightEndpointRequest&) {
  return Unimplemented("RenewFlightEndpoint");
}

// --- The data RPCs ------------------------------------------------------------------------

namespace internal {

namespace {

class ServerMessageReader final : public FlightMessageReader {
 public:
  ServerMessageReader(std::shared_ptr<ServerDataCall> call, const ipc::IpcReadOptions& options)
      : call_(std::move(call)), reader_([call = call_.get()] { return call->Read(); }, options) {}

  // Reads the first message, which must carry the descriptor.
  Status Start(const char* rpc) {
    QUIVER_ASSIGN_OR_RAISE(std::optional<FlightDescriptor> descriptor, reader_.ReadFirstMessage());
    if (!descriptor.has_value()) {
      return Status::Invalid("expected the first ", rpc,
                             " message to carry a flight descriptor but found none");
    }
    descriptor_ = std::move(*descriptor);
    return Status::OK();
  }

  const FlightDescriptor& descriptor() const override { return descriptor_; }
  Result<SchemaPtr> GetSchema() override { return reader_.GetSchema(); }
  Result<FlightStreamChunk> Next() override { return reader_.Next(); }

 private:
  std::shared_ptr<ServerDataCall> call_;
  DataStreamReader reader_;
  FlightDescriptor descriptor_;
};

class ServerMessageWriter final : public FlightMessageWriter {
 public:
  ServerMessageWriter(std::shared_ptr<ServerDataCall> call, const FlightWriteOptions& options)
      : call_(std::move(call)),
        writer_([call = call_.get()](const FlightPayload& payload) { return call->Write(payload); },
                options) {}

  Status Begin(SchemaPtr schema) override { return writer_.Begin(std::move(schema)); }
  Status WriteWithMetadata(const RecordBatch& batch, std::shared_ptr<Buffer> app_metadata) override {
    return writer_.WriteWithMetadata(batch, std::move(app_metadata));
  }
  Status WriteMetadata(std::shared_ptr<Buffer> app_metadata) override {
    return writer_.WriteMetadata(std::move(app_metadata));
  }

 private:
  std::shared_ptr<ServerDataCall> call_;
  DataStreamWriter writer_;
};

class ServerMetadataWriter final : public FlightMetadataWriter {
 public:
  explicit ServerMetadataWriter(std::shared_ptr<ServerDataCall> call) : call_(std::move(call)) {}
  Status WriteMetadata(std::shared_ptr<Buffer> app_metadata) override {
    if (app_metadata == nullptr) {
      return Status::Invalid("WriteMetadata needs app_metadata but was given null");
    }
    return call_->WritePutResult(std::move(app_metadata));
  }

 private:
  std::shared_ptr<ServerDataCall> call_;
};

Status SendStream(FlightDataStream& stream, ServerCallContext& context, ServerDataCall& call) {
  QUIVER_ASSIGN_OR_RAISE(FlightPayload schema, stream.GetSchemaPayload());
  QUIVER_RETURN_NOT_OK(call.Write(schema));
  while (true) {
    // Checked between messages: a cancelled DoGet stops producing at once.
    if (context.is_cancelled()) {
      return MakeFlightError(FlightStatusCode::Cancelled, "the DoGet was cancelled");
    }
    QUIVER_ASSIGN_OR_RAISE(std::optional<FlightPayload> payload, stream.Next());
    if (!payload.has_value()) return Status::OK();
    QUIVER_RETURN_NOT_OK(call.Write(*payload));
  }
}

}  // namespace

Status ServeDoGet(FlightServerBase* server, ServerCallContext& context, const Ticket& ticket,
                  const std::shared_ptr<ServerDataCall>& call) {
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<FlightDataStream> stream, server->DoGet(context, ticket));
  if (stream == nullptr) return Status::Invalid("the DoGet handler returned no stream");
  Status sent = SendStream(*stream, context, *call);
  Status closed = stream->Close();
  return sent.ok() ? closed : sent;
}

Status ServeDoPut(FlightServerBase* server, ServerCallContext& context,
                  const std::shared_ptr<ServerDataCall>& call) {
  auto reader = std::make_unique<ServerMessageReader>(call, server->options()->read_options);
  QUIVER_RETURN_NOT_OK(reader->Start("DoPut"));
  auto writer = std::make_unique<ServerMetadataWriter>(call);
  return server->DoPut(context, std::move(reader), std::move(writer));
}

Status ServeDoExchange(FlightServerBase* server, ServerCallContext& context,
                       const std::shared_ptr<ServerDataCall>& call) {
  const FlightServerOptions* options = server->options();
  auto reader = std::make_unique<ServerMessageReader>(call, options->read_options);
  QUIVER_RETURN_NOT_OK(reader->Start("DoExchange"));
  auto writer = std::make_unique<ServerMessageWriter>(call, options->write_options);
  return server->DoExchange(context, std::move(reader), std::move(writer));
}

namespace {

// Decodes a well-known action's request, runs its handler, encodes the one result.
template <typename Request, typename Handler>
Result<std::unique_ptr<ResultStream>> RunWellKnownAction(const Action& action, Handler handler) {
  const std::string_view body = action.body != nullptr ? action.body->view() : std::string_view();
  Result<Request> request = Request::Deserialize(body);
  if (!request.ok()) return request.status().WithContext("invalid body of the " + action.type + " action");
  QUIVER_ASSIGN_OR_RAISE(auto response, handler(*request));
  QUIVER_ASSIGN_OR_RAISE(std::string bytes, response.SerializeToString());
  std::vector<FlightResult> results;
  results.push_back(FlightResult{Buffer::FromString(std::move(bytes))});
  return std::unique_ptr<ResultStream>(std::make_unique<VectorMessageStream<FlightResult>>(std::move(results)));
}

}  // namespace

Result<std::unique_ptr<ResultStream>> ServeDoAction(FlightServerBase* server, ServerCallContext& context,
                                                    const Action& action) {
  if (action.type == kActionCancelFlightInfo) {
    return RunWellKnownAction<CancelFlightInfoRequest>(
        action, [&](const CancelFlightInfoRequest& request) { return server->CancelFlightInfo(context, request); });
  }
  if (action.type == kActionRenewFlightEndpoint) {
    return RunWellKnownAction<RenewFlightEndpointRequest>(action, [&](const RenewFlightEndpointRequest& request) {
      return server->RenewFlightEndpoint(context, request);
    });
  }
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ResultStream> results, server->DoAction(context, action));
  if (results == nullptr) {
    return std::unique_ptr<ResultStream>(std::make_unique<VectorMessageStream<FlightResult>>(std::vector<FlightResult>{}));
  }
  return results;
}

}  // namespace internal

}  // namespace quiver::flight
