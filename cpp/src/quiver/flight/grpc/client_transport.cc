// The gRPC client transport.
//
// One channel per FlightClient. The data RPCs (DoGet, DoPut, DoExchange) go
// through grpc::GenericStub's asynchronous API, raw grpc::ByteBuffers in and out,
// so FlightData is framed by serialization.cc around our buffers and parsed from
// gRPC's slices without the protobuf copies. (DoGet is server-streaming in
// Flight.proto; on the wire a bidirectional call that sends one message and
// half-closes is the same thing.) Each data call has a completion queue of its
// own, polled by the application's threads while they wait on the call
// (GrpcClientDataCall): no gRPC thread sits between the socket and the reader,
// so a small message costs no thread switch. One write is in flight at a time;
// data is read a few messages ahead, beyond that the application's Next()
// pulls, so a slow reader holds back the server through gRPC flow control.
// DoPut's PutResults are instead read as they come and queued, so that a client
// that never reads them cannot stall its own upload.
//
// Every other RPC carries small protobuf messages and uses the generated
// synchronous stub; their result streams (ListFlights, DoAction) are read lazily.
//
// Each call's ClientContext carries the FlightCallOptions: deadline, headers, and
// a stop-token callback that cancels it. Final statuses go through
// FromGrpcStatus (status_internal.h) with the call's trailers.
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/support/channel_arguments.h>

#include <climits>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "Flight.grpc.pb.h"
#include "quiver/flight/grpc/protocol_internal.h"
#include "quiver/flight/grpc/serialization_internal.h"
#include "quiver/flight/grpc/status_internal.h"
#include "quiver/flight/malloc_tuning.h"
#include "quiver/flight/status.h"
#include "quiver/flight/transport_internal.h"

namespace quiver::flight::internal {

namespace {

// How many data messages a call takes in ahead of the application: they arrive
// while it waits on the call for something else (a DoExchange's writer), few
// enough that a stalled application pins little memory.
constexpr size_t kDataReadAhead = 4;

constexpr char kDoGetMethod[] = "/arrow.flight.protocol.FlightService/DoGet";
constexpr char kDoPutMethod[] = "/arrow.flight.protocol.FlightService/DoPut";
constexpr char kDoExchangeMethod[] = "/arrow.flight.protocol.FlightService/DoExchange";

CallHeaders ToCallHeaders(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  CallHeaders headers;
  for (const auto& [key, value] : metadata) {
    headers.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
  }
  return headers;
}

// Applies the options to a context before its call starts, and starts the
// call's client middleware (null when there is none), whose headers go with it.
Result<std::unique_ptr<ClientCallMiddleware>> PrepareContext(
    const FlightCallOptions& options, const std::vector<std::shared_ptr<ClientMiddlewareFactory>>& factories,
    FlightMethod method, grpc::ClientContext* context) {
  if (options.timeout.count() > 0) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(options.timeout));
  }
  for (const auto& [key, value] : options.headers) {
    Status valid = ValidateHeader(key, value);
    if (!valid.ok()) return valid.WithContext("invalid FlightCallOptions header");
  }
  HeaderList middleware_headers;
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ClientCallMiddleware> middleware,
                         ClientCallMiddleware::Start(factories, method, &middleware_headers));
  for (const auto& [key, value] : options.headers) context->AddMetadata(key, value);
  for (const auto& [key, value] : middleware_headers) context->AddMetadata(key, value);
  return middleware;
}

Status AbandonedCall() {
  return MakeFlightError(FlightStatusCode::Cancelled, "the call was abandoned before it finished");
}

// A context for one synchronous call, cancelled when the options' stop token fires.
struct CallScope {
  grpc::ClientContext context;
  std::unique_ptr<ClientCallMiddleware> middleware;
  StopCallback stop;  // declared after `context`: unregistered before it is destroyed

  ~CallScope() {
    if (middleware != nullptr) middleware->Complete({}, {}, AbandonedCall());
  }

