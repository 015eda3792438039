// The Flight server: subclass FlightServerBase, override the RPCs you serve.
//
//   class Server : public FlightServerBase {
//     Result<std::unique_ptr<FlightDataStream>> DoGet(ServerCallContext& context,
//                                                     const Ticket& ticket) override {
//       QUIVER_ASSIGN_OR_RAISE(TablePtr table, Lookup(ticket.ticket));
//       return std::make_unique<RecordBatchStream>(table);
//     }
//   };
//
//   QUIVER_ASSIGN_OR_RAISE(Location location, Location::ForGrpcTcp("0.0.0.0", 0));
//   Server server;
//   QUIVER_RETURN_NOT_OK(server.Init(FlightServerOptions(location)));
//   std::cout << "listening on port " << server.port() << "\n";
//   QUIVER_RETURN_NOT_OK(server.Serve());   // until Shutdown() from another thread
//
// Handlers run on the server's handler threads (one per call in progress), so
// they may block; the transport buffers only a few messages per call, so a
// handler writing faster than its client reads is slowed down, and no other call is.
// Every handler returns Status or Result: an error ends the call with that error,
// mapped onto gRPC as Apache Arrow does (a Flight error keeps its kind and
// extra_info, a KeyError becomes NOT_FOUND, ...). A handler that is not
// overridden answers UNIMPLEMENTED, naming the RPC.
//
// The readers and writers a handler receives are valid while the handler runs.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/flight/middleware.h"
#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "quiver/ipc/options.h"
#include "quiver/result.h"
#include "quiver/status.h"
#include "quiver/visibility.h"

namespace quiver::flight {

namespace internal {
class ServerTransport;
}  // namespace internal

class ServerAuthHandler;

/// A TLS certificate chain and its private key, PEM-encoded.
struct QUIVER_EXPORT CertKeyPair {
  std::string pem_cert;
  std::string pem_key;
};

struct QUIVER_EXPORT FlightServerOptions {
  explicit FlightServerOptions(Location location) : location(std::move(location)) {}

  /// Where to listen: grpc+tcp://host:port (port 0 picks a free port),
  /// grpc+tls://host:port (needs tls_certificates), grpc+unix:///path/to/socket.
  Location location;
  /// The server's certificates, for grpc+tls.
  std::vector<CertKeyPair> tls_certificates;
  /// Require clients to present a certificate signed by root_certificates (mTLS).
  bool verify_client = false;
  /// PEM roots to verify client certificates with.
  std::string root_certificates;
  /// Largest message accepted from a client, in bytes; -1: no limit of ours
  /// (gRPC's hard cap of 2 GiB remains), as Apache Arrow does.
  int64_t max_receive_message_bytes = -1;
  /// The most calls the server's handlers run at once, each on a thread of its
  /// own; a call beyond that is refused as UNAVAILABLE (clients see
  /// FlightUnavailableError) instead of starting another thread. 0: no limit.
  /// The default bounds the threads a flood of calls can make the server start.
  static constexpr int kDefaultMaxHandlerThreads = 1024;
  int max_handler_threads = kDefaultMaxHandlerThreads;
  /// gRPC channel arguments for the server, passed through as they are.
  std::vector<std::pair<std::string, std::variant<int, std::string>>> generic_options;
  /// How DoPut and DoExchange decode what clients send.
  ipc::IpcReadOptions read_options = ipc::IpcReadOptions::Defaults();
  /// How DoExchange encodes what the server sends.
  FlightWriteOptions write_options;
  /// Handshake authentication (flight/auth.h): when set, Handshake runs it, and
  /// every other call needs a token it accepts.
  std::shared_ptr<ServerAuthHandler> auth_handler;
  /// Middleware run around every call, in this order, each under its key
  /// (ServerCallContext::GetMiddleware). Keys must be unique.
  std::vector<std::pair<std::string, std::shared_ptr<ServerMiddlewareFactory>>> middleware;
};

/// What a handler knows about its call, and how it adds response headers.
class QUIVER_EXPORT ServerCallContext {
 public:
  virtual ~ServerCallContext();
  /// The RPC's name, e.g. "DoGet".
  virtual const std::string& method() const = 0;
  /// The client's address as gRPC reports it, e.g. "ipv4:127.0.0.1:51234".
  virtual const std::string& peer() const = 0;
  /// The authenticated client identity: what the auth handler's IsValid or an
  /// authenticating middleware returned, else the TLS client certificate's
  /// identity (mTLS), else empty.
  virtual const std::string& peer_identity() const = 0;
  /// This call's instance of the middleware registered under `key`; null when
  /// there is none (no such key, or its factory took no part in the call).
  virtual ServerMiddleware* GetMiddleware(const std::string& key) const = 0;
  /// The headers the client sent.
  virtual const CallHeaders& incoming_headers() const = 0;
  /// True once the client cancelled the call, its deadline passed, or the server
  /// is shutting down past its deadline. Long handlers should check it and stop.
  virtual bool is_cancelled() const = 0;
  /// Adds a header to the response. Only before the first response message is
  /// sent (Invalid afterwards); the key must be a valid header name.
  virtual Status AddHeader(const std::string& key, const std::string& value) = 0;
  /// Adds a trailer, sent when the call ends.
  virtual Status AddTrailer(const std::string& key, const std::string& value) = 0;
};

/// The client's data in a DoPut or DoExchange.
class QUIVER_EXPORT FlightMessageReader : public MetadataRecordBatchReader {
 public:
  /// The descriptor the client sent with its first message.
  virtual const FlightDescriptor& descriptor() const = 0;
};

/// The server's data in a DoExchange.
class QUIVER_EXPORT FlightMessageWriter : public MetadataRecordBatchWriter {};

/// The server's PutResult messages in a DoPut.
class QUIVER_EXPORT FlightMetadataWriter {
 public:
  virtual ~FlightMetadataWriter();
  virtual Status WriteMetadata(std::shared_ptr<Buffer> app_metadata) = 0;
};

/// The server's side of the raw Handshake stream.
class QUIVER_EXPORT ServerHandshakeStream {
 public:
  virtual ~ServerHandshakeStream();
  /// The next HandshakeRequest's payload; nullopt once the client half-closed.
  virtual Result<std::optional<std::string>> Read() = 0;
  /// Sends a HandshakeResponse with this payload.
  virtual Status Write(std::string payload) = 0;
};

class QUIVER_EXPORT FlightServerBase {
 public:
  FlightServerBase();
  /// Shuts the server down (without a deadline) if it is still running.
  virtual ~FlightServerBase();
  FlightServerBase(const FlightServerBase&) = delete;
  FlightServerBase& operator=(const FlightServerBase&) = delete;

