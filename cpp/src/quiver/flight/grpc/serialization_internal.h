// FlightData on the wire, framed by hand so that batch bodies are never copied.
//
// Why by hand: protobuf's generated FlightData would copy every body into a
// std::string on the way out and on the way in. The message has four fields
// (flight_descriptor = 1, data_header = 2, app_metadata = 3, data_body = 1000),
// all length-delimited, so the framing is a few varints. The data RPCs are
// registered with gRPC's raw callback API (grpc::ByteBuffer in both directions,
// see server_transport.cc and client_transport.cc), which hands these ByteBuffers
// to the transport untouched.
//
// Sending: the ByteBuffer is a list of grpc::Slices. Small pieces (tags,
// lengths, the IPC flatbuffer, small body buffers) are copied into shared slices;
// every body buffer of at least kWrapThreshold bytes becomes a slice that points
// at the Buffer's own memory and holds a reference to it, released when gRPC
// has written the bytes. So a large batch goes from its arrays to the socket
// without a copy of ours.
//
// Receiving: the ByteBuffer's slices are parsed as untrusted protobuf (every
// varint, tag, wire type and length checked against what is there). A field
// that lies inside one slice is wrapped as a Buffer holding that slice: no copy.
// A field that straddles slices is copied once into memory from the given pool
// (so tests can count copies). The IPC reader then slices the body in place
// where its buffers are 8-byte aligned.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <cstdint>
#include <memory>

#include "quiver/flight/stream.h"
#include "quiver/flight/transport_internal.h"
#include "quiver/memory.h"
#include "quiver/result.h"

namespace quiver::flight::internal {

/// Body buffers at least this large are sent as slices of their own memory;
/// smaller ones are copied into a shared slice (a slice costs more than copying a few KiB).
inline constexpr int64_t kWrapThreshold = 4096;

/// The FlightData message for `payload`, with `descriptor` (when not null) in it.
/// CapacityError when the message would exceed gRPC's 2 GiB message limit.
Result<grpc::ByteBuffer> SerializeFlightData(const FlightPayload& payload,
                                             const FlightDescriptor* descriptor);

/// Parses a received FlightData message. Copies (from `pool`) only fields that
/// straddle slices.
Result<FlightDataMessage> DeserializeFlightData(const grpc::ByteBuffer& buffer, MemoryPool* pool);

/// A PutResult message.
Result<grpc::ByteBuffer> SerializePutResult(const std::shared_ptr<Buffer>& app_metadata);
/// The app_metadata of a received PutResult (never null; possibly empty).
Result<std::shared_ptr<Buffer>> DeserializePutResult(const grpc::ByteBuffer& buffer);

}  // namespace quiver::flight::internal