  Status Init(const FlightCallOptions& options,
              const std::vector<std::shared_ptr<ClientMiddlewareFactory>>& factories, FlightMethod method) {
    QUIVER_ASSIGN_OR_RAISE(middleware, PrepareContext(options, factories, method, &context));
    stop = options.stop_token.OnStop([this] { context.TryCancel(); });
    return Status::OK();
  }

  // The call's status, once gRPC has finished it (initial metadata received).
  Status Finish(const grpc::Status& grpc_status) {
    Status status = FromGrpcStatus(grpc_status, context.GetServerTrailingMetadata());
    if (middleware != nullptr) {
      middleware->Complete(ToCallHeaders(context.GetServerInitialMetadata()),
                           ToCallHeaders(context.GetServerTrailingMetadata()), status);
    }
    return status;
  }
};

template <typename T, typename Message>
Result<T> ConvertReceived(const Message& message, const char* what) {
  Result<T> value = FromProto(message);
  if (!value.ok()) return value.status().WithContext(std::string("invalid ") + what + " from the server");
  return value;
}

// A lazily read server stream of protobuf messages (ListFlights, DoAction).
template <typename T, typename Message>
class GrpcMessageStream final : public MessageStream<T> {
 public:
  GrpcMessageStream(std::unique_ptr<CallScope> scope, const char* what)
      : scope_(std::move(scope)), what_(what) {}

  void set_reader(std::unique_ptr<grpc::ClientReader<Message>> reader) { reader_ = std::move(reader); }

  ~GrpcMessageStream() override {
    if (!finished_) {
      scope_->context.TryCancel();
      (void)reader_->Finish();
    }
  }

  Result<std::optional<T>> Next() override {
    if (finished_) return final_status_.ok() ? Result<std::optional<T>>(std::optional<T>()) : final_status_;
    Message message;
    if (reader_->Read(&message)) {
      QUIVER_ASSIGN_OR_RAISE(T value, (ConvertReceived<T, Message>(message, what_)));
      return std::optional<T>(std::move(value));
    }
    finished_ = true;
    final_status_ = scope_->Finish(reader_->Finish());
    if (!final_status_.ok()) return final_status_;
    return std::optional<T>();
  }

 private:
  std::unique_ptr<CallScope> scope_;
  std::unique_ptr<grpc::ClientReader<Message>> reader_;
  const char* what_;
  bool finished_ = false;
  Status final_status_;
};

// --- Handshake ------------------------------------------------------------------------------

class GrpcHandshakeStream final : public ClientHandshakeStream {
 public:
  explicit GrpcHandshakeStream(std::unique_ptr<CallScope> scope) : scope_(std::move(scope)) {}

  void set_stream(std::unique_ptr<grpc::ClientReaderWriter<pb::HandshakeRequest, pb::HandshakeResponse>> stream) {
    stream_ = std::move(stream);
  }

  ~GrpcHandshakeStream() override {
    if (!finished_) {
      scope_->context.TryCancel();
      (void)stream_->Finish();
    }
  }

  Status Write(std::string payload) override {
    if (finished_ || writes_done_) return Status::Invalid("cannot write to a Handshake stream after DoneWriting or Finish");
    pb::HandshakeRequest request;
    request.set_payload(std::move(payload));
    if (!stream_->Write(request)) {
      Status status = Finish();
      return status.ok() ? Status::IOError("the server ended the Handshake before the client finished writing")
                         : status;
    }
    return Status::OK();
  }

  Status DoneWriting() override {
    if (finished_ || writes_done_) return Status::OK();
    writes_done_ = true;
    (void)stream_->WritesDone();  // a failure shows in Finish()
    return Status::OK();
  }

  Result<std::optional<std::string>> Read() override {
    if (finished_) return final_status_.ok() ? Result<std::optional<std::string>>(std::optional<std::string>()) : final_status_;
    pb::HandshakeResponse response;
    if (stream_->Read(&response)) {
      CaptureInitialHeaders();
      return std::optional<std::string>(std::move(*response.mutable_payload()));
    }
    QUIVER_RETURN_NOT_OK(Finish());
    return std::optional<std::string>();
  }

