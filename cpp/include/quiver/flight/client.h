// The Flight client: one method per RPC of the Flight service.
//
//   QUIVER_ASSIGN_OR_RAISE(Location location, Location::ForGrpcTcp("localhost", 8815));
//   QUIVER_ASSIGN_OR_RAISE(auto client, FlightClient::Connect(location));
//   QUIVER_ASSIGN_OR_RAISE(FlightInfo info,
//                          client->GetFlightInfo(FlightDescriptor::Path({"taxi"})));
//   QUIVER_ASSIGN_OR_RAISE(auto reader, client->DoGet(info.endpoints[0].ticket));
//   QUIVER_ASSIGN_OR_RAISE(TablePtr table, reader->ToTable());
//
// Every method takes FlightCallOptions first (optional): a timeout, extra headers,
// IPC read/write options and a stop token. Errors come back as Status with the
// classes of Apache Arrow (see flight/status.h): a deadline is a Flight TimedOut
// error, an unreachable server Flight Unavailable, a server's KeyError a KeyError,
// and a server's extra_info arrives intact.
//
// Connecting is lazy, as in gRPC: an unreachable server shows up on the first call.
// A FlightClient may be used from several threads at once; each stream reader or
// writer belongs to one thread at a time (except that a DoPut/DoExchange writer and
// its reader may be used from two threads).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/flight/middleware.h"
#include "quiver/flight/stop_token.h"
#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "quiver/ipc/options.h"
#include "quiver/result.h"
#include "quiver/status.h"
#include "quiver/visibility.h"

namespace quiver::flight {

namespace internal {
class ClientTransport;
class ClientDataCall;
}  // namespace internal

class ClientAuthHandler;

/// Options for one call.
struct QUIVER_EXPORT FlightCallOptions {
  /// The call fails with a Flight TimedOut error once this much time has passed;
  /// zero or negative means no deadline.
  std::chrono::duration<double> timeout{0};
  /// Extra headers sent with the call, e.g. {"authorization", "Bearer ..."}.
  std::vector<std::pair<std::string, std::string>> headers;
  /// How received IPC messages are decoded (validation, memory pool).
  ipc::IpcReadOptions read_options = ipc::IpcReadOptions::Defaults();
  /// How sent batches are encoded.
  FlightWriteOptions write_options;
  /// Cancels the call when its source requests a stop.
  StopToken stop_token;
};

/// Options for a connection.
struct QUIVER_EXPORT FlightClientOptions {
  /// PEM root certificates to verify a grpc+tls server with; empty: the system's.
  std::string tls_root_certs;
  /// The name to expect in the server's certificate instead of the location's host.
  std::string override_hostname;
  /// PEM certificate chain and private key, for servers that verify clients (mTLS).
  std::string cert_chain;
  std::string private_key;
  /// Accept any server certificate (testing only).
  bool disable_server_verification = false;
  /// A client writer refuses (with a FlightWriteSizeStatusDetail error, sending
  /// nothing) a message larger than this many bytes; 0: no limit.
  int64_t write_size_limit_bytes = 0;
  /// Largest message accepted from the server, in bytes; -1: no limit of ours
  /// (gRPC's hard cap of 2 GiB remains). Apache Arrow lifts gRPC's 4 MiB default
  /// the same way, since a FlightData of several hundred MiB is normal.
  int64_t max_receive_message_bytes = -1;
  /// gRPC channel arguments passed through as they are, e.g.
  /// {"grpc.max_receive_message_length", 1024} or {"grpc.primary_user_agent", "me"}.
  std::vector<std::pair<std::string, std::variant<int, std::string>>> generic_options;
  /// Middleware run around every call of this client, in this order.
  std::vector<std::shared_ptr<ClientMiddlewareFactory>> middleware;
};

/// The raw Handshake stream: payloads out, payloads in. Authentication helpers
/// are built on it.
class QUIVER_EXPORT ClientHandshakeStream {
 public:
  virtual ~ClientHandshakeStream();
  /// Sends a HandshakeRequest with this payload.
  virtual Status Write(std::string payload) = 0;
  /// Half-closes the client's side. Idempotent.
  virtual Status DoneWriting() = 0;
  /// The next HandshakeResponse's payload; nullopt at the end of the stream.
  virtual Result<std::optional<std::string>> Read() = 0;
  /// Half-closes, drains unread responses, and returns the call's status.
  virtual Status Finish() = 0;
  /// The server's initial headers and, after Finish(), its trailers (merged).
  virtual CallHeaders headers() const = 0;
};

/// The client's side of a DoGet or DoExchange.
class QUIVER_EXPORT FlightStreamReader : public MetadataRecordBatchReader {
 public:
  ~FlightStreamReader() override;
  Result<SchemaPtr> GetSchema() override;
  Result<FlightStreamChunk> Next() override;
  /// Waits at most `timeout` for what Next() needs from the server, reading ahead.
  /// True when Next() will return without waiting on the network (a chunk, the end
  /// of the stream or its error is at hand); false when the time ran out first. For
  /// callers that must stay responsive while a server is silent (Python's Ctrl-C).
  Result<bool> WaitForNext(std::chrono::milliseconds timeout);
  /// The same for GetSchema().
  Result<bool> WaitForSchema(std::chrono::milliseconds timeout);
  /// Cancels the call; the server sees is_cancelled(), later reads fail with Cancelled.
  void Cancel();
  /// The server's headers, as far as they have arrived (trailers once the stream ended).
  CallHeaders headers() const;

