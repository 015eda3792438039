// The Flight fuzz targets (fuzz_targets.h): the protobuf messages and the
// FlightData stream a peer sends, parsed as the client and server parse them.
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <optional>
#include <string_view>
#include <vector>

#include "fuzz_targets.h"
#include "quiver/flight/grpc/serialization_internal.h"
#include "quiver/flight/transport_internal.h"
#include "quiver/flight/types.h"
#include "quiver/memory.h"

namespace quiver::fuzz {

namespace {

template <typename T>
Status Parse(std::string_view bytes) {
  return T::Deserialize(bytes).status();
}

// Also decodes the IPC schema a message carries, as clients do.
template <typename T>
Status ParseWithSchema(std::string_view bytes) {
  QUIVER_ASSIGN_OR_RAISE(T value, T::Deserialize(bytes));
  return value.GetSchema().status();
}

// Cuts `bytes` into gRPC slices: whole, halves, or many small pieces, so that
// the parser's handling of fields split across slices is exercised.
grpc::ByteBuffer AsByteBuffer(std::string_view bytes, uint8_t how) {
  std::vector<grpc::Slice> slices;
  size_t piece = bytes.size();
  if (how % 3 == 1) piece = bytes.size() / 2 + 1;
  if (how % 3 == 2) piece = 1 + how % 7;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    const size_t n = std::min(piece, bytes.size() - at);
    slices.emplace_back(bytes.data() + at, n);
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace

Status FuzzFlightMessage(const uint8_t* data, size_t size) {
  if (size == 0) return Status::OK();
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 12) {
    case 0: return Parse<flight::FlightDescriptor>(bytes);
    case 1: return Parse<flight::Ticket>(bytes);
    case 2: return Parse<flight::Action>(bytes);
    case 3: return Parse<flight::Criteria>(bytes);
    case 4: return ParseWithSchema<flight::FlightInfo>(bytes);
    case 5: return Parse<flight::PollInfo>(bytes);
    case 6: return Parse<flight::FlightEndpoint>(bytes);
    case 7: return ParseWithSchema<flight::SchemaResult>(bytes);
    case 8: return Parse<flight::BasicAuth>(bytes);
    case 9: return Parse<flight::CancelFlightInfoRequest>(bytes);
    case 10: return Parse<flight::RenewFlightEndpointRequest>(bytes);
    default: return Parse<flight::Location>(bytes);
  }
}

Status FuzzFlightDataStream(const uint8_t* data, size_t size) {
  if (size == 0) return Status::OK();
  const uint8_t how = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  // The messages, as gRPC would hand them over.
  std::vector<grpc::ByteBuffer> messages;
  while (rest.size() >= 4) {
    uint32_t length = 0;
    for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<uint8_t>(rest[i]);
    rest.remove_prefix(4);
    const size_t n = std::min<size_t>(length, rest.size());
    messages.push_back(AsByteBuffer(rest.substr(0, n), how));
    rest.remove_prefix(n);
  }
  size_t next = 0;
  flight::internal::DataStreamReader reader(
      [&]() -> Result<std::optional<flight::internal::FlightDataMessage>> {
        if (next == messages.size()) return std::optional<flight::internal::FlightDataMessage>();
        QUIVER_ASSIGN_OR_RAISE(flight::internal::FlightDataMessage message,
                               flight::internal::DeserializeFlightData(messages[next++], default_memory_pool()));
        return std::optional<flight::internal::FlightDataMessage>(std::move(message));
      },
      ipc::IpcReadOptions::Defaults());
  QUIVER_ASSIGN_OR_RAISE(std::optional<flight::FlightDescriptor> descriptor, reader.ReadFirstMessage());
  (void)descriptor;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(flight::FlightStreamChunk chunk, reader.Next());
    if (chunk.data == nullptr && chunk.app_metadata == nullptr) return Status::OK();
  }
}

}  // namespace quiver::fuzz
