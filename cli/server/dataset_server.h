// The Flight service of `quiver serve`: a DatasetStore behind the Flight RPCs.
//
//   ListFlights     every readable dataset (criteria: an optional path prefix, "sales" or
//                   "sales/2024"); a folder with a corrupt file is logged and left out
//   GetFlightInfo   schema, exact total_records and total_bytes, one endpoint per file,
//                   ordered (the files' order is the rows' order); endpoints carry no
//                   locations, so clients fetch them over the connection they have
//   GetSchema       the dataset's schema
//   DoGet           the batches of a ticket's file (or whole dataset), read from a memory
//                   map and sent one batch at a time
//   DoPut           create / replace / append (see protocol.h for how the mode is chosen;
//                   replace when nothing chooses);
//                   acknowledged with one PutResult whose app_metadata is a JSON summary,
//                   sent only after the upload is durable
//   DoExchange      an append that reports progress: after each batch a metadata-only
//                   message {"batches": n, "rows": n}, and after the commit the summary
//   DoAction        list_tables, get_stats, drop, rename, health (see ListActions)
//
// Errors carry the store's statuses: an unknown dataset is a KeyError (gRPC NOT_FOUND),
// a bad path, ticket or command Invalid (INVALID_ARGUMENT), an existing dataset on
// create AlreadyExists, a dataset being written a Flight Unavailable error, an upload
// over the quota Invalid (INVALID_ARGUMENT: pyarrow's ArrowInvalid; the message says
// the quota and what to do).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "quiver/flight/server.h"
#include "store/store.h"

namespace quiver::cli::server {

class DatasetServer : public flight::FlightServerBase {
 public:
  /// `log` receives one line per mutation (put, drop, rename) and per failed call;
  /// null for silence.
  DatasetServer(store::DatasetStore* store, std::function<void(const std::string&)> log = nullptr);

  Result<std::unique_ptr<flight::FlightListing>> ListFlights(flight::ServerCallContext& context,
                                                             const flight::Criteria& criteria) override;
  Result<flight::FlightInfo> GetFlightInfo(flight::ServerCallContext& context,
                                           const flight::FlightDescriptor& descriptor) override;
  Result<flight::SchemaResult> GetSchema(flight::ServerCallContext& context,
                                         const flight::FlightDescriptor& descriptor) override;
  Result<std::unique_ptr<flight::FlightDataStream>> DoGet(flight::ServerCallContext& context,
                                                          const flight::Ticket& ticket) override;
  Status DoPut(flight::ServerCallContext& context, std::unique_ptr<flight::FlightMessageReader> reader,
               std::unique_ptr<flight::FlightMetadataWriter> writer) override;
  Status DoExchange(flight::ServerCallContext& context,
                    std::unique_ptr<flight::FlightMessageReader> reader,
                    std::unique_ptr<flight::FlightMessageWriter> writer) override;
  Result<std::unique_ptr<flight::ResultStream>> DoAction(flight::ServerCallContext& context,
                                                         const flight::Action& action) override;
  Result<std::vector<flight::ActionType>> ListActions(flight::ServerCallContext& context) override;

  /// The actions this server answers, with their descriptions.
  static std::vector<flight::ActionType> Actions();

 private:
  /// The datasets under `prefix` that can be read; the others are logged and left out
  /// (asking for one of them by name gives its error).
  Result<std::vector<store::DatasetInfo>> ListReadable(const store::DatasetPath& prefix);
  Result<flight::FlightInfo> MakeFlightInfo(const store::DatasetInfo& info,
                                            flight::FlightDescriptor descriptor);
  /// Reads an upload from `reader` into the store; `on_batch` runs after each batch.
  Result<store::CommitResult> Upload(flight::ServerCallContext& context,
                                     flight::FlightMessageReader* reader, store::PutMode default_mode,
                                     const std::function<Status(int64_t batches, int64_t rows)>& on_batch);
  Result<std::string> Stats(const std::string& body);
  void Log(const std::string& line);

  store::DatasetStore* store_;
  std::function<void(const std::string&)> log_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<int64_t> puts_{0};
  std::atomic<int64_t> rows_put_{0};
  std::atomic<int64_t> gets_{0};
  std::atomic<int64_t> failed_calls_{0};
};

}  // namespace quiver::cli::server
