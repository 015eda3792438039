// FlightData framing (flight/grpc/serialization_internal.h): the exact wire
// bytes, zero copy on both sides, and refusal of malformed messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <sys/mman.h>

#include <cstring>
#include <string>
#include <vector>

#include "flight_test_util.h"
#include "quiver/flight/grpc/serialization_internal.h"
#include "quiver/ipc/writer.h"
#include "quiver/testing/matchers.h"

namespace quiver::flight {
namespace {

using internal::DeserializeFlightData;
using internal::DeserializePutResult;
using internal::FlightDataMessage;
using internal::SerializeFlightData;
using internal::SerializePutResult;
using testing::CountingPool;
using ::testing::HasSubstr;

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string out;
  for (const grpc::Slice& slice : slices) out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out;
}

// The bytes as a ByteBuffer cut into slices of `piece` bytes (0: one slice).
grpc::ByteBuffer Sliced(const std::string& bytes, size_t piece = 0) {
  std::vector<grpc::Slice> slices;
  if (piece == 0) piece = bytes.size() == 0 ? 1 : bytes.size();
  for (size_t offset = 0; offset < bytes.size(); offset += piece) {
    const size_t n = std::min(piece, bytes.size() - offset);
    slices.emplace_back(bytes.data() + offset, n);
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

std::shared_ptr<Buffer> Bytes(std::string text) { return Buffer::FromString(std::move(text)); }

FlightPayload PayloadOf(std::shared_ptr<Buffer> metadata, std::vector<std::shared_ptr<Buffer>> body,
                        std::shared_ptr<Buffer> app_metadata) {
  FlightPayload payload;
  payload.ipc_message.type = ipc::MessageType::RECORD_BATCH;
  payload.ipc_message.metadata = std::move(metadata);
  for (const auto& buffer : body) payload.ipc_message.body_length += buffer->size();
  payload.ipc_message.body_buffers = std::move(body);
  payload.app_metadata = std::move(app_metadata);
  return payload;
}

TEST(FlightDataFramingTest, WireBytesAreProtobufsFieldsInOrder) {
  const FlightDescriptor descriptor = FlightDescriptor::Command("q");
  ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer buffer,
                       SerializeFlightData(PayloadOf(Bytes("AB"), {Bytes("xy"), Bytes("z")}, Bytes("m")),
                                           &descriptor));
  // flight_descriptor {type: CMD, cmd: "q"}, data_header "AB", app_metadata "m",
  // data_body (field 1000: key 0xC2 0x3E) "xyz".
  const std::string expected("\x0a\x05\x08\x02\x12\x01q"
                             "\x12\x02"
                             "AB"
                             "\x1a\x01m"
                             "\xc2\x3e\x03xyz",
                             20);
  EXPECT_EQ(Flatten(buffer), expected);
}

TEST(FlightDataFramingTest, EmptyFieldsAreOmitted) {
  ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer buffer, SerializeFlightData(FlightPayload{}, nullptr));
  EXPECT_EQ(Flatten(buffer), "");
  ASSERT_OK_AND_ASSIGN(FlightDataMessage message, DeserializeFlightData(buffer, default_memory_pool()));
  EXPECT_FALSE(message.descriptor.has_value());
  EXPECT_EQ(message.metadata, nullptr);
  EXPECT_EQ(message.body, nullptr);
  EXPECT_EQ(message.app_metadata, nullptr);
}

TEST(FlightDataFramingTest, RoundTrip) {
  const FlightDescriptor descriptor = FlightDescriptor::Path({"a", "b"});
  std::string big(10000, 'q');
  big[0] = 'B';
  ASSERT_OK_AND_ASSIGN(
      grpc::ByteBuffer buffer,
      SerializeFlightData(PayloadOf(Bytes("header"), {Bytes("small"), Bytes(big), Bytes("tail")}, Bytes("meta")),
                          &descriptor));
  ASSERT_OK_AND_ASSIGN(FlightDataMessage message, DeserializeFlightData(buffer, default_memory_pool()));
  ASSERT_TRUE(message.descriptor.has_value());
  EXPECT_EQ(*message.descriptor, descriptor);
  EXPECT_EQ(message.metadata->ToString(), "header");
  EXPECT_EQ(message.body->ToString(), "small" + big + "tail");
  EXPECT_EQ(message.app_metadata->ToString(), "meta");
}

TEST(FlightDataFramingTest, LargeBodyBuffersAreSentFromTheirOwnMemory) {
  // The batch's buffer is not copied: a slice of the ByteBuffer starts at its
  // address, and holds a reference to it until gRPC drops the slice.
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<Buffer> large, AllocateBuffer(1 << 20));
  std::memset(large->mutable_data(), 7, 1 << 20);
  std::shared_ptr<Buffer> small = Bytes("tiny");
  {
    ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer buffer,
                         SerializeFlightData(PayloadOf(Bytes("meta"), {small, large}, nullptr), nullptr));
    EXPECT_EQ(large.use_count(), 2);
    std::vector<grpc::Slice> slices;
    ASSERT_TRUE(buffer.Dump(&slices).ok());
    bool found = false;
    for (const grpc::Slice& slice : slices) {
      if (slice.begin() == large->data()) {
        EXPECT_EQ(slice.size(), static_cast<size_t>(large->size()));
        found = true;
      }
      // Small pieces are copied, never referenced.
      EXPECT_FALSE(slice.begin() >= small->data() && slice.begin() < small->data() + small->size());
    }
    EXPECT_TRUE(found) << "no slice points at the large body buffer";
  }
  EXPECT_EQ(large.use_count(), 1);
}

