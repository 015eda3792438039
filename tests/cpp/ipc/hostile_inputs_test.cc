// Named hostile IPC inputs (reliability figure F4): each is built by hand with the
// flatbuffers builder, exactly as a malicious writer would, and each must be refused
// with a specific error before it costs memory or stack, or (for bad values) by the
// full validation the reader runs by default.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "quiver/fbs/File_generated.h"
#include "quiver/fbs/Message_generated.h"
#include "quiver/fbs/Schema_generated.h"
#include "quiver/io.h"
#include "quiver/ipc/message.h"
#include "quiver/ipc/reader.h"
#include "quiver/memory.h"
#include "quiver/testing/matchers.h"

namespace quiver::ipc {
namespace {

namespace fb = org::apache::arrow::flatbuf;
using FBB = flatbuffers::FlatBufferBuilder;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Flatbuffer bytes in pool memory (8-byte aligned, as the reader requires).
std::shared_ptr<Buffer> Aligned(const uint8_t* data, size_t size) {
  auto buffer = AllocateBuffer(static_cast<int64_t>(size));
  EXPECT_TRUE(buffer.ok());
  if (size > 0) std::memcpy((*buffer)->mutable_data(), data, size);
  return *std::move(buffer);
}

std::shared_ptr<Buffer> Finish(FBB& fbb, fb::MessageHeader type, flatbuffers::Offset<void> header,
                               int64_t body_length) {
  fbb.Finish(fb::CreateMessage(fbb, fb::MetadataVersion::V5, type, header, body_length));
  return Aligned(fbb.GetBufferPointer(), fbb.GetSize());
}

std::shared_ptr<Buffer> Body(const std::vector<uint8_t>& bytes) { return Aligned(bytes.data(), bytes.size()); }

template <typename T>
void Put(std::vector<uint8_t>& body, T value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  body.insert(body.end(), p, p + sizeof(T));
}

void Pad(std::vector<uint8_t>& body) {
  while (body.size() % 8 != 0) body.push_back(0);
}

// --- schema builders ---------------------------------------------------------

using FieldMaker = std::function<flatbuffers::Offset<fb::Field>(FBB&)>;

flatbuffers::Offset<fb::Field> Leaf(FBB& fbb, const char* name, fb::Type type, flatbuffers::Offset<void> type_table,
                                    flatbuffers::Offset<fb::DictionaryEncoding> dictionary = 0) {
  return fb::CreateField(fbb, fbb.CreateString(name), true, type, type_table, dictionary);
}

std::shared_ptr<Buffer> SchemaMessage(const std::vector<FieldMaker>& makers) {
  FBB fbb;
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (const auto& make : makers) fields.push_back(make(fbb));
  auto schema = fb::CreateSchema(fbb, fb::Endianness::Little, fbb.CreateVector(fields));
  return Finish(fbb, fb::MessageHeader::Schema, schema.Union(), 0);
}

FieldMaker Utf8Field(const char* name) {
  return [name](FBB& fbb) { return Leaf(fbb, name, fb::Type::Utf8, fb::CreateUtf8(fbb).Union()); };
}

FieldMaker Int32Field(const char* name) {
  return [name](FBB& fbb) { return Leaf(fbb, name, fb::Type::Int, fb::CreateInt(fbb, 32, true).Union()); };
}

// A utf8 field dictionary-encoded with int32 indices under dictionary id `id`.
FieldMaker DictionaryField(const char* name, int64_t id) {
  return [name, id](FBB& fbb) {
    auto encoding = fb::CreateDictionaryEncoding(fbb, id, fb::CreateInt(fbb, 32, true));
    return Leaf(fbb, name, fb::Type::Utf8, fb::CreateUtf8(fbb).Union(), encoding);
  };
}

// --- record batch builders ---------------------------------------------------

struct BatchSpec {
  int64_t length = 0;
  std::vector<fb::FieldNode> nodes;
  std::vector<fb::Buffer> buffers;
  std::vector<int64_t> variadic_counts;
  bool compressed = false;
  fb::CompressionType codec = fb::CompressionType::ZSTD;
};

flatbuffers::Offset<fb::RecordBatch> BuildBatch(FBB& fbb, const BatchSpec& spec) {
  auto nodes = fbb.CreateVectorOfStructs(spec.nodes);
  auto buffers = fbb.CreateVectorOfStructs(spec.buffers);
  flatbuffers::Offset<fb::BodyCompression> compression = 0;
  if (spec.compressed) compression = fb::CreateBodyCompression(fbb, spec.codec);
  flatbuffers::Offset<flatbuffers::Vector<int64_t>> variadic = 0;
  if (!spec.variadic_counts.empty()) variadic = fbb.CreateVector(spec.variadic_counts);
  return fb::CreateRecordBatch(fbb, spec.length, nodes, buffers, compression, variadic);
}

std::shared_ptr<Buffer> BatchMessage(const BatchSpec& spec, int64_t body_length) {
  FBB fbb;
  auto batch = BuildBatch(fbb, spec);
  return Finish(fbb, fb::MessageHeader::RecordBatch, batch.Union(), body_length);
}

std::shared_ptr<Buffer> DictionaryMessage(int64_t id, bool is_delta, const BatchSpec& spec, int64_t body_length) {
  FBB fbb;
  auto batch = BuildBatch(fbb, spec);
  auto dictionary = fb::CreateDictionaryBatch(fbb, id, batch, is_delta);
  return Finish(fbb, fb::MessageHeader::DictionaryBatch, dictionary.Union(), body_length);
}

// One utf8 column: validity absent, offsets and data as given.
struct Strings {
  BatchSpec spec;
  std::vector<uint8_t> body;
};
Strings StringColumn(const std::vector<int32_t>& offsets, const std::string& data) {
  Strings out;
  const int64_t length = static_cast<int64_t>(offsets.size()) - 1;
  out.spec.length = length;
  out.spec.nodes = {fb::FieldNode(length, 0)};
  for (int32_t o : offsets) Put(out.body, o);
  Pad(out.body);
  const int64_t data_at = static_cast<int64_t>(out.body.size());
  out.body.insert(out.body.end(), data.begin(), data.end());
  Pad(out.body);
  out.spec.buffers = {fb::Buffer(0, 0), fb::Buffer(0, static_cast<int64_t>(offsets.size() * 4)),
                      fb::Buffer(data_at, static_cast<int64_t>(data.size()))};
  return out;
}

// Feeds the messages in order to a decoder; the first failure, or OK.
Status Decode(const std::vector<std::pair<std::shared_ptr<Buffer>, std::shared_ptr<Buffer>>>& messages,
              IpcReadOptions options = {}) {
  MessageDecoder decoder(options);
  for (const auto& [metadata, body] : messages) {
    QUIVER_ASSIGN_OR_RAISE(auto message, Message::Open(metadata, body));
    QUIVER_RETURN_NOT_OK(decoder.Consume(*message).status());
  }
  return Status::OK();
}

Status DecodeBatch(const std::vector<FieldMaker>& schema, const BatchSpec& spec, const std::vector<uint8_t>& body,
                   IpcReadOptions options = {}) {
  return Decode({{SchemaMessage(schema), nullptr}, {BatchMessage(spec, static_cast<int64_t>(body.size())), Body(body)}},
                options);
}

// --- nesting -----------------------------------------------------------------

// A list<list<...<int32>...>> field nested `depth` levels, built bottom-up.
FieldMaker NestedLists(int depth) {
  return [depth](FBB& fbb) {
    auto field = Leaf(fbb, "leaf", fb::Type::Int, fb::CreateInt(fbb, 32, true).Union());
    for (int i = 0; i < depth; ++i) {
      std::vector<flatbuffers::Offset<fb::Field>> children{field};
      field = fb::CreateField(fbb, fbb.CreateString("item"), true, fb::Type::List, fb::CreateList(fbb).Union(), 0,
                              fbb.CreateVector(children));
    }
    return field;
  };
}

TEST(HostileIpc, NestingDepthTenThousandIsRefusedWithoutRecursingThroughIt) {
  // The verifier stops at its depth limit, and the error names the cause: the
  // fields are walked without recursion to find it. Nothing recurses 10,000 levels.
  EXPECT_THAT(Decode({{SchemaMessage({NestedLists(10000)}), nullptr}}),
              StatusIs(StatusCode::Invalid, AllOf(HasSubstr("schema nests fields more than 125 deep (depth > 125)"),
                                                  HasSubstr("max_recursion_depth"))));
}

// An IPC file with no batches whose footer holds a schema of the given fields.
std::shared_ptr<Buffer> FileWithSchema(const std::vector<FieldMaker>& makers) {
  FBB fbb;
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (const auto& make : makers) fields.push_back(make(fbb));
  auto schema = fb::CreateSchema(fbb, fb::Endianness::Little, fbb.CreateVector(fields));
  fbb.Finish(fb::CreateFooter(fbb, fb::MetadataVersion::V5, schema));
  std::vector<uint8_t> bytes = {'A', 'R', 'R', 'O', 'W', '1', 0, 0};
  bytes.insert(bytes.end(), fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  Put(bytes, static_cast<int32_t>(fbb.GetSize()));
  for (char c : std::string("ARROW1")) bytes.push_back(static_cast<uint8_t>(c));
  return Aligned(bytes.data(), bytes.size());
}

TEST(HostileIpc, AFileFooterNestedTenThousandDeepIsRefusedByItsDepth) {
  auto opened = RecordBatchFileReader::Open(std::make_shared<io::BufferReader>(FileWithSchema({NestedLists(10000)})));
  EXPECT_THAT(opened.status(), StatusIs(StatusCode::Invalid, HasSubstr("Footer flatbuffer's schema nests fields "
                                                                       "more than 125 deep")));
  // The same file with a shallow schema opens: the helper makes valid files.
  EXPECT_OK(RecordBatchFileReader::Open(std::make_shared<io::BufferReader>(FileWithSchema({NestedLists(3)})))
                .status());
}

TEST(HostileIpc, NestingBeyondTheReadLimitIsRefusedByName) {
  // Deep enough to pass the flatbuffer verifier, deeper than max_recursion_depth (64).
  EXPECT_THAT(Decode({{SchemaMessage({NestedLists(100)}), nullptr}}),
              StatusIs(StatusCode::Invalid, HasSubstr("schema nesting is deeper than the limit of 64")));
  IpcReadOptions options;
  options.max_recursion_depth = 200;
  EXPECT_OK(Decode({{SchemaMessage({NestedLists(100)}), nullptr}}, options));
}

// --- counts and lengths --------------------------------------------------------

TEST(HostileIpc, VariadicBufferCountOfTwoToTheThirtyFirstIsRefusedWithoutAllocating) {
  auto pool = MakeSystemMemoryPool();
  IpcReadOptions options;
  options.pool = pool.get();
  FieldMaker view = [](FBB& fbb) { return Leaf(fbb, "v", fb::Type::Utf8View, fb::CreateUtf8View(fbb).Union()); };
  BatchSpec spec;
  spec.length = 1;
  spec.nodes = {fb::FieldNode(1, 0)};
  spec.buffers = {fb::Buffer(0, 0), fb::Buffer(0, 16)};
  spec.variadic_counts = {int64_t{1} << 31};
  std::vector<uint8_t> body(16, 0);
  EXPECT_THAT(DecodeBatch({view}, spec, body, options),
              StatusIs(StatusCode::Invalid, HasSubstr("variadic buffer count must be in [0, 0] but found 2147483648")));
  // The count is checked against the buffers the message really lists before any
  // vector of that size exists.
  EXPECT_LT(pool->max_memory(), int64_t{64} << 20);
}

TEST(HostileIpc, BufferOffsetPlusLengthOverflowingInt64IsRefused) {
  Strings s = StringColumn({0, 1}, "a");
  s.spec.buffers[2] = fb::Buffer(std::numeric_limits<int64_t>::max() - 4, 16);
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, s.spec, s.body),
              StatusIs(StatusCode::Invalid, HasSubstr("lies outside the message body")));
  // Offset inside the body, length large enough that offset + length wraps.
  s.spec.buffers[2] = fb::Buffer(8, std::numeric_limits<int64_t>::max() - 4);
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, s.spec, s.body),
              StatusIs(StatusCode::Invalid, HasSubstr("lies outside the message body")));
}