  Status Finish() override {
    if (finished_) return final_status_;
    QUIVER_RETURN_NOT_OK(DoneWriting());
    pb::HandshakeResponse ignored;
    while (stream_->Read(&ignored)) {
    }
    finished_ = true;
    final_status_ = scope_->Finish(stream_->Finish());
    CaptureInitialHeaders();
    for (auto& [key, value] : ToCallHeaders(scope_->context.GetServerTrailingMetadata())) {
      headers_.emplace(key, value);
    }
    return final_status_;
  }

  CallHeaders headers() const override { return headers_; }

 private:
  void CaptureInitialHeaders() {
    if (captured_initial_) return;
    captured_initial_ = true;
    headers_ = ToCallHeaders(scope_->context.GetServerInitialMetadata());
  }

  std::unique_ptr<CallScope> scope_;
  std::unique_ptr<grpc::ClientReaderWriter<pb::HandshakeRequest, pb::HandshakeResponse>> stream_;
  bool writes_done_ = false;
  bool finished_ = false;
  bool captured_initial_ = false;
  Status final_status_;
  CallHeaders headers_;
};

// --- Data calls -----------------------------------------------------------------------------

enum class DataCallKind { kDoGet, kDoPut, kDoExchange };

// One data call on gRPC's asynchronous API with a completion queue of its own,
// driven by the application's threads: whichever thread waits on the call (for
// a message, for room to write, for the end) polls the queue, so a message is
// read and decoded on the thread that asked for it, as with a synchronous gRPC
// stream, with no hand-off between threads. When two threads wait at once (a
// DoExchange's reader and writer), one polls and the other waits to be told.
class GrpcClientDataCall final : public ClientDataCall {
 public:
  GrpcClientDataCall(DataCallKind kind, MemoryPool* pool) : kind_(kind), pool_(pool) {}