TEST(FlightDataFramingTest, ReceivedContiguousBodyIsNotCopied) {
  std::string body(100000, 'x');
  ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer sent, SerializeFlightData(PayloadOf(Bytes("m"), {Bytes(body)}, nullptr), nullptr));
  const grpc::ByteBuffer received = Sliced(Flatten(sent));
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(received.Dump(&slices).ok());
  ASSERT_EQ(slices.size(), 1u);
  CountingPool pool;
  std::shared_ptr<Buffer> wrapped;
  {
    ASSERT_OK_AND_ASSIGN(FlightDataMessage message, DeserializeFlightData(received, &pool));
    wrapped = message.body;
  }
  EXPECT_EQ(pool.total_allocated(), 0);
  EXPECT_GE(wrapped->data(), slices[0].begin());
  EXPECT_LE(wrapped->data() + wrapped->size(), slices[0].end());
  EXPECT_EQ(wrapped->ToString(), body);
}

TEST(FlightDataFramingTest, FieldsStraddlingSlicesAreCopiedOnce) {
  std::string body(5000, 'y');
  body[4999] = 'z';
  const FlightDescriptor descriptor = FlightDescriptor::Command("straddle");
  ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer sent,
                       SerializeFlightData(PayloadOf(Bytes("metadata!"), {Bytes(body)}, Bytes("app")), &descriptor));
  const std::string wire = Flatten(sent);
  ASSERT_OK_AND_ASSIGN(std::string descriptor_bytes, descriptor.SerializeToString());
  const int64_t field_bytes = static_cast<int64_t>(body.size() + 9 + 3 + descriptor_bytes.size());
  for (size_t piece : {1u, 3u, 7u, 1000u}) {
    SCOPED_TRACE(piece);
    CountingPool pool;
    ASSERT_OK_AND_ASSIGN(FlightDataMessage message, DeserializeFlightData(Sliced(wire, piece), &pool));
    EXPECT_EQ(*message.descriptor, descriptor);
    EXPECT_EQ(message.metadata->ToString(), "metadata!");
    EXPECT_EQ(message.body->ToString(), body);
    EXPECT_EQ(message.app_metadata->ToString(), "app");
    // Nothing is copied twice: at most every field's bytes once.
    EXPECT_LE(pool.total_allocated(), field_bytes);
    EXPECT_GE(pool.total_allocated(), static_cast<int64_t>(body.size()));
  }
}

