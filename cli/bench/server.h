// The Flight server of `quiver bench`: serves the workloads of bench/workload.h.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "bench/workload.h"
#include "quiver/flight/server.h"

namespace quiver::cli::bench {

class BenchServer : public flight::FlightServerBase {
 public:
  Result<flight::FlightInfo> GetFlightInfo(flight::ServerCallContext& context,
                                           const flight::FlightDescriptor& descriptor) override;
  Result<std::unique_ptr<flight::FlightDataStream>> DoGet(flight::ServerCallContext& context,
                                                          const flight::Ticket& ticket) override;
  Status DoPut(flight::ServerCallContext& context, std::unique_ptr<flight::FlightMessageReader> reader,
               std::unique_ptr<flight::FlightMetadataWriter> writer) override;
  Status DoExchange(flight::ServerCallContext& context, std::unique_ptr<flight::FlightMessageReader> reader,
                    std::unique_ptr<flight::FlightMessageWriter> writer) override;
  Result<std::unique_ptr<flight::ResultStream>> DoAction(flight::ServerCallContext& context,
                                                         const flight::Action& action) override;
  Result<std::vector<flight::ActionType>> ListActions(flight::ServerCallContext& context) override;

 private:
  /// The batch a workload repeats, built once per (columns, batch rows).
  Result<RecordBatchPtr> CachedBatch(const std::vector<std::string>& types, const std::string& columns,
                                     int64_t rows);

  std::mutex mutex_;
  std::map<std::pair<std::string, int64_t>, RecordBatchPtr> batches_;
};

}  // namespace quiver::cli::bench