 private:
  friend class FlightClient;
  struct Impl;
  explicit FlightStreamReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The client's side of an upload (DoPut, DoExchange).
class QUIVER_EXPORT FlightStreamWriter : public MetadataRecordBatchWriter {
 public:
  ~FlightStreamWriter() override;
  Status Begin(SchemaPtr schema) override;
  Status WriteWithMetadata(const RecordBatch& batch, std::shared_ptr<Buffer> app_metadata) override;
  Status WriteMetadata(std::shared_ptr<Buffer> app_metadata) override;
  /// Tells the server nothing more is coming; responses can still be read.
  Status DoneWriting();
  /// DoneWriting, then waits for the server to end the call and returns its
  /// status. Unread DoExchange data is discarded; DoPut's PutResults stay readable.
  Status Close();
  /// Abandons the upload: the call is cancelled, so the server's reader fails
  /// (Cancelled) instead of reaching a clean end, and an upload is never mistaken
  /// for a complete one. Later writes fail with Cancelled. For a DoExchange, the
  /// reader fails too.
  void Cancel();

 private:
  friend class FlightClient;
  struct Impl;
  explicit FlightStreamWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The server's PutResult messages during a DoPut.
class QUIVER_EXPORT FlightMetadataReader {
 public:
  ~FlightMetadataReader();
  /// The next PutResult's app_metadata (never null); nullopt at the end.
  Result<std::optional<std::shared_ptr<Buffer>>> ReadMetadata();

 private:
  friend class FlightClient;
  explicit FlightMetadataReader(std::shared_ptr<internal::ClientDataCall> call);
  std::shared_ptr<internal::ClientDataCall> call_;
};

class QUIVER_EXPORT FlightClient {
 public:
  ~FlightClient();

  /// A client for `location` (grpc://, grpc+tcp://, grpc+tls://, grpc+unix://).
  /// Other schemes are KeyError "No client transport implementation for <scheme>".
  static Result<std::unique_ptr<FlightClient>> Connect(const Location& location,
                                                       const FlightClientOptions& options = {});

  /// Opens the raw Handshake stream.
  Result<std::unique_ptr<ClientHandshakeStream>> Handshake(const FlightCallOptions& options = {});

  /// Runs `handler` over a Handshake; from then on every call of this client
  /// carries its token in the `auth-token-bin` header (flight/auth.h).
  Status Authenticate(const FlightCallOptions& options, std::unique_ptr<ClientAuthHandler> handler);

  /// HTTP Basic authentication over a Handshake, as pyarrow's
  /// authenticate_basic_token: returns the ("authorization", "Bearer <token>")
  /// header the server answered with, to put in FlightCallOptions::headers of
  /// later calls. Unauthenticated when the server sent no bearer token.
  Result<std::pair<std::string, std::string>> AuthenticateBasicToken(const FlightCallOptions& options,
                                                                     const std::string& username,
                                                                     const std::string& password);

