// FlightClient and its stream readers and writers, over the transport interface
// (transport_internal.h). The Flight semantics live here; the transport moves
// messages.
#include "quiver/flight/client.h"

#include <utility>

#include "quiver/flight/auth.h"
#include "quiver/flight/status.h"
#include "quiver/flight/tls_material_internal.h"
#include "quiver/flight/transport_internal.h"

namespace quiver::flight {

ClientHandshakeStream::~ClientHandshakeStream() = default;

// --- FlightStreamReader -------------------------------------------------------------------

struct FlightStreamReader::Impl {
  std::shared_ptr<internal::ClientDataCall> call;
  internal::DataStreamReader reader;

  Impl(std::shared_ptr<internal::ClientDataCall> c, const ipc::IpcReadOptions& options)
      : call(std::move(c)), reader([call = call.get()] { return call->Read(); }, options) {}
};

FlightStreamReader::FlightStreamReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FlightStreamReader::~FlightStreamReader() = default;

Result<SchemaPtr> FlightStreamReader::GetSchema() { return impl_->reader.GetSchema(); }
Result<FlightStreamChunk> FlightStreamReader::Next() { return impl_->reader.Next(); }
Result<bool> FlightStreamReader::WaitForNext(std::chrono::milliseconds timeout) {
  return impl_->reader.ReadAhead([&] { return impl_->call->WaitReadable(timeout); }, /*for_schema=*/false);
}
Result<bool> FlightStreamReader::WaitForSchema(std::chrono::milliseconds timeout) {
  return impl_->reader.ReadAhead([&] { return impl_->call->WaitReadable(timeout); }, /*for_schema=*/true);
}
void FlightStreamReader::Cancel() { impl_->call->TryCancel(); }
CallHeaders FlightStreamReader::headers() const { return impl_->call->headers(); }

// --- FlightStreamWriter -------------------------------------------------------------------

struct FlightStreamWriter::Impl {
  std::shared_ptr<internal::ClientDataCall> call;
  int64_t write_size_limit;
  // Sent with the first message, then cleared (DoPut).
  std::optional<FlightDescriptor> descriptor;
  internal::DataStreamWriter writer;

  Impl(std::shared_ptr<internal::ClientDataCall> c, int64_t limit,
       std::optional<FlightDescriptor> d, const FlightWriteOptions& options)
      : call(std::move(c)),
        write_size_limit(limit),
        descriptor(std::move(d)),
        writer([this](const FlightPayload& payload) { return Send(payload); }, options) {}

  Status Send(const FlightPayload& payload) {
    const int64_t size = payload.size();
    if (write_size_limit > 0 && size > write_size_limit) {
      return MakeFlightWriteSizeExceeded(write_size_limit, size);
    }
    QUIVER_RETURN_NOT_OK(call->Write(payload, descriptor.has_value() ? &*descriptor : nullptr));
    descriptor.reset();
    return Status::OK();
  }
};

FlightStreamWriter::FlightStreamWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FlightStreamWriter::~FlightStreamWriter() = default;

Status FlightStreamWriter::Begin(SchemaPtr schema) { return impl_->writer.Begin(std::move(schema)); }

Status FlightStreamWriter::WriteWithMetadata(const RecordBatch& batch,
                                             std::shared_ptr<Buffer> app_metadata) {
  return impl_->writer.WriteWithMetadata(batch, std::move(app_metadata));
}

Status FlightStreamWriter::WriteMetadata(std::shared_ptr<Buffer> app_metadata) {
  return impl_->writer.WriteMetadata(std::move(app_metadata));
}

Status FlightStreamWriter::DoneWriting() { return impl_->call->WritesDone(); }

void FlightStreamWriter::Cancel() { impl_->call->TryCancel(); }

Status FlightStreamWriter::Close() {
  QUIVER_RETURN_NOT_OK(impl_->call->WritesDone());
  return impl_->call->Finish();
}

// --- FlightMetadataReader -----------------------------------------------------------------

FlightMetadataReader::FlightMetadataReader(std::shared_ptr<internal::ClientDataCall> call)
    : call_(std::move(call)) {}
FlightMetadataReader::~FlightMetadataReader() = default;

Result<std::optional<std::shared_ptr<Buffer>>> FlightMetadataReader::ReadMetadata() {
  return call_->ReadPutResult();
}

// --- FlightClient -------------------------------------------------------------------------

FlightClient::FlightClient(std::unique_ptr<internal::ClientTransport> transport,
                           FlightClientOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {}

FlightClient::~FlightClient() = default;

Result<std::unique_ptr<FlightClient>> FlightClient::Connect(const Location& location,
                                                            const FlightClientOptions& options) {
  if (options.write_size_limit_bytes < 0) {
    return Status::Invalid("expected write_size_limit_bytes >= 0 (0: no limit) but found ",
                           options.write_size_limit_bytes);
  }
  if (location.scheme() == kSchemeGrpcTls) QUIVER_RETURN_NOT_OK(internal::CheckClientTlsMaterial(options));
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<internal::ClientTransport> transport,
                         internal::MakeGrpcClientTransport(location, options));
  return std::unique_ptr<FlightClient>(new FlightClient(std::move(transport), options));
}

Status FlightClient::CheckOpen() const {
  if (closed_.load()) return Status::Invalid("the FlightClient is closed");
  return Status::OK();
}

Result<std::unique_ptr<ClientHandshakeStream>> FlightClient::Handshake(const FlightCallOptions& options) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  return transport_->Handshake(options);
}