TEST(FlightDataFramingTest, UnknownFieldsAreSkipped) {
  // field 4 varint, field 5 fixed64, field 6 fixed32, field 7 bytes, then data_header.
  const std::string wire("\x20\x96\x01"
                         "\x29\x01\x02\x03\x04\x05\x06\x07\x08"
                         "\x35\x01\x02\x03\x04"
                         "\x3a\x02zz"
                         "\x12\x01h",
                         24);
  ASSERT_OK_AND_ASSIGN(FlightDataMessage message, DeserializeFlightData(Sliced(wire), default_memory_pool()));
  EXPECT_EQ(message.metadata->ToString(), "h");
}

TEST(FlightDataFramingTest, RepeatedBytesFieldKeepsTheLast) {
  const std::string wire("\x12\x01" "a" "\x12\x01" "b", 6);
  ASSERT_OK_AND_ASSIGN(FlightDataMessage message, DeserializeFlightData(Sliced(wire), default_memory_pool()));
  EXPECT_EQ(message.metadata->ToString(), "b");
}

TEST(FlightDataFramingTest, MalformedMessagesAreRefused) {
  struct Case {
    std::string wire;
    const char* expected;
  };
  const Case cases[] = {
      {std::string("\x12", 1), "expected a field length (a varint) at offset 1 but the message ends inside it"},
      {std::string("\x12\x05" "ab", 4), "declares 5 bytes but only 2 follow"},
      {std::string("\x10\x01", 2), "expected FlightData.data_header to be length-delimited (wire type 2) but found wire type 0"},
      {std::string("\x02\x00", 2), "expected a FlightData field number between 1 and 536870911 but found 0"},
      {std::string("\x2b", 1), "expected a protobuf wire type (0, 1, 2 or 5) in FlightData but found 3"},
      {std::string("\x2f", 1), "but found 7"},
      {std::string("\x20\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11), "but found more than 64 bits"},
      {std::string("\x29\x01\x02", 3), "expected 8 bytes of a 64-bit field at offset 1 but the message has only 2 left"},
      {std::string("\x80", 1), "expected a field key (a varint) at offset 0"},
      // A descriptor of type UNKNOWN.
      {std::string("\x0a\x02\x08\x00", 4), "malformed FlightData.flight_descriptor"},
      // A descriptor that is not a protobuf message.
      {std::string("\x0a\x01\xff", 3), "malformed FlightData.flight_descriptor"},
  };
  for (const Case& c : cases) {
    for (size_t piece : {0u, 1u}) {
      EXPECT_THAT(DeserializeFlightData(Sliced(c.wire, piece), default_memory_pool()),
                  StatusIs(StatusCode::Invalid, HasSubstr(c.expected)))
          << "piece " << piece;
    }
  }
}

TEST(FlightDataFramingTest, BodyLengthMustMatchItsBuffers) {
  FlightPayload payload = PayloadOf(Bytes("m"), {Bytes("abc")}, nullptr);
  payload.ipc_message.body_length = 4;
  EXPECT_THAT(SerializeFlightData(payload, nullptr),
              StatusIs(StatusCode::Invalid, HasSubstr("body buffers hold 3 bytes but its body_length says 4")));
}

TEST(FlightDataFramingTest, MessagesOverTwoGibibytesAreRefused) {
  // A body that claims 2 GiB: refused before anything is touched.
  FlightPayload payload = PayloadOf(Bytes("m"), {}, nullptr);
  payload.ipc_message.body_length = int64_t{1} << 31;
  EXPECT_THAT(SerializeFlightData(payload, nullptr),
              StatusIs(StatusCode::CapacityError, HasSubstr("gRPC carries at most 2147483647 bytes per message")));
}

// 2 GiB of address space that reads as zeros and costs no memory until touched
// (nothing here touches it: the sizes are refused first).
class TwoGibibytes {
 public:
  TwoGibibytes() {
    void* p = mmap(nullptr, kSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) data_ = static_cast<uint8_t*>(p);
  }
  ~TwoGibibytes() {
    if (data_ != nullptr) munmap(data_, kSize);
  }
  std::shared_ptr<Buffer> buffer() const { return std::make_shared<Buffer>(data_, static_cast<int64_t>(kSize)); }
  bool ok() const { return data_ != nullptr; }
  static constexpr size_t kSize = size_t{1} << 31;

 private:
  uint8_t* data_ = nullptr;
};

TEST(FlightDataFramingTest, AppMetadataOfTwoGibibytesIsACapacityError) {
  TwoGibibytes big;
  ASSERT_TRUE(big.ok());
  EXPECT_THAT(SerializeFlightData(PayloadOf(Bytes("m"), {}, big.buffer()), nullptr),
              StatusIs(StatusCode::CapacityError, HasSubstr("gRPC carries at most 2147483647 bytes per message")));
  EXPECT_THAT(SerializePutResult(big.buffer()),
              StatusIs(StatusCode::CapacityError, HasSubstr("cannot send a PutResult of 2147483648 bytes")));
}

TEST(FlightDataFramingTest, DescriptorOfTwoGibibytesIsACapacityError) {
  // A descriptor owns its bytes, so this one takes 2 GiB of real memory; it is
  // refused, by name, before anything copies them.
  const FlightDescriptor descriptor = FlightDescriptor::Command(std::string(size_t{1} << 31, 'c'));
  EXPECT_THAT(SerializeFlightData(PayloadOf(Bytes("m"), {}, nullptr), &descriptor),
              StatusIs(StatusCode::CapacityError,
                       HasSubstr("cannot serialize FlightDescriptor: the FlightDescriptor's 2147483656 bytes "
                                 "exceed protobuf's limit of 2147483647 bytes per message")));
}

TEST(FlightDataFramingTest, ArbitraryBytesNeverCrash) {
  // Every truncation and many single-byte corruptions of a valid message, cut
  // into slices of several sizes: each parses or is refused, and what parses is
  // within the input's bounds (ASan checks the reads).
  const FlightDescriptor descriptor = FlightDescriptor::Path({"p"});
  ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer sent,
                       SerializeFlightData(PayloadOf(Bytes("meta"), {Bytes(std::string(300, 'b'))}, Bytes("app")),
                                           &descriptor));
  const std::string wire = Flatten(sent);
  uint32_t state = 12345;
  auto next_random = [&state] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  int parsed = 0;
  int refused = 0;
  for (size_t length = 0; length <= wire.size(); ++length) {
    for (int variant = 0; variant < 8; ++variant) {
      std::string bytes = wire.substr(0, length);
      if (variant > 0 && !bytes.empty()) bytes[next_random() % bytes.size()] = static_cast<char>(next_random());
      Result<FlightDataMessage> message = DeserializeFlightData(Sliced(bytes, 1 + variant % 5), default_memory_pool());
      if (message.ok()) {
        ++parsed;
        for (const auto& field : {message->metadata, message->body, message->app_metadata}) {
          if (field != nullptr) {
            EXPECT_LE(field->size(), static_cast<int64_t>(bytes.size()));
          }
        }
      } else {
        ++refused;
        EXPECT_EQ(message.status().code(), StatusCode::Invalid);
      }
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(refused, 0);
}

TEST(PutResultFramingTest, RoundTripAndEmpty) {
  ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer buffer, SerializePutResult(Bytes("done")));
  EXPECT_EQ(Flatten(buffer), std::string("\x0a\x04" "done", 6));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<Buffer> back, DeserializePutResult(buffer));
  EXPECT_EQ(back->ToString(), "done");

  ASSERT_OK_AND_ASSIGN(grpc::ByteBuffer empty, SerializePutResult(nullptr));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<Buffer> nothing, DeserializePutResult(empty));
  ASSERT_NE(nothing, nullptr);
  EXPECT_EQ(nothing->size(), 0);

  EXPECT_THAT(DeserializePutResult(Sliced(std::string("\x0a\x09" "x", 3))),
              StatusIs(StatusCode::Invalid, HasSubstr("malformed PutResult message")));
  EXPECT_THAT(DeserializePutResult(Sliced(std::string("\x08\x01", 2))),
              StatusIs(StatusCode::Invalid, HasSubstr("PutResult.app_metadata to be length-delimited")));
}

}  // namespace
}  // namespace quiver::flight
