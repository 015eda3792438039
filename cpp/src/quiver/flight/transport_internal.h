// The transport interface: what the Flight client and server need from the
// layer that moves messages (today gRPC, in flight/grpc/; a shared-memory
// transport could plug in beside it).
//
// The public classes (FlightClient, FlightServerBase, the stream readers and
// writers) are written against these interfaces and hold all the Flight
// semantics that do not depend on the wire: IPC encoding and decoding, the
// write-size limit, batch splitting, the well-known actions, descriptors on
// the first DoPut message. A transport only frames, sends, receives and maps
// errors.
//
// Data calls (DoGet, DoPut, DoExchange) exchange whole FlightData messages:
// FlightPayload out (its IPC body a list of buffer views, never concatenated)
// and FlightDataMessage in (its buffers wrapping what was received, copied
// only where the transport had to). Both sides queue a few writes behind the one
// in flight: Write() returns once the message is queued, waiting only while the
// queue is full, so a slow peer slows only its own call.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/flight/client.h"
#include "quiver/flight/middleware.h"
#include "quiver/flight/server.h"
#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "quiver/result.h"
#include "quiver/status.h"

namespace quiver::flight::internal {

/// A received FlightData message. Absent (or empty) fields are null.
struct FlightDataMessage {
  std::optional<FlightDescriptor> descriptor;
  /// The IPC Message flatbuffer (data_header).
  std::shared_ptr<Buffer> metadata;
  /// The IPC body (data_body).
  std::shared_ptr<Buffer> body;
  std::shared_ptr<Buffer> app_metadata;
};

// ---------------------------------------------------------------------------
// Client side.

/// One call's client middleware (middleware.cc). A transport starts it before
/// the call is sent and ends it once, with what the server answered.
class ClientCallMiddleware {
 public:
  /// Starts each factory's middleware for a call of `method` and appends the
  /// headers they send to `headers`. Null when no factory took part; an error
  /// from a factory fails the call before anything is sent.
  static Result<std::unique_ptr<ClientCallMiddleware>> Start(
      const std::vector<std::shared_ptr<ClientMiddlewareFactory>>& factories, FlightMethod method,
      HeaderList* headers);

  /// Hands the server's headers, trailers and the call's status to every
  /// middleware, on the calling thread. Only the first call does anything (it
  /// may come from two threads: a DoPut's reader and writer).
  void Complete(const CallHeaders& headers, const CallHeaders& trailers, const Status& status);

 private:
  std::vector<std::unique_ptr<ClientMiddleware>> middleware_;
  std::atomic<bool> completed_{false};
};

/// One DoGet, DoPut or DoExchange call, as the client sees it. Read() and the
/// write methods may be used from two threads at once (one reader, one writer).
class ClientDataCall {
 public:
  virtual ~ClientDataCall() = default;

  /// Sends one message (with `descriptor` in it when not null): waits until the
  /// previous one is written, then starts it. When the stream is broken (the
  /// server ended the call, or it was cancelled) the call's own error is returned.
  virtual Status Write(const FlightPayload& payload, const FlightDescriptor* descriptor) = 0;
  /// Half-closes the client's side. Idempotent.
  virtual Status WritesDone() = 0;
  /// The next FlightData message (DoGet, DoExchange); nullopt at a clean end of the
  /// stream, the call's error when it failed.
  virtual Result<std::optional<FlightDataMessage>> Read() = 0;
  /// Waits at most `timeout` until Read() would return without waiting on the
  /// server: a message has arrived, the stream ended or failed, or the call was
  /// cancelled. False when the time ran out first.
  virtual bool WaitReadable(std::chrono::milliseconds timeout) = 0;
  /// The next PutResult's app_metadata (DoPut). PutResults are buffered as they
  /// arrive, whether or not anyone reads them, so an unread stream never stalls
  /// the upload.
  virtual Result<std::optional<std::shared_ptr<Buffer>>> ReadPutResult() = 0;
  /// Ends the call: half-closes if not done, discards unread data messages, waits
  /// for the server's status and returns it. Idempotent.
  virtual Status Finish() = 0;
  /// Cancels the call (the server sees is_cancelled()); Finish() still collects the status.
  virtual void TryCancel() = 0;
  /// The server's initial headers as far as they arrived, and its trailers once the call ended.
  virtual CallHeaders headers() const = 0;
};

/// A client connection.
class ClientTransport {
 public:
  virtual ~ClientTransport() = default;