TEST(HostileIpc, NegativeLengthsAreRefused) {
  Strings s = StringColumn({0, 1}, "a");
  BatchSpec node = s.spec;
  node.nodes[0] = fb::FieldNode(-1, 0);
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, node, s.body),
              StatusIs(StatusCode::Invalid, HasSubstr("field node length must be non-negative but found -1")));
  BatchSpec buffer = s.spec;
  buffer.buffers[1] = fb::Buffer(0, -8);
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, buffer, s.body),
              StatusIs(StatusCode::Invalid, HasSubstr("lies outside the message body")));
  BatchSpec batch = s.spec;
  batch.length = -1;
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, batch, s.body),
              StatusIs(StatusCode::Invalid, HasSubstr("record batch length must be non-negative but found -1")));
  EXPECT_THAT(Message::Open(BatchMessage(s.spec, -8), nullptr),
              StatusIs(StatusCode::Invalid, HasSubstr("message body length must be non-negative but found -8")));
}

TEST(HostileIpc, BodyShorterThanDeclaredIsRefused) {
  Strings s = StringColumn({0, 1}, "a");
  const int64_t declared = static_cast<int64_t>(s.body.size()) + 64;
  EXPECT_THAT(Message::Open(BatchMessage(s.spec, declared), Body(s.body)),
              StatusIs(StatusCode::Invalid, HasSubstr("message body is truncated: expected " +
                                                      std::to_string(declared) + " bytes but found " +
                                                      std::to_string(s.body.size()))));
  // The same through the stream reader: the stream ends inside the body.
  auto schema = SchemaMessage({Utf8Field("s")});
  auto batch = BatchMessage(s.spec, declared);
  std::string stream;
  for (const auto& metadata : {schema, batch}) {
    const uint32_t marker = kContinuationMarker;
    const int32_t length = static_cast<int32_t>((metadata->size() + 7) / 8 * 8);
    stream.append(reinterpret_cast<const char*>(&marker), 4);
    stream.append(reinterpret_cast<const char*>(&length), 4);
    stream.append(reinterpret_cast<const char*>(metadata->data()), metadata->size());
    stream.append(length - metadata->size(), '\0');
  }
  stream.append(reinterpret_cast<const char*>(s.body.data()), s.body.size());
  auto reader = RecordBatchStreamReader::Open(std::make_shared<io::BufferReader>(Buffer::FromString(stream)));
  ASSERT_OK(reader.status());
  std::shared_ptr<RecordBatch> batch_read;
  EXPECT_THAT((*reader)->ReadNext(&batch_read), StatusIs(StatusCode::Invalid, HasSubstr("message body is truncated")));
  EXPECT_EQ(batch_read, nullptr);
}