FlightCallOptions FlightClient::WithToken(const FlightCallOptions& options) const {
  std::lock_guard<std::mutex> lock(token_mutex_);
  if (!token_.has_value()) return options;
  FlightCallOptions with_token = options;
  with_token.headers.emplace_back(kAuthTokenHeader, *token_);
  return with_token;
}

Status FlightClient::Authenticate(const FlightCallOptions& options, std::unique_ptr<ClientAuthHandler> handler) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  if (handler == nullptr) return Status::Invalid("Authenticate needs an auth handler");
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ClientHandshakeStream> stream, transport_->Handshake(options));
  Status authenticated = handler->Authenticate(stream.get());
  // The server's verdict comes first: a refused Handshake says why.
  Status finished = stream->Finish();
  QUIVER_RETURN_NOT_OK(finished);
  QUIVER_RETURN_NOT_OK(authenticated);
  QUIVER_ASSIGN_OR_RAISE(std::string token, handler->GetToken());
  std::lock_guard<std::mutex> lock(token_mutex_);
  token_ = std::move(token);
  return Status::OK();
}

Result<std::pair<std::string, std::string>> FlightClient::AuthenticateBasicToken(
    const FlightCallOptions& options, const std::string& username, const std::string& password) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  FlightCallOptions handshake = options;
  handshake.headers.emplace_back(kAuthorizationHeader, "Basic " + Base64Encode(username + ":" + password));
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ClientHandshakeStream> stream, transport_->Handshake(handshake));
  QUIVER_RETURN_NOT_OK(stream->DoneWriting());
  QUIVER_RETURN_NOT_OK(stream->Finish());
  for (const auto& [key, value] : stream->headers()) {
    if (key == kAuthorizationHeader && value.size() > 7 && value.compare(0, 7, "Bearer ") == 0) {
      return std::make_pair(std::string(kAuthorizationHeader), value);
    }
  }
  return MakeFlightError(FlightStatusCode::Unauthenticated,
                         "the server answered the Basic-authenticated Handshake without an "
                         "'authorization: Bearer <token>' header");
}

Result<std::unique_ptr<FlightListing>> FlightClient::ListFlights(const FlightCallOptions& options,
                                                                 const Criteria& criteria) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  return transport_->ListFlights(WithToken(options), criteria);
}

Result<FlightInfo> FlightClient::GetFlightInfo(const FlightCallOptions& options,
                                               const FlightDescriptor& descriptor) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  return transport_->GetFlightInfo(WithToken(options), descriptor);
}

Result<PollInfo> FlightClient::PollFlightInfo(const FlightCallOptions& options,
                                              const FlightDescriptor& descriptor) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  return transport_->PollFlightInfo(WithToken(options), descriptor);
}

Result<SchemaPtr> FlightClient::GetSchema(const FlightCallOptions& options,
                                          const FlightDescriptor& descriptor) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  QUIVER_ASSIGN_OR_RAISE(SchemaResult result, transport_->GetSchema(WithToken(options), descriptor));
  return result.GetSchema();
}

Result<std::unique_ptr<FlightStreamReader>> FlightClient::DoGet(const FlightCallOptions& options,
                                                                const Ticket& ticket) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<internal::ClientDataCall> call, transport_->DoGet(WithToken(options), ticket));
  auto impl = std::make_unique<FlightStreamReader::Impl>(std::move(call), options.read_options);
  return std::unique_ptr<FlightStreamReader>(new FlightStreamReader(std::move(impl)));
}