  ~GrpcClientDataCall() override {
    if (call_ != nullptr) {
      bool finishing;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        finishing = finish_started_ || done_;
      }
      // Abandoned mid-call: cancel rather than wait for the server to finish.
      if (!finishing) context_.TryCancel();
      (void)Finish();
    }
    stop_callback_ = StopCallback();
    // Every operation has completed once Finish() has; the queue hands back what
    // is left, then reports that it is empty and shut down.
    completions_.Shutdown();
    void* tag;
    bool ok;
    while (completions_.Next(&tag, &ok)) {
    }
  }

  grpc::ClientContext* context() { return &context_; }

  // Starts the call. `ticket` (DoGet only) is sent at once, with the half-close.
  void Start(grpc::GenericStub* stub, const char* method, std::optional<grpc::ByteBuffer> ticket,
             const StopToken& stop_token, std::unique_ptr<ClientCallMiddleware> middleware) {
    middleware_ = std::move(middleware);
    // A DoGet's headers leave with its ticket in one batch. (Only there: a
    // DoExchange may read before it writes, and its headers must not wait.)
    if (ticket.has_value()) context_.set_initial_metadata_corked(true);
    std::lock_guard<std::mutex> lock(mutex_);
    call_ = stub->PrepareCall(&context_, method, &completions_);
    call_->StartCall(TagOf(Op::kWrite));
    // Uncorked, the headers go out as an operation of gRPC's write slot, which
    // then takes no message until they have gone.
    if (!ticket.has_value()) write_in_flight_ = true;
    if (ticket.has_value()) {
      writes_done_ = true;
      write_in_flight_ = true;
      call_->WriteLast(*ticket, grpc::WriteOptions(), TagOf(Op::kWrite));
    }
    StartReadLocked();
    stop_callback_ = stop_token.OnStop([this] { context_.TryCancel(); });
  }

  // --- ClientDataCall ---

  Status Write(const FlightPayload& payload, const FlightDescriptor* descriptor) override {
    // Framed before waiting, so the message is ready the moment the last one is written.
    QUIVER_ASSIGN_OR_RAISE(grpc::ByteBuffer message, SerializeFlightData(payload, descriptor));
    std::unique_lock<std::mutex> lock(mutex_);
    // gRPC takes one write at a time: this one goes once the last one is written.
    WaitLocked(lock, [&] { return !write_in_flight_ || cancelled_; });
    if (cancelled_) return CancelledByClient();
    if (writes_done_ && !finish_started_) {
      return Status::Invalid("cannot write after DoneWriting or Close");
    }
    if (write_failed_ || finish_started_) {
      lock.unlock();
      return BrokenStreamStatus();
    }
    write_in_flight_ = true;
    // gRPC takes its own reference to the message's slices: nothing is copied.
    call_->Write(message, TagOf(Op::kWrite));
    return Status::OK();
  }

  Status WritesDone() override {
    std::unique_lock<std::mutex> lock(mutex_);
    WaitLocked(lock, [&] { return !write_in_flight_; });
    if (writes_done_ || write_failed_ || finish_started_ || cancelled_) return Status::OK();
    StartWritesDoneLocked();
    return Status::OK();
  }

  Result<std::optional<FlightDataMessage>> Read() override {
    QUIVER_ASSIGN_OR_RAISE(std::optional<grpc::ByteBuffer> message, NextMessage());
    if (!message.has_value()) return std::optional<FlightDataMessage>();
    QUIVER_ASSIGN_OR_RAISE(FlightDataMessage data, DeserializeFlightData(*message, pool_));
    return std::optional<FlightDataMessage>(std::move(data));
  }

  bool WaitReadable(std::chrono::milliseconds timeout) override {
    std::unique_lock<std::mutex> lock(mutex_);
    return WaitLocked(lock, [&] { return ReadableLocked(); }, std::chrono::system_clock::now() + timeout);
  }

  Result<std::optional<std::shared_ptr<Buffer>>> ReadPutResult() override {
    QUIVER_ASSIGN_OR_RAISE(std::optional<grpc::ByteBuffer> message, NextMessage());
    if (!message.has_value()) return std::optional<std::shared_ptr<Buffer>>();
    QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> app_metadata, DeserializePutResult(*message));
    return std::optional<std::shared_ptr<Buffer>>(std::move(app_metadata));
  }

  Status Finish() override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!finish_started_) {
      finish_started_ = true;
      // Unread data is dropped so the server can finish writing; PutResults stay readable.
      draining_ = true;
      if (kind_ != DataCallKind::kDoPut) received_.clear();
      WaitLocked(lock, [&] { return !write_in_flight_; });
      if (!writes_done_ && !write_failed_) StartWritesDoneLocked();
      if (!reads_finished_ && !read_in_flight_) StartReadLocked();
      // gRPC collects the status once the server's messages have all been read.
      WaitLocked(lock, [&] { return reads_finished_ && !read_in_flight_; });
      call_->Finish(&grpc_status_, TagOf(Op::kFinish));
    }
    WaitLocked(lock, [&] { return done_; });
    if (middleware_ != nullptr) {
      // Middleware runs on the application's thread that finished the call (once,
      // however many threads finish it).
      lock.unlock();
      middleware_->Complete(initial_headers_, trailers_, final_status_);
      lock.lock();
    }
    return final_status_;
  }

  // Later reads fail with Cancelled, also when the whole stream had already
  // arrived (read ahead) or the call had ended: what was not read is dropped.
  void TryCancel() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
      if (kind_ != DataCallKind::kDoPut) received_.clear();
      polled_.notify_all();
    }
    // Every operation in flight completes (failed), which wakes the polling thread.
    context_.TryCancel();
  }

  CallHeaders headers() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return headers_;
  }

 private:
  // The start (sending the headers) and the half-close count as writes.
  enum class Op : intptr_t { kRead = 1, kWrite, kFinish };
  static void* TagOf(Op op) { return reinterpret_cast<void*>(static_cast<intptr_t>(op)); }

  // As gRPC reports a cancelled call, so that it reads the same however it is noticed.
  static Status CancelledByClient() {
    return FromGrpcStatus(grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled by the client"), {});
  }

  // Waits until `ready()` holds, polling the call's completion queue on this
  // thread unless another thread is already polling it, in which case this one
  // waits to be woken after each event. False when `deadline` passed first.
  template <typename Ready>
  bool WaitLocked(std::unique_lock<std::mutex>& lock, Ready ready,
                  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max()) {
    while (!ready()) {
      if (polling_) {
        if (deadline == std::chrono::system_clock::time_point::max()) {
          polled_.wait(lock);
        } else if (polled_.wait_until(lock, deadline) == std::cv_status::timeout) {
          return ready();
        }
        continue;
      }
      polling_ = true;
      lock.unlock();
      void* tag = nullptr;
      bool ok = false;
      const grpc::CompletionQueue::NextStatus next = completions_.AsyncNext(&tag, &ok, deadline);
      lock.lock();
      polling_ = false;
      if (next == grpc::CompletionQueue::GOT_EVENT) OnCompletionLocked(static_cast<Op>(reinterpret_cast<intptr_t>(tag)), ok);
      // Another waiter may be ready now, or may take over the polling.
      polled_.notify_all();
      if (next != grpc::CompletionQueue::GOT_EVENT) return ready();
    }
    return true;
  }

  void OnCompletionLocked(Op op, bool ok) {
    switch (op) {
      case Op::kRead:
        read_in_flight_ = false;
        if (!initial_headers_seen_) {
          // The first read also received the server's headers (or learned there are none).
          initial_headers_seen_ = true;
          headers_ = ToCallHeaders(context_.GetServerInitialMetadata());
          initial_headers_ = headers_;
        }
        if (!ok) {
          reads_finished_ = true;
        } else if (draining_ && kind_ != DataCallKind::kDoPut) {
          read_buffer_.Clear();  // discarded
          StartReadLocked();
        } else {
          received_.push_back(std::move(read_buffer_));
          read_buffer_.Clear();
          // PutResults are small and read as they come; data is read a few
          // messages ahead of the application, then waits for it (flow control).
          if (kind_ == DataCallKind::kDoPut || received_.size() < kDataReadAhead) StartReadLocked();
        }
        break;
      case Op::kWrite:
        write_in_flight_ = false;
        if (!ok) write_failed_ = true;
        break;
      case Op::kFinish: {
        const auto& trailing = context_.GetServerTrailingMetadata();
        final_status_ = FromGrpcStatus(grpc_status_, trailing);
        trailers_ = ToCallHeaders(trailing);
        for (const auto& [key, value] : trailers_) headers_.emplace(key, value);
        done_ = true;
        break;
      }
    }
  }

  void StartReadLocked() {
    read_in_flight_ = true;
    call_->Read(&read_buffer_, TagOf(Op::kRead));
  }

  // The half-close travels as a write: it waits for the last one and occupies the slot.
  void StartWritesDoneLocked() {
    writes_done_ = true;
    write_in_flight_ = true;
    call_->WritesDone(TagOf(Op::kWrite));
  }

  // Whether NextMessage() can return without waiting on the server.
  bool ReadableLocked() const { return !received_.empty() || reads_finished_ || cancelled_; }

  // The next raw message; nullopt at a clean end (the call's error otherwise).
  Result<std::optional<grpc::ByteBuffer>> NextMessage() {
    std::optional<grpc::ByteBuffer> message;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      WaitLocked(lock, [&] { return ReadableLocked(); });
      if (cancelled_ && kind_ != DataCallKind::kDoPut) return CancelledByClient();
      if (!received_.empty()) {
        message = std::move(received_.front());
        received_.pop_front();
        // The next message is asked for now, so that it is on its way while this one is decoded.
        if (!reads_finished_ && !read_in_flight_ && !finish_started_) StartReadLocked();
      }
    }
    if (message.has_value()) return message;
    // The server ended the stream: its status says whether that was success.
    QUIVER_RETURN_NOT_OK(Finish());
    return std::optional<grpc::ByteBuffer>();
  }

  Status BrokenStreamStatus() {
    Status status = Finish();
    if (!status.ok()) return status;
    return Status::IOError("the server ended the call before the client finished writing");
  }

  const DataCallKind kind_;
  MemoryPool* pool_;
  // Declared in this order so that the call goes first, then the queue (drained
  // in the destructor), then the context they both use.
  grpc::ClientContext context_;
  grpc::CompletionQueue completions_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;

  mutable std::mutex mutex_;
  std::condition_variable polled_;  // after each event a polling thread handled, and when it stops
  bool polling_ = false;
  // Writes (the half-close included): one in flight.
  bool write_in_flight_ = false;
  bool write_failed_ = false;
  bool writes_done_ = false;
  // Reads: one in flight into read_buffer_, the arrived ones queued.
  grpc::ByteBuffer read_buffer_;
  bool read_in_flight_ = false;
  bool reads_finished_ = false;
  bool draining_ = false;
  std::deque<grpc::ByteBuffer> received_;
  // End of call.
  bool finish_started_ = false;
  bool done_ = false;
  bool cancelled_ = false;  // by TryCancel: reads fail from then on
  grpc::Status grpc_status_;
  Status final_status_;
  bool initial_headers_seen_ = false;
  CallHeaders headers_;
  CallHeaders initial_headers_;
  CallHeaders trailers_;
  std::unique_ptr<ClientCallMiddleware> middleware_;

  StopCallback stop_callback_;  // last: unregistered before anything else goes
};