TEST(HostileIpc, CompressedBufferClaimingTwoToTheFortyBytesIsRefusedBeforeAllocating) {
  for (auto codec : {fb::CompressionType::ZSTD, fb::CompressionType::LZ4_FRAME}) {
    auto pool = MakeSystemMemoryPool();
    IpcReadOptions options;
    options.pool = pool.get();
    BatchSpec spec;
    spec.length = 1;
    spec.nodes = {fb::FieldNode(1, 0)};
    spec.compressed = true;
    spec.codec = codec;
    std::vector<uint8_t> body;
    Put<int64_t>(body, int64_t{1} << 40);  // the uncompressed-length prefix
    for (int i = 0; i < 8; ++i) body.push_back(0x28);
    spec.buffers = {fb::Buffer(0, 0), fb::Buffer(0, 16)};
    EXPECT_THAT(DecodeBatch({Int32Field("i")}, spec, body, options),
                StatusIs(StatusCode::Invalid, AllOf(HasSubstr("declares 1099511627776"), HasSubstr("limit"))));
    EXPECT_LT(pool->max_memory(), int64_t{64} << 20);
  }
}

// --- dictionaries --------------------------------------------------------------

std::pair<BatchSpec, std::vector<uint8_t>> DictionaryValues(const std::vector<int32_t>& offsets,
                                                            const std::string& data) {
  Strings s = StringColumn(offsets, data);
  return {s.spec, s.body};
}