  /// Binds and starts serving on a background pool of handler threads.
  Status Init(const FlightServerOptions& options);
  /// The bound TCP port (the chosen one for port 0); -1 for a Unix socket or before Init.
  int port() const;
  /// Where clients connect: the Init location with the bound port filled in.
  /// Invalid before Init.
  Result<Location> location() const;
  /// Blocks until the server has been shut down.
  Status Serve();
  /// Stops accepting calls, lets calls in flight run until `deadline` (none: until
  /// they finish), then cancels the rest, and returns once every call has ended.
  /// Idempotent; may be called from any thread, also while Serve() blocks.
  Status Shutdown(std::optional<std::chrono::system_clock::time_point> deadline = std::nullopt);
  /// Blocks until Shutdown() has completed.
  Status Wait();

  /// The options Init was given; null before Init.
  const FlightServerOptions* options() const;

  // --- The RPCs. Each default answers NotImplemented (gRPC UNIMPLEMENTED). ---

  /// Without an override: UNIMPLEMENTED "This service does not have an
  /// authentication mechanism enabled.", as Apache Arrow answers.
  virtual Status Handshake(ServerCallContext& context, ServerHandshakeStream* stream);
  virtual Result<std::unique_ptr<FlightListing>> ListFlights(ServerCallContext& context,
                                                             const Criteria& criteria);
  virtual Result<FlightInfo> GetFlightInfo(ServerCallContext& context,
                                           const FlightDescriptor& descriptor);
  virtual Result<PollInfo> PollFlightInfo(ServerCallContext& context,
                                          const FlightDescriptor& descriptor);
  virtual Result<SchemaResult> GetSchema(ServerCallContext& context,
                                         const FlightDescriptor& descriptor);
  virtual Result<std::unique_ptr<FlightDataStream>> DoGet(ServerCallContext& context,
                                                          const Ticket& ticket);
  virtual Status DoPut(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
                       std::unique_ptr<FlightMetadataWriter> writer);
  virtual Status DoExchange(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
                            std::unique_ptr<FlightMessageWriter> writer);
  /// Actions other than the well-known CancelFlightInfo and RenewFlightEndpoint,
  /// which go to the two handlers below.
  virtual Result<std::unique_ptr<ResultStream>> DoAction(ServerCallContext& context,
                                                         const Action& action);
  virtual Result<std::vector<ActionType>> ListActions(ServerCallContext& context);
  virtual Result<CancelFlightInfoResult> CancelFlightInfo(ServerCallContext& context,
                                                          const CancelFlightInfoRequest& request);
  virtual Result<FlightEndpoint> RenewFlightEndpoint(ServerCallContext& context,
                                                     const RenewFlightEndpointRequest& request);

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<FlightServerOptions> options_;
  std::unique_ptr<internal::ServerTransport> transport_;
  struct ShutdownState;
  std::unique_ptr<ShutdownState> shutdown_state_;
};

}  // namespace quiver::flight