// --- Channel --------------------------------------------------------------------------------

std::string HostPort(const Location& location) {
  const std::string& host = location.host();
  std::string target = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return target + ":" + std::to_string(location.port());
}

Result<std::shared_ptr<grpc::ChannelCredentials>> MakeTlsCredentials(const FlightClientOptions& options) {
  if (options.disable_server_verification) {
    grpc::experimental::TlsChannelCredentialsOptions tls;
    tls.set_verify_server_certs(false);
    tls.set_check_call_host(false);
    tls.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
    if (!options.cert_chain.empty()) {
      tls.set_certificate_provider(std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
          std::vector<grpc::experimental::IdentityKeyCertPair>{{options.private_key, options.cert_chain}}));
      tls.watch_identity_key_cert_pairs();
    }
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::experimental::TlsCredentials(tls);
    if (credentials == nullptr) return Status::IOError("gRPC could not create TLS credentials without verification");
    return credentials;
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.tls_root_certs;
  ssl.pem_cert_chain = options.cert_chain;
  ssl.pem_private_key = options.private_key;
  return grpc::SslCredentials(ssl);
}

// --- The transport --------------------------------------------------------------------------

class GrpcClientTransport final : public ClientTransport {
 public:
  GrpcClientTransport(std::shared_ptr<grpc::Channel> channel,
                      std::vector<std::shared_ptr<ClientMiddlewareFactory>> middleware)
      : middleware_(std::move(middleware)),
        channel_(std::move(channel)),
        stub_(pb::FlightService::NewStub(channel_)),
        generic_stub_(std::make_unique<grpc::GenericStub>(channel_)) {}