TEST(HostileIpc, UnknownDictionaryIdIsRefused) {
  auto [values, body] = DictionaryValues({0, 1, 2}, "ab");
  const auto n = static_cast<int64_t>(body.size());
  EXPECT_THAT(Decode({{SchemaMessage({DictionaryField("d", 0)}), nullptr},
                      {DictionaryMessage(99, false, values, n), Body(body)}}),
              StatusIs(StatusCode::KeyError, HasSubstr("dictionary batch has id 99, which no field of the schema uses")));
  // A record batch whose dictionary never arrived.
  BatchSpec indices;
  indices.length = 1;
  indices.nodes = {fb::FieldNode(1, 0)};
  indices.buffers = {fb::Buffer(0, 0), fb::Buffer(0, 4)};
  std::vector<uint8_t> index_body(8, 0);
  EXPECT_THAT(Decode({{SchemaMessage({DictionaryField("d", 7)}), nullptr},
                      {BatchMessage(indices, 8), Body(index_body)}}),
              StatusIs(StatusCode::Invalid, HasSubstr("no dictionary with id 7")));
}

TEST(HostileIpc, DeltaDictionaryBeforeItsBaseIsRefused) {
  auto [values, body] = DictionaryValues({0, 1, 2}, "ab");
  EXPECT_THAT(Decode({{SchemaMessage({DictionaryField("d", 0)}), nullptr},
                      {DictionaryMessage(0, true, values, static_cast<int64_t>(body.size())), Body(body)}}),
              StatusIs(StatusCode::Invalid, HasSubstr("dictionary delta for id 0 arrived before the dictionary itself")));
}

// --- flatbuffer table-dedup bomb -------------------------------------------------