Result<FlightClient::DoPutResult> FlightClient::DoPut(const FlightCallOptions& options,
                                                      const FlightDescriptor& descriptor,
                                                      SchemaPtr schema) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  // Refuse an unsendable descriptor before opening the call.
  QUIVER_RETURN_NOT_OK(descriptor.SerializeToString().status());
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<internal::ClientDataCall> opened, transport_->DoPut(WithToken(options)));
  std::shared_ptr<internal::ClientDataCall> call = std::move(opened);
  auto impl = std::make_unique<FlightStreamWriter::Impl>(call, options_.write_size_limit_bytes, descriptor,
                                                         options.write_options);
  DoPutResult result;
  result.writer.reset(new FlightStreamWriter(std::move(impl)));
  result.reader.reset(new FlightMetadataReader(call));
  if (schema != nullptr) QUIVER_RETURN_NOT_OK(result.writer->Begin(std::move(schema)));
  return result;
}

Result<FlightClient::DoExchangeResult> FlightClient::DoExchange(const FlightCallOptions& options,
                                                                const FlightDescriptor& descriptor) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  QUIVER_RETURN_NOT_OK(descriptor.SerializeToString().status());
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<internal::ClientDataCall> opened, transport_->DoExchange(WithToken(options)));
  std::shared_ptr<internal::ClientDataCall> call = std::move(opened);
  // The descriptor goes first, alone, so the server can route the call before any data.
  QUIVER_RETURN_NOT_OK(call->Write(FlightPayload{}, &descriptor));
  DoExchangeResult result;
  result.writer.reset(new FlightStreamWriter(std::make_unique<FlightStreamWriter::Impl>(
      call, options_.write_size_limit_bytes, std::nullopt, options.write_options)));
  result.reader.reset(
      new FlightStreamReader(std::make_unique<FlightStreamReader::Impl>(call, options.read_options)));
  return result;
}

Result<std::unique_ptr<ResultStream>> FlightClient::DoAction(const FlightCallOptions& options,
                                                             const Action& action) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  return transport_->DoAction(WithToken(options), action);
}

Result<std::vector<ActionType>> FlightClient::ListActions(const FlightCallOptions& options) {
  QUIVER_RETURN_NOT_OK(CheckOpen());
  return transport_->ListActions(WithToken(options));
}

namespace {

// Runs a well-known action whose answer is one serialized message.
template <typename Response, typename Request>
Result<Response> RunWellKnownAction(FlightClient* client, const FlightCallOptions& options,
                                    std::string_view type, const Request& request) {
  QUIVER_ASSIGN_OR_RAISE(std::string body, request.SerializeToString());
  Action action{std::string(type), Buffer::FromString(std::move(body))};
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ResultStream> results, client->DoAction(options, action));
  QUIVER_ASSIGN_OR_RAISE(std::optional<FlightResult> first, results->Next());
  if (!first.has_value()) {
    return Status::IOError("the server answered the ", type, " action with no result");
  }
  // Read to the end, so that an error the server reports after the result is not lost.
  QUIVER_ASSIGN_OR_RAISE(std::vector<FlightResult> rest, results->ReadAll());
  (void)rest;
  const std::string_view bytes = first->body != nullptr ? first->body->view() : std::string_view();
  Result<Response> response = Response::Deserialize(bytes);
  if (!response.ok()) {
    return response.status().WithContext("invalid " + std::string(type) + " result from the server");
  }
  return response;
}

}  // namespace

Result<CancelFlightInfoResult> FlightClient::CancelFlightInfo(const FlightCallOptions& options,
                                                              const CancelFlightInfoRequest& request) {
  return RunWellKnownAction<CancelFlightInfoResult>(this, options, kActionCancelFlightInfo, request);
}

Result<FlightEndpoint> FlightClient::RenewFlightEndpoint(const FlightCallOptions& options,
                                                         const RenewFlightEndpointRequest& request) {
  return RunWellKnownAction<FlightEndpoint>(this, options, kActionRenewFlightEndpoint, request);
}

Status FlightClient::Close() {
  if (closed_.exchange(true)) return Status::OK();
  return transport_->Close();
}

}  // namespace quiver::flight