  Result<std::unique_ptr<ClientHandshakeStream>> Handshake(const FlightCallOptions& options) override {
    auto scope = std::make_unique<CallScope>();
    QUIVER_RETURN_NOT_OK(scope->Init(options, middleware_, FlightMethod::kHandshake));
    grpc::ClientContext* context = &scope->context;
    auto stream = std::make_unique<GrpcHandshakeStream>(std::move(scope));
    stream->set_stream(stub_->Handshake(context));
    return std::unique_ptr<ClientHandshakeStream>(std::move(stream));
  }

  Result<std::unique_ptr<FlightListing>> ListFlights(const FlightCallOptions& options,
                                                     const Criteria& criteria) override {
    pb::Criteria request;
    QUIVER_RETURN_NOT_OK(ToProto(criteria, &request));
    auto scope = std::make_unique<CallScope>();
    QUIVER_RETURN_NOT_OK(scope->Init(options, middleware_, FlightMethod::kListFlights));
    grpc::ClientContext* context = &scope->context;
    auto stream = std::make_unique<GrpcMessageStream<FlightInfo, pb::FlightInfo>>(std::move(scope), "FlightInfo");
    stream->set_reader(stub_->ListFlights(context, request));
    return std::unique_ptr<FlightListing>(std::move(stream));
  }