// A struct field whose children vector lists the same child table `fanout` times,
// `levels` deep: a few KiB of flatbuffer that names fanout^levels fields.
FieldMaker DedupBomb(int fanout, int levels) {
  return [fanout, levels](FBB& fbb) {
    auto field = Leaf(fbb, "x", fb::Type::Int, fb::CreateInt(fbb, 32, true).Union());
    for (int level = 0; level < levels; ++level) {
      std::vector<flatbuffers::Offset<fb::Field>> children(static_cast<size_t>(fanout), field);
      field = fb::CreateField(fbb, fbb.CreateString("s"), true, fb::Type::Struct_, fb::CreateStruct_(fbb).Union(), 0,
                              fbb.CreateVector(children));
    }
    return field;
  };
}

TEST(HostileIpc, FlatbufferTableDedupBombIsRefused) {
  // 1000^3 = 10^9 field references in ~8 KiB: the verifier's table budget stops it.
  auto schema = SchemaMessage({DedupBomb(1000, 3)});
  EXPECT_LT(schema->size(), 16 * 1024);
  EXPECT_THAT(Decode({{schema, nullptr}}), StatusIs(StatusCode::Invalid, HasSubstr("more than")));
}

TEST(HostileIpc, ADeepDedupBombIsRefusedByItsDepthWithoutWalkingEveryPath) {
  // 2^200 paths through 200 shared levels: finding the depth follows one of them.
  EXPECT_THAT(Decode({{SchemaMessage({DedupBomb(2, 200)}), nullptr}}),
              StatusIs(StatusCode::Invalid, HasSubstr("(depth > 125)")));
}

TEST(HostileIpc, SharedFieldTablesUnderTheVerifierBudgetAreRefusedToo) {
  // 600 x 600 references (each field plus its type table: ~720,000 tables) pass the
  // verifier's table budget (2^20) but would still make 360,000 Field objects out of
  // a few KiB.
  auto pool = MakeSystemMemoryPool();
  IpcReadOptions options;
  options.pool = pool.get();
  EXPECT_THAT(Decode({{SchemaMessage({DedupBomb(600, 2)}), nullptr}}, options),
              StatusIs(StatusCode::Invalid, HasSubstr("refers to the same Field table more than once")));
}

// --- values: offsets, UTF-8 ----------------------------------------------------------

TEST(HostileIpc, NonMonotonicStringOffsetsAreRefused) {
  Strings s = StringColumn({0, 3, 1, 4}, "abcd");
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, s.spec, s.body),
              StatusIs(StatusCode::Invalid, AllOf(HasSubstr("column 's'"), HasSubstr("offset"))));
}

TEST(HostileIpc, OutOfRangeStringOffsetsAreRefusedEvenWithoutFullValidation) {
  Strings s = StringColumn({0, 2, 100}, "abcd");
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, s.spec, s.body),
              StatusIs(StatusCode::Invalid, HasSubstr("100")));
  // The last offset is a structural bound: validate = false still checks it.
  IpcReadOptions options;
  options.validate = false;
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, s.spec, s.body, options),
              StatusIs(StatusCode::Invalid, HasSubstr("100")));
  Strings negative = StringColumn({-4, 2}, "abcd");
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, negative.spec, negative.body),
              StatusIs(StatusCode::Invalid, HasSubstr("-4")));
}

TEST(HostileIpc, InvalidUtf8InAUtf8ColumnIsRefused) {
  Strings s = StringColumn({0, 2, 4}, std::string("ok\xc3\x28", 4));
  EXPECT_THAT(DecodeBatch({Utf8Field("s")}, s.spec, s.body),
              StatusIs(StatusCode::Invalid, AllOf(HasSubstr("column 's'"), HasSubstr("value at index 1 is not valid UTF-8"))));
}

// --- types -----------------------------------------------------------------------------

TEST(HostileIpc, DecimalPrecisionOverflowIsRefused) {
  struct Case {
    int precision;
    int bit_width;
    const char* expected;
  };
  for (const Case& c : {Case{39, 128, "between 1 and 38 but found 39"}, Case{77, 256, "between 1 and 76 but found 77"},
                        Case{0, 128, "but found 0"}, Case{-5, 256, "but found -5"}}) {
    FieldMaker decimal = [c](FBB& fbb) {
      return Leaf(fbb, "d", fb::Type::Decimal, fb::CreateDecimal(fbb, c.precision, 2, c.bit_width).Union());
    };
    EXPECT_THAT(Decode({{SchemaMessage({decimal}), nullptr}}), StatusIs(StatusCode::Invalid, HasSubstr(c.expected)))
        << c.precision << "/" << c.bit_width;
  }
}

}  // namespace
}  // namespace quiver::ipc
