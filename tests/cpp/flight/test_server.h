// A scripted, recording Flight server for the RPC suites: tests tell it what to
// answer (tables to serve, errors to raise) through tickets, descriptors and
// actions, and read back what it received (headers, uploads, cancellations)
// instead of mocking anything.
//
// Scripts:
//   DoGet ticket         "table:<name>"       the table, through RecordBatchStream
//                        "chunks"             `chunks` (batches and metadata-only), via GeneratorStream
//                        "raise:<kind>"       the error ScriptedError(kind)
//                        "fail-after-one:<name>"  the table's first batch, then an Internal error
//                        "until-cancelled"    one batch, then waits for is_cancelled()
//                        "headers"            adds a header and a trailer, then serves "ints"
//   GetFlightInfo / GetSchema / PollFlightInfo:
//                        path [<name>]        the table's info / schema
//                        cmd "raise:<kind>"   the error
//                        cmd "until-cancelled"  waits for is_cancelled()
//   DoPut cmd            "store"              records every chunk; acks each app_metadata as a PutResult
//         path [<name>]                       the same, and keeps the upload as table <name>
//                        "raise-after-first:<kind>"  records the first chunk, then raises
//   DoExchange cmd       "echo"               sends back each chunk as it arrives
//                        "server-only"        ignores the client, sends `chunks`
//                        "raise:<kind>"       the error
//   DoAction type        "echo"               the body, then the body reversed
//                        "count"              results "0".."<body>-1"
//                        "raise"              ScriptedError(body)
//   Handshake            replies "ack:<payload>" to each payload, adds header x-handshake
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "quiver/flight/server.h"
#include "quiver/flight/status.h"
#include "quiver/table.h"

namespace quiver::flight::testing {

/// The status a script names: "Internal", "TimedOut", "Cancelled",
/// "Unauthenticated", "Unauthorized", "Unavailable", "Failed" (Flight errors
/// whose message is "<kind> happened" and extra_info "extra:<kind>"), or
/// "KeyError", "Invalid", "NotImplemented", "AlreadyExists", "TypeError",
/// "IOError", "Cancelled-arrow" (plain Arrow statuses).
Status ScriptedError(const std::string& kind);

class TestServer : public FlightServerBase {
 public:
  /// Serves the standard data: tables "ints", "empty", "dict", "every-type" and
  /// "big" (8 MiB in one batch), and `chunks` of int64 batches and metadata.
  void AddStandardData();

  // --- The script (set before Init; DoPut to a path adds tables) ---
  std::map<std::string, TablePtr> tables;
  SchemaPtr chunks_schema;
  std::vector<FlightStreamChunk> chunks;
  FlightWriteOptions write_options;

  // --- What it saw ---
  struct Recorded {
    std::vector<std::string> methods;
    CallHeaders headers;  // of the last call
    std::string peer;
    std::optional<FlightDescriptor> put_descriptor;
    std::vector<FlightStreamChunk> put_chunks;
    Criteria criteria;
  };
  Recorded recorded() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return recorded_;
  }
  /// Blocks until a handler has seen is_cancelled() (false if it did not within a minute).
  bool WaitForCancellation();

  Status Handshake(ServerCallContext& context, ServerHandshakeStream* stream) override;
  Result<std::unique_ptr<FlightListing>> ListFlights(ServerCallContext& context, const Criteria& criteria) override;
  Result<FlightInfo> GetFlightInfo(ServerCallContext& context, const FlightDescriptor& descriptor) override;
  Result<PollInfo> PollFlightInfo(ServerCallContext& context, const FlightDescriptor& descriptor) override;
  Result<SchemaResult> GetSchema(ServerCallContext& context, const FlightDescriptor& descriptor) override;
  Result<std::unique_ptr<FlightDataStream>> DoGet(ServerCallContext& context, const Ticket& ticket) override;
  Status DoPut(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
               std::unique_ptr<FlightMetadataWriter> writer) override;
  Status DoExchange(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
                    std::unique_ptr<FlightMessageWriter> writer) override;
  Result<std::unique_ptr<ResultStream>> DoAction(ServerCallContext& context, const Action& action) override;
  Result<std::vector<ActionType>> ListActions(ServerCallContext& context) override;
  Result<CancelFlightInfoResult> CancelFlightInfo(ServerCallContext& context,
                                                  const CancelFlightInfoRequest& request) override;
  Result<FlightEndpoint> RenewFlightEndpoint(ServerCallContext& context,
                                             const RenewFlightEndpointRequest& request) override;

  /// The FlightInfo GetFlightInfo returns for table `name`.
  Result<FlightInfo> InfoFor(const std::string& name) const;

 private:
  void Record(const ServerCallContext& context);
  Result<TablePtr> FindTable(const std::string& name) const;
  // Waits (polling) until the call is cancelled, then notes it.
  void AwaitCancellation(const ServerCallContext& context);
  void NoteCancellation();
  class CancellationWatcher;

  mutable std::mutex mutex_;
  std::condition_variable cancelled_cv_;
  bool saw_cancellation_ = false;
  Recorded recorded_;
};

}  // namespace quiver::flight::testing