  /// The flights the server lists for `criteria` (empty: all), as they arrive.
  Result<std::unique_ptr<FlightListing>> ListFlights(const FlightCallOptions& options = {},
                                                     const Criteria& criteria = {});
  Result<FlightInfo> GetFlightInfo(const FlightCallOptions& options,
                                   const FlightDescriptor& descriptor);
  Result<FlightInfo> GetFlightInfo(const FlightDescriptor& descriptor) {
    return GetFlightInfo({}, descriptor);
  }
  Result<PollInfo> PollFlightInfo(const FlightCallOptions& options,
                                  const FlightDescriptor& descriptor);
  Result<PollInfo> PollFlightInfo(const FlightDescriptor& descriptor) {
    return PollFlightInfo({}, descriptor);
  }
  /// The schema of the dataset; null when the server sent none.
  Result<SchemaPtr> GetSchema(const FlightCallOptions& options, const FlightDescriptor& descriptor);
  Result<SchemaPtr> GetSchema(const FlightDescriptor& descriptor) {
    return GetSchema({}, descriptor);
  }

  /// The data stream for `ticket`.
  Result<std::unique_ptr<FlightStreamReader>> DoGet(const FlightCallOptions& options,
                                                    const Ticket& ticket);
  Result<std::unique_ptr<FlightStreamReader>> DoGet(const Ticket& ticket) {
    return DoGet({}, ticket);
  }

  struct DoPutResult {
    std::unique_ptr<FlightStreamWriter> writer;
    std::unique_ptr<FlightMetadataReader> reader;
  };
  /// Starts an upload of batches of `schema` to `descriptor`. The schema (with the
  /// descriptor) is sent at once, unless `schema` is null: then the first Begin()
  /// sends it.
  Result<DoPutResult> DoPut(const FlightCallOptions& options, const FlightDescriptor& descriptor,
                            SchemaPtr schema);
  Result<DoPutResult> DoPut(const FlightDescriptor& descriptor, SchemaPtr schema) {
    return DoPut({}, descriptor, std::move(schema));
  }

  struct DoExchangeResult {
    std::unique_ptr<FlightStreamWriter> writer;
    std::unique_ptr<FlightStreamReader> reader;
  };
  /// Opens a bidirectional data stream; `descriptor` is sent at once, alone.
  Result<DoExchangeResult> DoExchange(const FlightCallOptions& options,
                                      const FlightDescriptor& descriptor);
  Result<DoExchangeResult> DoExchange(const FlightDescriptor& descriptor) {
    return DoExchange({}, descriptor);
  }

  /// The results of the action, as they arrive.
  Result<std::unique_ptr<ResultStream>> DoAction(const FlightCallOptions& options,
                                                 const Action& action);
  Result<std::unique_ptr<ResultStream>> DoAction(const Action& action) {
    return DoAction({}, action);
  }
  Result<std::vector<ActionType>> ListActions(const FlightCallOptions& options = {});

  /// The CancelFlightInfo action.
  Result<CancelFlightInfoResult> CancelFlightInfo(const FlightCallOptions& options,
                                                  const CancelFlightInfoRequest& request);
  /// The RenewFlightEndpoint action: the endpoint with its new expiration time.
  Result<FlightEndpoint> RenewFlightEndpoint(const FlightCallOptions& options,
                                             const RenewFlightEndpointRequest& request);

  /// Closes the client: later calls fail with Invalid (streams already open keep
  /// working); the connection goes when the client is destroyed. Idempotent.
  Status Close();

 private:
  FlightClient(std::unique_ptr<internal::ClientTransport> transport, FlightClientOptions options);
  Status CheckOpen() const;
  // `options` with the Handshake token header added, once Authenticate has run.
  FlightCallOptions WithToken(const FlightCallOptions& options) const;

  std::unique_ptr<internal::ClientTransport> transport_;
  FlightClientOptions options_;
  std::atomic<bool> closed_{false};
  mutable std::mutex token_mutex_;
  std::optional<std::string> token_;
};

}  // namespace quiver::flight