  Result<FlightInfo> GetFlightInfo(const FlightCallOptions& options,
                                   const FlightDescriptor& descriptor) override {
    pb::FlightDescriptor request;
    QUIVER_RETURN_NOT_OK(ToProto(descriptor, &request));
    CallScope scope;
    QUIVER_RETURN_NOT_OK(scope.Init(options, middleware_, FlightMethod::kGetFlightInfo));
    pb::FlightInfo response;
    QUIVER_RETURN_NOT_OK(scope.Finish(stub_->GetFlightInfo(&scope.context, request, &response)));
    return ConvertReceived<FlightInfo>(response, "FlightInfo");
  }

  Result<PollInfo> PollFlightInfo(const FlightCallOptions& options,
                                  const FlightDescriptor& descriptor) override {
    pb::FlightDescriptor request;
    QUIVER_RETURN_NOT_OK(ToProto(descriptor, &request));
    CallScope scope;
    QUIVER_RETURN_NOT_OK(scope.Init(options, middleware_, FlightMethod::kPollFlightInfo));
    pb::PollInfo response;
    QUIVER_RETURN_NOT_OK(scope.Finish(stub_->PollFlightInfo(&scope.context, request, &response)));
    return ConvertReceived<PollInfo>(response, "PollInfo");
  }

  Result<SchemaResult> GetSchema(const FlightCallOptions& options,
                                 const FlightDescriptor& descriptor) override {
    pb::FlightDescriptor request;
    QUIVER_RETURN_NOT_OK(ToProto(descriptor, &request));
    CallScope scope;
    QUIVER_RETURN_NOT_OK(scope.Init(options, middleware_, FlightMethod::kGetSchema));
    pb::SchemaResult response;
    QUIVER_RETURN_NOT_OK(scope.Finish(stub_->GetSchema(&scope.context, request, &response)));
    return ConvertReceived<SchemaResult>(response, "SchemaResult");
  }

  Result<std::unique_ptr<ResultStream>> DoAction(const FlightCallOptions& options,
                                                 const Action& action) override {
    pb::Action request;
    QUIVER_RETURN_NOT_OK(ToProto(action, &request));
    auto scope = std::make_unique<CallScope>();
    QUIVER_RETURN_NOT_OK(scope->Init(options, middleware_, FlightMethod::kDoAction));
    grpc::ClientContext* context = &scope->context;
    auto stream = std::make_unique<GrpcMessageStream<FlightResult, pb::Result>>(std::move(scope), "Result");
    stream->set_reader(stub_->DoAction(context, request));
    return std::unique_ptr<ResultStream>(std::move(stream));
  }

  Result<std::vector<ActionType>> ListActions(const FlightCallOptions& options) override {
    auto scope = std::make_unique<CallScope>();
    QUIVER_RETURN_NOT_OK(scope->Init(options, middleware_, FlightMethod::kListActions));
    grpc::ClientContext* context = &scope->context;
    GrpcMessageStream<ActionType, pb::ActionType> stream(std::move(scope), "ActionType");
    stream.set_reader(stub_->ListActions(context, pb::Empty()));
    return stream.ReadAll();
  }

  Result<std::unique_ptr<ClientDataCall>> DoGet(const FlightCallOptions& options,
                                                const Ticket& ticket) override {
    pb::Ticket request;
    QUIVER_RETURN_NOT_OK(ToProto(ticket, &request));
    grpc::ByteBuffer request_bytes;
    bool own_buffer = false;
    grpc::Status serialized =
        grpc::SerializationTraits<pb::Ticket>::Serialize(request, &request_bytes, &own_buffer);
    if (!serialized.ok()) return Status::SerializationError("cannot serialize the Ticket: ", serialized.error_message());
    return StartDataCall(DataCallKind::kDoGet, FlightMethod::kDoGet, kDoGetMethod, options, std::move(request_bytes));
  }