  virtual Result<std::unique_ptr<ClientHandshakeStream>> Handshake(
      const FlightCallOptions& options) = 0;
  virtual Result<std::unique_ptr<FlightListing>> ListFlights(const FlightCallOptions& options,
                                                             const Criteria& criteria) = 0;
  virtual Result<FlightInfo> GetFlightInfo(const FlightCallOptions& options,
                                           const FlightDescriptor& descriptor) = 0;
  virtual Result<PollInfo> PollFlightInfo(const FlightCallOptions& options,
                                          const FlightDescriptor& descriptor) = 0;
  virtual Result<SchemaResult> GetSchema(const FlightCallOptions& options,
                                         const FlightDescriptor& descriptor) = 0;
  virtual Result<std::unique_ptr<ResultStream>> DoAction(const FlightCallOptions& options,
                                                         const Action& action) = 0;
  virtual Result<std::vector<ActionType>> ListActions(const FlightCallOptions& options) = 0;
  virtual Result<std::unique_ptr<ClientDataCall>> DoGet(const FlightCallOptions& options,
                                                        const Ticket& ticket) = 0;
  virtual Result<std::unique_ptr<ClientDataCall>> DoPut(const FlightCallOptions& options) = 0;
  virtual Result<std::unique_ptr<ClientDataCall>> DoExchange(const FlightCallOptions& options) = 0;
  virtual Status Close() = 0;
};

/// Connects over gRPC (grpc, grpc+tcp, grpc+tls, grpc+unix locations).
Result<std::unique_ptr<ClientTransport>> MakeGrpcClientTransport(const Location& location,
                                                                 const FlightClientOptions& options);

// ---------------------------------------------------------------------------
// Server side.

/// One DoGet, DoPut or DoExchange call, as the server's handler sees it.
class ServerDataCall {
 public:
  virtual ~ServerDataCall() = default;
  /// The next message from the client; nullopt once the client half-closed.
  virtual Result<std::optional<FlightDataMessage>> Read() = 0;
  /// Sends one FlightData message (DoGet, DoExchange): queued, as the client's.
  virtual Status Write(const FlightPayload& payload) = 0;
  /// Sends one PutResult (DoPut).
  virtual Status WritePutResult(std::shared_ptr<Buffer> app_metadata) = 0;
};

/// The part of a server call's context that does not depend on the transport:
/// the call's middleware instances and the identity authentication established.
class ServerCallContextBase : public ServerCallContext {
 public:
  const std::string& peer_identity() const final;
  ServerMiddleware* GetMiddleware(const std::string& key) const final;

 protected:
  /// The identity the transport itself established (a TLS client certificate's).
  std::string transport_identity_;

