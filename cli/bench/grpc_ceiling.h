// The raw-gRPC ceiling of `quiver bench --raw-grpc`: the same bytes in the same
// message sizes over plain gRPC (generic callback API, no protobuf, no Arrow),
// each message one zero-copy slice of a static buffer on the server and only
// counted on the client. What Flight could reach if its own work cost nothing.
//
// The protocol (service "quiver.bench.Raw", messages are raw bytes):
//   /quiver.bench.Raw/Stream   request "MESSAGE_BYTES COUNT" (decimal text); the
//                              server answers COUNT messages of MESSAGE_BYTES bytes
//   /quiver.bench.Raw/Upload   the client sends messages until it half-closes; the
//                              server counts them as they arrive (on gRPC's thread)
//                              and answers "BYTES MESSAGES" (decimal text)
//   /quiver.bench.Raw/Ping     one byte in, one byte out (the round-trip floor)
// Only this file and grpc_ceiling.cc see gRPC.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quiver/result.h"

namespace quiver::cli::bench {

class RawGrpcServer {
 public:
  virtual ~RawGrpcServer() = default;
  /// "grpc+tcp://127.0.0.1:PORT" or "grpc+unix:///path".
  virtual std::string location() const = 0;
  virtual void Shutdown() = 0;
};

/// Starts a raw server on 127.0.0.1 (port 0: any free port) or, when
/// `unix_path` is not empty, on that Unix socket.
Result<std::unique_ptr<RawGrpcServer>> StartRawGrpcServer(int port, const std::string& unix_path);

struct RawStreamResult {
  int64_t bytes = 0;
  int64_t messages = 0;
};

/// One stream on its own channel: asks `location` for `count` messages of
/// `message_bytes` and receives them.
Result<RawStreamResult> RawGrpcStream(const std::string& location, int64_t message_bytes, int64_t count);

/// One upload on its own channel: sends `count` messages of `message_bytes`;
/// fails unless the server counted exactly those.
Result<RawStreamResult> RawGrpcUpload(const std::string& location, int64_t message_bytes, int64_t count);

/// `calls` sequential Ping round trips on one channel; the latency of each, in µs.
Result<std::vector<double>> RawGrpcPings(const std::string& location, int calls);

}  // namespace quiver::cli::bench