  Result<std::unique_ptr<ClientDataCall>> DoPut(const FlightCallOptions& options) override {
    return StartDataCall(DataCallKind::kDoPut, FlightMethod::kDoPut, kDoPutMethod, options, std::nullopt);
  }

  Result<std::unique_ptr<ClientDataCall>> DoExchange(const FlightCallOptions& options) override {
    return StartDataCall(DataCallKind::kDoExchange, FlightMethod::kDoExchange, kDoExchangeMethod, options,
                         std::nullopt);
  }

  Status Close() override { return Status::OK(); }

 private:
  Result<std::unique_ptr<ClientDataCall>> StartDataCall(DataCallKind kind, FlightMethod flight_method,
                                                        const char* method, const FlightCallOptions& options,
                                                        std::optional<grpc::ByteBuffer> ticket) {
    auto call = std::make_unique<GrpcClientDataCall>(kind, options.read_options.pool);
    QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ClientCallMiddleware> middleware,
                           PrepareContext(options, middleware_, flight_method, call->context()));
    call->Start(generic_stub_.get(), method, std::move(ticket), options.stop_token, std::move(middleware));
    return std::unique_ptr<ClientDataCall>(std::move(call));
  }

  const std::vector<std::shared_ptr<ClientMiddlewareFactory>> middleware_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::FlightService::Stub> stub_;
  std::unique_ptr<grpc::GenericStub> generic_stub_;
};

}  // namespace

Result<std::unique_ptr<ClientTransport>> MakeGrpcClientTransport(const Location& location,
                                                                 const FlightClientOptions& options) {
  // Large messages: see quiver/flight/malloc_tuning.h. Before gRPC starts its
  // threads, so that they share malloc's one arena with the rest.
  TuneMallocForLargeMessages();
  KeepGrpcInitialized();
  const std::string& scheme = location.scheme();
  std::string target;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (scheme == kSchemeGrpc || scheme == kSchemeGrpcTcp || scheme == kSchemeGrpcTls) {
    if (location.host().empty() || location.port() < 0) {
      return Status::Invalid("expected host and port in the location '", location.uri(), "'");
    }
    target = HostPort(location);
    if (scheme == kSchemeGrpcTls) {
      QUIVER_ASSIGN_OR_RAISE(credentials, MakeTlsCredentials(options));
    } else {
      credentials = grpc::InsecureChannelCredentials();
    }
  } else if (scheme == kSchemeGrpcUnix) {
    if (location.path().empty()) {
      return Status::Invalid("expected a socket path in the location '", location.uri(), "'");
    }
    target = "unix:" + location.path();
    credentials = grpc::InsecureChannelCredentials();
  } else {
    return Status::KeyError("No client transport implementation for ", scheme);
  }

  grpc::ChannelArguments arguments;
  // Lift gRPC's 4 MiB receive default, as Apache Arrow does.
  const int64_t max_receive = options.max_receive_message_bytes;
  arguments.SetMaxReceiveMessageSize(max_receive < 0 || max_receive > INT_MAX ? -1 : static_cast<int>(max_receive));
  arguments.SetMaxSendMessageSize(-1);
  // Each client gets its own connection rather than sharing one per process, so
  // independent clients do not contend on one TCP stream.
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (!options.override_hostname.empty()) arguments.SetSslTargetNameOverride(options.override_hostname);
  for (const auto& [key, value] : options.generic_options) {
    if (const int* number = std::get_if<int>(&value)) {
      arguments.SetInt(key, *number);
    } else {
      arguments.SetString(key, std::get<std::string>(value));
    }
  }
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(target, credentials, arguments);
  if (channel == nullptr) return Status::IOError("gRPC could not create a channel to ", target);
  return std::unique_ptr<ClientTransport>(std::make_unique<GrpcClientTransport>(std::move(channel), options.middleware));
}

}  // namespace quiver::flight::internal