 private:
  friend Status RunServerCall(FlightServerBase* server, ServerCallContextBase& context,
                              const std::function<Status()>& handler);
  std::optional<std::string> authenticated_identity_;
  std::vector<std::pair<std::string, std::shared_ptr<ServerMiddleware>>> middleware_;
};

/// Runs one call's handler inside what the server wraps around every call
/// (middleware.cc): starts the middleware factories (their response headers
/// added), checks the Handshake token when an auth handler is installed, runs
/// `handler` (an exception it throws becomes an error), and tells every started
/// middleware how the call ended. Returns the status to end the call with.
Status RunServerCall(FlightServerBase* server, ServerCallContextBase& context,
                     const std::function<Status()>& handler);

/// The Handshake: the installed auth handler's, else the server's own.
Status ServeHandshake(FlightServerBase* server, ServerCallContext& context, ServerHandshakeStream* stream);

/// The transport-independent body of each data RPC, run by a transport on the
/// call's handler thread. Each returns the status to end the call with.
Status ServeDoGet(FlightServerBase* server, ServerCallContext& context, const Ticket& ticket,
                  const std::shared_ptr<ServerDataCall>& call);
Status ServeDoPut(FlightServerBase* server, ServerCallContext& context,
                  const std::shared_ptr<ServerDataCall>& call);
Status ServeDoExchange(FlightServerBase* server, ServerCallContext& context,
                       const std::shared_ptr<ServerDataCall>& call);
/// DoAction, with the well-known actions (CancelFlightInfo, RenewFlightEndpoint)
/// dispatched to their own handlers.
Result<std::unique_ptr<ResultStream>> ServeDoAction(FlightServerBase* server,
                                                    ServerCallContext& context,
                                                    const Action& action);

/// A running server, as FlightServerBase drives it.
class ServerTransport {
 public:
  virtual ~ServerTransport() = default;
  /// The port bound (TCP), or -1 (Unix socket).
  virtual int port() const = 0;
  /// The location clients connect to (the bound port filled in).
  virtual const Location& location() const = 0;
  /// Stops accepting calls; lets calls in flight finish until `deadline`, then
  /// cancels them; returns once every call has ended.
  virtual Status Shutdown(std::optional<std::chrono::system_clock::time_point> deadline) = 0;
};

/// Binds and starts a gRPC server for `server`'s handlers.
Result<std::unique_ptr<ServerTransport>> MakeGrpcServerTransport(FlightServerBase* server,
                                                                 const FlightServerOptions& options);

// ---------------------------------------------------------------------------
// Stream plumbing shared by client and server (stream.cc).

/// Reads a data stream from `source`, decoding IPC messages as they come.
class DataStreamReader final : public MetadataRecordBatchReader {
 public:
  using Source = std::function<Result<std::optional<FlightDataMessage>>()>;

  DataStreamReader(Source source, ipc::IpcReadOptions options);
  ~DataStreamReader() override;

  /// Reads the first message now (to learn a DoPut's or DoExchange's descriptor);
  /// it is decoded and kept for GetSchema()/Next(). Nullopt when the stream is empty.
  Result<std::optional<FlightDescriptor>> ReadFirstMessage();

  Result<SchemaPtr> GetSchema() override;
  Result<FlightStreamChunk> Next() override;

  /// Reads and decodes messages while `readable()` says the source has one ready,
  /// until Next() (or, with `for_schema`, GetSchema()) can answer without calling
  /// the source. True when it can; false when `readable()` said no first. A read
  /// or decode error is returned here rather than kept for Next().
  Result<bool> ReadAhead(const std::function<bool()>& readable, bool for_schema);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a data stream into `sink`, one FlightPayload per message.
class DataStreamWriter final : public MetadataRecordBatchWriter {
 public:
  using Sink = std::function<Status(const FlightPayload&)>;

  DataStreamWriter(Sink sink, FlightWriteOptions options);
  ~DataStreamWriter() override;

  Status Begin(SchemaPtr schema) override;
  Status WriteWithMetadata(const RecordBatch& batch, std::shared_ptr<Buffer> app_metadata) override;
  Status WriteMetadata(std::shared_ptr<Buffer> app_metadata) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Encodes batches into payloads: dictionaries first, then the record batch, split
/// into row slices when FlightWriteOptions::max_message_bytes asks for it.
class PayloadStreamer {
 public:
  PayloadStreamer(SchemaPtr schema, FlightWriteOptions options);
  ~PayloadStreamer();

  const SchemaPtr& schema() const;
  Result<FlightPayload> SchemaPayload();
  /// The payloads for `batch`; `app_metadata` rides on the last record batch message.
  Result<std::vector<FlightPayload>> BatchPayloads(const RecordBatch& batch,
                                                   std::shared_ptr<Buffer> app_metadata);

 private:
  Status Split(const RecordBatch& batch, std::vector<FlightPayload>* out);

  FlightWriteOptions options_;
  ipc::PayloadEncoder encoder_;
};

/// A metadata-only payload.
FlightPayload MetadataOnlyPayload(std::shared_ptr<Buffer> app_metadata);

/// Checks a header before it goes to gRPC (which aborts the process on some
/// invalid keys): Invalid naming the offending character otherwise.
Status ValidateHeader(const std::string& key, const std::string& value);

}  // namespace quiver::flight::internal
