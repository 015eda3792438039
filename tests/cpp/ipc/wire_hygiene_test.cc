// What the IPC writer puts on the wire besides the values: padding, the slots under
// nulls and the unused bits of bitmaps all go out as zeros, however dirty the source
// buffers are (the CVE-2019-12408 class: no stray memory leaves the process).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "quiver/array.h"
#include "quiver/io.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"
#include "quiver/record_batch.h"
#include "quiver/schema.h"
#include "quiver/type.h"

namespace quiver::ipc {
namespace {

constexpr uint8_t kGarbage = 0xA5;
constexpr int64_t kRows = 11;

bool Valid(int64_t i) { return i % 3 != 1; }  // nulls at 1, 4, 7, 10

// A validity bitmap for kRows rows with every bit past the last row set.
std::shared_ptr<Buffer> DirtyValidity() {
  std::string bits(4, '\xff');
  for (int64_t i = 0; i < kRows; ++i) {
    if (!Valid(i)) bits[i / 8] = static_cast<char>(bits[i / 8] & ~(1 << (i % 8)));
  }
  return Buffer::FromString(bits);
}

// kRows values of `width` bytes: `value(i)` for valid rows, garbage under nulls and past the end.
template <typename T>
std::shared_ptr<Buffer> DirtyValues(T (*value)(int64_t)) {
  std::string out;
  for (int64_t i = 0; i < kRows; ++i) {
    if (Valid(i)) {
      T v = value(i);
      out.append(reinterpret_cast<const char*>(&v), sizeof(T));
    } else {
      out.append(sizeof(T), static_cast<char>(kGarbage));
    }
  }
  out.append(24, static_cast<char>(kGarbage));
  return Buffer::FromString(out);
}

int64_t IntValue(int64_t i) { return 1000 + i; }
double DoubleValue(int64_t i) { return 0.5 * static_cast<double>(i); }
int32_t FsbValue(int64_t i) { return static_cast<int32_t>(0x01020300 + i); }

// Every body byte of the batch's payloads, with the buffer layout from the body views.
std::string Body(const RecordBatch& batch) {
  PayloadEncoder encoder(batch.schema());
  auto payloads = encoder.EncodeBatch(batch);
  EXPECT_TRUE(payloads.ok()) << payloads.status().ToString();
  std::string body;
  for (const auto& payload : *payloads) {
    for (const auto& buffer : payload.body_buffers) {
      body.append(reinterpret_cast<const char*>(buffer->data()), static_cast<size_t>(buffer->size()));
    }
  }
  return body;
}

TEST(WireHygiene, NullSlotsBitmapTailsAndSlackGoOutAsZeros) {
  auto validity = DirtyValidity();
  auto ints = MakeArray(ArrayData::Make(int64(), kRows, {validity, DirtyValues<int64_t>(IntValue)}, 4));
  auto doubles = MakeArray(ArrayData::Make(float64(), kRows, {validity, DirtyValues<double>(DoubleValue)}, 4));
  auto fsb = MakeArray(ArrayData::Make(fixed_size_binary(4), kRows, {validity, DirtyValues<int32_t>(FsbValue)}, 4));
  auto bools = MakeArray(ArrayData::Make(boolean(), kRows, {validity, Buffer::FromString(std::string(4, '\xff'))}, 4));
  auto schema = quiver::schema({field("i", int64()), field("d", float64()), field("f", fixed_size_binary(4)),
                                field("b", boolean())});
  auto batch = RecordBatch::Make(schema, kRows, {ints, doubles, fsb, bools});
  const std::string body = Body(*batch);
  EXPECT_EQ(body.find(static_cast<char>(kGarbage)), std::string::npos);

  // The body, column by column: the validity bitmap (2 bytes, padded to 8), then the values
  // (padded to 8). Every bit past the last row and every byte under a null must be zero.
  const auto* bytes = reinterpret_cast<const uint8_t*>(body.data());
  auto bit = [](const uint8_t* bits, int64_t i) { return (bits[i / 8] >> (i % 8)) & 1; };
  int64_t at = 0;
  for (int column = 0; column < 4; ++column) {
    const uint8_t* validity_bits = bytes + at;
    for (int64_t i = 0; i < 16; ++i) EXPECT_EQ(bit(validity_bits, i), i < kRows && Valid(i)) << column << " " << i;
    at += 8;
    if (column == 3) {
      for (int64_t i = 0; i < 16; ++i) EXPECT_EQ(bit(bytes + at, i), i < kRows && Valid(i)) << "bool " << i;
      break;
    }
    const int64_t width = column == 2 ? 4 : 8;
    for (int64_t i = 0; i < kRows; ++i) {
      if (Valid(i)) continue;
      for (int64_t k = 0; k < width; ++k) EXPECT_EQ(bytes[at + i * width + k], 0) << column << " " << i;
    }
    at += (kRows * width + 7) / 8 * 8;
  }
  EXPECT_EQ(static_cast<int64_t>(body.size()), at + 8);
}

// kRows strings: "v<i>" for valid rows, while every null slot's offsets span the
// bytes "SECRET" (as an array not made by a builder may have them).
template <typename Offset>
ArrayPtr StringsWithBytesUnderNulls(const TypePtr& type) {
  std::string bytes;
  std::vector<Offset> offsets{0};
  for (int64_t i = 0; i < kRows; ++i) {
    bytes += Valid(i) ? "v" + std::to_string(i) : "SECRET";
    offsets.push_back(static_cast<Offset>(bytes.size()));
  }
  auto offsets_buffer = Buffer::FromString(
      std::string(reinterpret_cast<const char*>(offsets.data()), offsets.size() * sizeof(Offset)));
  return MakeArray(ArrayData::Make(type, kRows, {DirtyValidity(), offsets_buffer, Buffer::FromString(bytes)}, 4));
}

RecordBatchPtr ThroughAStream(const RecordBatch& batch) {
  auto sink = io::BufferOutputStream::Create();
  EXPECT_TRUE(sink.ok());
  auto writer = MakeStreamWriter(*sink, batch.schema());
  EXPECT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->WriteRecordBatch(batch).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  auto bytes = (*sink)->Finish();
  EXPECT_TRUE(bytes.ok());
  auto reader = RecordBatchStreamReader::Open(std::make_shared<io::BufferReader>(*bytes));
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  auto batches = (*reader)->ReadAll();
  EXPECT_TRUE(batches.ok()) << batches.status().ToString();
  EXPECT_EQ(batches->size(), 1u);
  return batches->empty() ? nullptr : batches->front();
}

TEST(WireHygiene, BytesUnderNullStringSlotsStayBehind) {
  auto schema = quiver::schema({field("s", utf8()), field("b", binary()), field("l", large_utf8())});
  auto batch = RecordBatch::Make(schema, kRows,
                                 {StringsWithBytesUnderNulls<int32_t>(utf8()),
                                  StringsWithBytesUnderNulls<int32_t>(binary()),
                                  StringsWithBytesUnderNulls<int64_t>(large_utf8())});
  for (const RecordBatchPtr& sent : {batch, batch->Slice(2, 7)}) {
    EXPECT_EQ(Body(*sent).find("SECRET"), std::string::npos);
    RecordBatchPtr received = ThroughAStream(*sent);
    ASSERT_NE(received, nullptr);
    EXPECT_TRUE(received->Equals(*sent)) << received->ToString();
    // The null slots arrive empty.
    const auto& strings = static_cast<const StringArray&>(*received->column(0));
    for (int64_t i = 0; i < strings.length(); ++i) {
      if (strings.IsNull(i)) {
        EXPECT_EQ(strings.value_length(i), 0) << i;
      }
    }
  }
}

constexpr int64_t kSecretValue = 0x5EC4E75EC4E75EC4;

// kRows lists of int64: [i, i] for valid rows, while every null slot's offsets span
// two kSecretValue child values.
ArrayPtr ListsWithValuesUnderNulls() {
  std::vector<int64_t> values;
  std::vector<int32_t> offsets{0};
  for (int64_t i = 0; i < kRows; ++i) {
    const int64_t v = Valid(i) ? i : kSecretValue;
    values.insert(values.end(), {v, v});
    offsets.push_back(static_cast<int32_t>(values.size()));
  }
  auto child = MakeArray(ArrayData::Make(int64(), static_cast<int64_t>(values.size()),
                                         {nullptr, Buffer::FromString(std::string(
                                                       reinterpret_cast<const char*>(values.data()),
                                                       values.size() * sizeof(int64_t)))},
                                         0));
  auto offsets_buffer = Buffer::FromString(
      std::string(reinterpret_cast<const char*>(offsets.data()), offsets.size() * sizeof(int32_t)));
  auto data = ArrayData::Make(list(int64()), kRows, {DirtyValidity(), offsets_buffer}, 4);
  data->child_data.push_back(child->data());
  return MakeArray(data);
}

TEST(WireHygiene, ValuesUnderNullListSlotsStayBehind) {
  auto batch = RecordBatch::Make(quiver::schema({field("l", list(int64()))}), kRows, {ListsWithValuesUnderNulls()});
  const std::string secret(reinterpret_cast<const char*>(&kSecretValue), sizeof(kSecretValue));
  for (const RecordBatchPtr& sent : {batch, batch->Slice(2, 7)}) {
    EXPECT_EQ(Body(*sent).find(secret), std::string::npos);
    RecordBatchPtr received = ThroughAStream(*sent);
    ASSERT_NE(received, nullptr);
    EXPECT_TRUE(received->Equals(*sent)) << received->ToString();
    EXPECT_EQ(received->column(0)->data()->child_data[0]->length, 2 * (sent->num_rows() - sent->column(0)->null_count()));
  }
}

TEST(WireHygiene, CleanArraysAreSentWithoutACopy) {
  // Builders leave zeros under nulls: the writer then sends views of the array's own buffers.
  std::string values(static_cast<size_t>(kRows * 8), '\0');
  for (int64_t i = 0; i < kRows; ++i) {
    if (Valid(i)) std::memcpy(&values[static_cast<size_t>(i * 8)], &i, 8);
  }
  std::string bits(2, '\0');
  for (int64_t i = 0; i < kRows; ++i) {
    if (Valid(i)) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
  }
  auto value_buffer = Buffer::FromString(values);
  auto data = ArrayData::Make(int64(), kRows, {Buffer::FromString(bits), value_buffer}, 4);
  auto batch = RecordBatch::Make(quiver::schema({field("i", int64())}), kRows, {MakeArray(data)});
  PayloadEncoder encoder(batch->schema());
  auto payloads = encoder.EncodeBatch(*batch);
  ASSERT_TRUE(payloads.ok());
  bool shared = false;
  for (const auto& buffer : payloads->back().body_buffers) shared |= buffer->data() == value_buffer->data();
  EXPECT_TRUE(shared);
}

}  // namespace
}  // namespace quiver::ipc
