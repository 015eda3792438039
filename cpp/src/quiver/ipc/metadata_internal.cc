#include "quiver/ipc/metadata_internal.h"

#include <cstring>
#include <unordered_set>

#include "quiver/fbs/File_generated.h"
#include "quiver/fbs/Message_generated.h"
#include "quiver/fbs/Schema_generated.h"
#include "quiver/ipc/schema_depth_internal.h"

namespace quiver::ipc::internal {

namespace fb = org::apache::arrow::flatbuf;
using FBB = flatbuffers::FlatBufferBuilder;

namespace {

// Generous limits for the verifier: real schemas are far below these, hostile
// ones are stopped before they cost much.
constexpr flatbuffers::uoffset_t kMaxVerifierDepth = 128;
constexpr flatbuffers::uoffset_t kMaxVerifierTables = 1u << 20;

// A field nested this deep puts its tables past kMaxVerifierDepth: the root
// (Message or Footer), the Schema, then one table per level and the leaf's type.
constexpr int kMaxVerifiableFieldDepth = static_cast<int>(kMaxVerifierDepth) - 3;

template <typename Verify>
Status VerifyFlatbuffer(const Buffer& bytes, const char* what, SchemaRoot schema_root, Verify verify) {
  if (bytes.size() < 8) {
    return Status::Invalid("expected a ", what, " flatbuffer of at least 8 bytes but found ", bytes.size());
  }
  if (reinterpret_cast<uintptr_t>(bytes.data()) % 8 != 0) {
    return Status::Invalid("internal: ", what, " flatbuffer is not 8-byte aligned");
  }
  flatbuffers::Verifier verifier(bytes.data(), static_cast<size_t>(bytes.size()), kMaxVerifierDepth,
                                 kMaxVerifierTables);
  if (!verify(verifier)) {
    // The verifier does not say which rule failed. Fields nested too deep are the
    // commonest hostile schema: look for that cause by walking the fields ourselves.
    const std::optional<int> depth = RawSchemaFieldDepth(bytes.data(), static_cast<size_t>(bytes.size()),
                                                         schema_root, kMaxVerifiableFieldDepth, kMaxVerifierTables);
    if (depth.has_value() && *depth > kMaxVerifiableFieldDepth) {
      return Status::Invalid("the ", what, " flatbuffer's schema nests fields more than ", kMaxVerifiableFieldDepth,
                             " deep (depth > ", kMaxVerifiableFieldDepth, "), past the flatbuffer verifier's limit of ",
                             kMaxVerifierDepth, " tables; schemas are read up to IpcReadOptions::max_recursion_depth ",
                             "levels (", IpcReadOptions::Defaults().max_recursion_depth, " by default)");
    }
    // Otherwise, these are all it checks.
    return Status::Invalid("the ", what, " flatbuffer is malformed (failed verification: a table, vector or ",
                           "string lies outside its ", bytes.size(), " bytes or is misaligned, tables are nested ",
                           "deeper than ", kMaxVerifierDepth, ", or it holds more than ", kMaxVerifierTables,
                           " tables)");
  }
  return Status::OK();
}

MetadataVersion ToVersion(fb::MetadataVersion v) { return static_cast<MetadataVersion>(static_cast<int16_t>(v)); }

MetadataPtr ReadKeyValues(const flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>* kvs) {
  if (kvs == nullptr || kvs->size() == 0) return nullptr;
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(kvs->size());
  for (const auto* kv : *kvs) {
    pairs.emplace_back(kv->key() ? kv->key()->str() : "", kv->value() ? kv->value()->str() : "");
  }
  return key_value_metadata(std::move(pairs));
}

TimeUnit ToTimeUnit(fb::TimeUnit u) {
  switch (u) {
    case fb::TimeUnit::SECOND: return TimeUnit::SECOND;
    case fb::TimeUnit::MILLISECOND: return TimeUnit::MILLI;
    case fb::TimeUnit::MICROSECOND: return TimeUnit::MICRO;
    default: return TimeUnit::NANO;
  }
}

Status CheckTimeUnit(fb::TimeUnit u) {
  if (static_cast<int>(u) < 0 || static_cast<int>(u) > 3) {
    return Status::Invalid("unknown time unit ", static_cast<int>(u));
  }
  return Status::OK();
}

fb::TimeUnit FromTimeUnit(TimeUnit u) {
  switch (u) {
    case TimeUnit::SECOND: return fb::TimeUnit::SECOND;
    case TimeUnit::MILLI: return fb::TimeUnit::MILLISECOND;
    case TimeUnit::MICRO: return fb::TimeUnit::MICROSECOND;
    case TimeUnit::NANO: return fb::TimeUnit::NANOSECOND;
  }
  return fb::TimeUnit::NANOSECOND;
}

// ---------------------------------------------------------------------------
// flatbuffer Field -> Field

class SchemaParser {
 public:
  explicit SchemaParser(const IpcReadOptions& options) : options_(options) {}

  Result<FieldPtr> ParseField(const fb::Field* f, int depth) {
    if (f == nullptr) return Status::Invalid("a schema field is missing (null entry)");
    if (depth > options_.max_recursion_depth) {
      return Status::Invalid("schema nesting is deeper than the limit of ", options_.max_recursion_depth);
    }
    // Writers emit one Field table per field. A table listed again (a "dedup bomb":
    // children vectors pointing at one subtree over and over) would make a few KiB
    // of metadata expand into millions of fields.
    if (!seen_fields_.insert(f).second) {
      return Status::Invalid("the schema refers to the same Field table more than once");
    }
    std::string name = f->name() ? f->name()->str() : "";
    FieldVector children;
    if (f->children()) {
      children.reserve(f->children()->size());
      for (const auto* child : *f->children()) {
        QUIVER_ASSIGN_OR_RAISE(auto c, ParseField(child, depth + 1));
        children.push_back(std::move(c));
      }
    }
    auto type_result = ParseType(f, children);
    if (!type_result.ok()) return type_result.status().WithContext("field '" + name + "'");
    TypePtr type = *std::move(type_result);

    MetadataPtr metadata = ReadKeyValues(f->custom_metadata());
    if (const fb::DictionaryEncoding* enc = f->dictionary()) {
      TypePtr index_type = int32();
      if (const fb::Int* it = enc->indexType()) {
        QUIVER_ASSIGN_OR_RAISE(index_type, IntType(it->bitWidth(), it->is_signed()));
      }
      auto dict = DictionaryType::Make(index_type, type, enc->isOrdered());
      if (!dict.ok()) return dict.status().WithContext("field '" + name + "'");
      const int64_t id = enc->id();
      auto [it, inserted] = ids_.value_type.emplace(id, type);
      if (!inserted && !it->second->Equals(*type)) {
        return Status::Invalid("dictionary id ", id, " is used by fields of different value types: ",
                               it->second->ToString(), " and ", type->ToString());
      }
      type = *std::move(dict);
      ids_.id_of[type.get()] = id;
    }
    // Extension types travel as their storage type plus two metadata keys. A
    // dictionary-encoded extension field becomes extension<dictionary<...>>, as in
    // Apache Arrow: the dictionary encoding is part of the storage.
    if (metadata && metadata->Contains(kExtensionNameKey)) {
      auto ext_name = *metadata->Get(kExtensionNameKey);
      std::string serialized = metadata->Contains(kExtensionMetadataKey)
                                   ? *metadata->Get(kExtensionMetadataKey)
                                   : std::string();
      auto rest = std::make_shared<KeyValueMetadata>(*metadata);
      rest->Delete(kExtensionNameKey);
      rest->Delete(kExtensionMetadataKey);
      metadata = rest->size() ? MetadataPtr(rest) : nullptr;
      type = extension(std::move(ext_name), std::move(type), std::move(serialized));
    }

    return field(std::move(name), std::move(type), f->nullable(), std::move(metadata));
  }

  DictionaryIds TakeIds() { return std::move(ids_); }

 private:
  static Result<TypePtr> IntType(int bit_width, bool is_signed) {
    switch (bit_width) {
      case 8: return is_signed ? int8() : uint8();
      case 16: return is_signed ? int16() : uint16();
      case 32: return is_signed ? int32() : uint32();
      case 64: return is_signed ? int64() : uint64();
      default: return Status::Invalid("integer bit width must be 8, 16, 32 or 64 but found ", bit_width);
    }
  }

  static Status ExpectChildren(const char* type, const FieldVector& children, size_t n) {
    if (children.size() != n) {
      return Status::Invalid(type, " must have ", n, n == 1 ? " child" : " children", " but found ",
                             children.size());
    }
    return Status::OK();
  }

  static Status ExpectNoChildren(const char* type, const FieldVector& children) {
    return ExpectChildren(type, children, 0);
  }

  Result<TypePtr> ParseType(const fb::Field* f, const FieldVector& children) {
    switch (f->type_type()) {
      case fb::Type::NONE:
        return Status::Invalid("field has no type");
      case fb::Type::Null:
        QUIVER_RETURN_NOT_OK(ExpectNoChildren("null", children));
        return null();
      case fb::Type::Int: {
        const auto* t = f->type_as_Int();
        if (!t) return Status::Invalid("Int type table missing");
        return IntType(t->bitWidth(), t->is_signed());
      }
      case fb::Type::FloatingPoint: {
        const auto* t = f->type_as_FloatingPoint();
        if (!t) return Status::Invalid("FloatingPoint type table missing");
        switch (t->precision()) {
          case fb::Precision::HALF: return float16();
          case fb::Precision::SINGLE: return float32();
          case fb::Precision::DOUBLE: return float64();
          default: return Status::Invalid("unknown floating point precision ", static_cast<int>(t->precision()));
        }
      }
      case fb::Type::Binary: return binary();
      case fb::Type::Utf8: return utf8();
      case fb::Type::LargeBinary: return large_binary();
      case fb::Type::LargeUtf8: return large_utf8();
      case fb::Type::BinaryView: return binary_view();
      case fb::Type::Utf8View: return utf8_view();
      case fb::Type::Bool: return boolean();
      case fb::Type::Decimal: {
        const auto* t = f->type_as_Decimal();
        if (!t) return Status::Invalid("Decimal type table missing");
        TypeId id;
        switch (t->bitWidth()) {
          case 32: id = TypeId::DECIMAL32; break;
          case 64: id = TypeId::DECIMAL64; break;
          case 128: id = TypeId::DECIMAL128; break;
          case 256: id = TypeId::DECIMAL256; break;
          default:
            return Status::Invalid("decimal bit width must be 32, 64, 128 or 256 but found ", t->bitWidth());
        }
        return DecimalType::Make(id, t->precision(), t->scale());
      }
      case fb::Type::Date: {
        const auto* t = f->type_as_Date();
        if (!t) return Status::Invalid("Date type table missing");
        if (t->unit() == fb::DateUnit::DAY) return date32();
        if (t->unit() == fb::DateUnit::MILLISECOND) return date64();
        return Status::Invalid("unknown date unit ", static_cast<int>(t->unit()));
      }
      case fb::Type::Time: {
        const auto* t = f->type_as_Time();
        if (!t) return Status::Invalid("Time type table missing");
        QUIVER_RETURN_NOT_OK(CheckTimeUnit(t->unit()));
        const TimeUnit unit = ToTimeUnit(t->unit());
        const bool is32 = unit == TimeUnit::SECOND || unit == TimeUnit::MILLI;
        if (t->bitWidth() != (is32 ? 32 : 64)) {
          return Status::Invalid("time[", TimeUnitSuffix(unit), "] must be ", is32 ? 32 : 64,
                                 " bits wide but found ", t->bitWidth());
        }
        return is32 ? time32(unit) : time64(unit);
      }
      case fb::Type::Timestamp: {
        const auto* t = f->type_as_Timestamp();
        if (!t) return Status::Invalid("Timestamp type table missing");
        QUIVER_RETURN_NOT_OK(CheckTimeUnit(t->unit()));
        return timestamp(ToTimeUnit(t->unit()), t->timezone() ? t->timezone()->str() : "");
      }
      case fb::Type::Duration: {
        const auto* t = f->type_as_Duration();
        if (!t) return Status::Invalid("Duration type table missing");
        QUIVER_RETURN_NOT_OK(CheckTimeUnit(t->unit()));
        return duration(ToTimeUnit(t->unit()));
      }
      case fb::Type::Interval: {
        const auto* t = f->type_as_Interval();
        if (!t) return Status::Invalid("Interval type table missing");
        switch (t->unit()) {
          case fb::IntervalUnit::YEAR_MONTH: return month_interval();
          case fb::IntervalUnit::DAY_TIME: return day_time_interval();
          case fb::IntervalUnit::MONTH_DAY_NANO: return month_day_nano_interval();
          default: return Status::Invalid("unknown interval unit ", static_cast<int>(t->unit()));
        }
      }
      case fb::Type::FixedSizeBinary: {
        const auto* t = f->type_as_FixedSizeBinary();
        if (!t) return Status::Invalid("FixedSizeBinary type table missing");
        if (t->byteWidth() < 0) {
          return Status::Invalid("fixed_size_binary width must be non-negative but found ", t->byteWidth());
        }
        return fixed_size_binary(t->byteWidth());
      }
      case fb::Type::List:
        QUIVER_RETURN_NOT_OK(ExpectChildren("list", children, 1));
        return list(children[0]);
      case fb::Type::LargeList:
        QUIVER_RETURN_NOT_OK(ExpectChildren("large_list", children, 1));
        return large_list(children[0]);
      case fb::Type::ListView:
        QUIVER_RETURN_NOT_OK(ExpectChildren("list_view", children, 1));
        return list_view(children[0]);
      case fb::Type::LargeListView:
        QUIVER_RETURN_NOT_OK(ExpectChildren("large_list_view", children, 1));
        return large_list_view(children[0]);
      case fb::Type::FixedSizeList: {
        const auto* t = f->type_as_FixedSizeList();
        if (!t) return Status::Invalid("FixedSizeList type table missing");
        QUIVER_RETURN_NOT_OK(ExpectChildren("fixed_size_list", children, 1));
        if (t->listSize() < 0) {
          return Status::Invalid("fixed_size_list size must be non-negative but found ", t->listSize());
        }
        return fixed_size_list(children[0], t->listSize());
      }
      case fb::Type::Struct_:
        return struct_(children);
      case fb::Type::Map: {
        const auto* t = f->type_as_Map();
        if (!t) return Status::Invalid("Map type table missing");
        QUIVER_RETURN_NOT_OK(ExpectChildren("map", children, 1));
        return MapType::Make(children[0], t->keysSorted());
      }
      case fb::Type::Union: {
        const auto* t = f->type_as_Union();
        if (!t) return Status::Invalid("Union type table missing");
        std::vector<int8_t> codes;
        if (t->typeIds()) {
          for (int32_t code : *t->typeIds()) {
            if (code < 0 || code > UnionType::kMaxTypeCode) {
              return Status::Invalid("union type ids must be in [0, 127] but found ", code);
            }
            codes.push_back(static_cast<int8_t>(code));
          }
        }
        if (t->mode() != fb::UnionMode::Sparse && t->mode() != fb::UnionMode::Dense) {
          return Status::Invalid("unknown union mode ", static_cast<int>(t->mode()));
        }
        return UnionType::Make(t->mode() == fb::UnionMode::Sparse ? UnionMode::SPARSE : UnionMode::DENSE,
                               children, std::move(codes));
      }
      case fb::Type::RunEndEncoded:
        QUIVER_RETURN_NOT_OK(ExpectChildren("run_end_encoded", children, 2));
        return RunEndEncodedType::Make(children[0]->type(), children[1]->type());
      default:
        return Status::NotImplemented("unsupported type id ", static_cast<int>(f->type_type()),
                                      " in schema");
    }
  }

  const IpcReadOptions& options_;
  DictionaryIds ids_;
  std::unordered_set<const fb::Field*> seen_fields_;
};

Result<ParsedSchema> ParseSchemaTable(const fb::Schema* s, const IpcReadOptions& options) {
  if (s == nullptr) return Status::Invalid("the message has no schema table");
  SchemaParser parser(options);
  FieldVector fields;
  if (s->fields()) {
    fields.reserve(s->fields()->size());
    for (const auto* f : *s->fields()) {
      QUIVER_ASSIGN_OR_RAISE(auto fld, parser.ParseField(f, 1));
      fields.push_back(std::move(fld));
    }
  }
  ParsedSchema out;
  out.schema = schema(std::move(fields), ReadKeyValues(s->custom_metadata()));
  out.dictionaries = parser.TakeIds();
  out.big_endian = s->endianness() == fb::Endianness::Big;
  return out;
}

// The generated accessors read vectors of structs (and of int64) in place, which
// assumes their 8-byte alignment. The verifier checks bounds but a hostile buffer
// can still misplace them, so their fields are copied out with memcpy.
template <typename T>
T LoadUnaligned(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}
static_assert(sizeof(fb::FieldNode) == 16 && sizeof(fb::Buffer) == 16 && sizeof(fb::Block) == 24,
              "struct layouts of Message.fbs / File.fbs");

Result<RecordBatchSpec> ParseRecordBatchTable(const fb::RecordBatch* rb) {
  if (rb == nullptr) return Status::Invalid("the message has no record batch table");
  RecordBatchSpec spec;
  spec.length = rb->length();
  if (spec.length < 0) return Status::Invalid("record batch length must be non-negative but found ", spec.length);
  if (rb->nodes()) {
    spec.nodes.reserve(rb->nodes()->size());
    const uint8_t* p = rb->nodes()->Data();
    for (flatbuffers::uoffset_t i = 0; i < rb->nodes()->size(); ++i, p += sizeof(fb::FieldNode)) {
      spec.nodes.push_back({LoadUnaligned<int64_t>(p), LoadUnaligned<int64_t>(p + 8)});
    }
  }
  if (rb->buffers()) {
    spec.buffers.reserve(rb->buffers()->size());
    const uint8_t* p = rb->buffers()->Data();
    for (flatbuffers::uoffset_t i = 0; i < rb->buffers()->size(); ++i, p += sizeof(fb::Buffer)) {
      spec.buffers.push_back({LoadUnaligned<int64_t>(p), LoadUnaligned<int64_t>(p + 8)});
    }
  }
  if (rb->variadicBufferCounts()) {
    const uint8_t* p = rb->variadicBufferCounts()->Data();
    for (flatbuffers::uoffset_t i = 0; i < rb->variadicBufferCounts()->size(); ++i, p += 8) {
      spec.variadic_buffer_counts.push_back(LoadUnaligned<int64_t>(p));
    }
  }
  if (const auto* c = rb->compression()) {
    if (c->method() != fb::BodyCompressionMethod::BUFFER) {
      return Status::NotImplemented("body compression method ", static_cast<int>(c->method()),
                                    " (only BUFFER is defined)");
    }
    switch (c->codec()) {
      case fb::CompressionType::LZ4_FRAME: spec.compression = CompressionType::LZ4_FRAME; break;
      case fb::CompressionType::ZSTD: spec.compression = CompressionType::ZSTD; break;
      default: return Status::Invalid("unknown compression codec ", static_cast<int>(c->codec()));
    }
  }
  return spec;
}

const fb::Message* VerifiedMessage(const Buffer& metadata, Status* status) {
  *status = VerifyFlatbuffer(metadata, "Message", SchemaRoot::kMessage, [](flatbuffers::Verifier& v) {
    return v.VerifyBuffer<fb::Message>(nullptr);
  });
  return status->ok() ? flatbuffers::GetRoot<fb::Message>(metadata.data()) : nullptr;
}

// ---------------------------------------------------------------------------
// Field -> flatbuffer

using KeyValueOffsets = flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>>;

KeyValueOffsets WriteKeyValues(FBB& fbb, const KeyValueMetadata* md) {
  if (md == nullptr || md->size() == 0) return 0;
  std::vector<flatbuffers::Offset<fb::KeyValue>> kvs;
  for (const auto& [k, v] : md->pairs()) {
    kvs.push_back(fb::CreateKeyValue(fbb, fbb.CreateString(k), fbb.CreateString(v)));
  }
  return fbb.CreateVector(kvs);
}

class SchemaWriter {
 public:
  SchemaWriter(FBB& fbb, const IpcWriteOptions& options) : fbb_(fbb), options_(options) {}

  Result<flatbuffers::Offset<fb::Field>> WriteField(const Field& f, int depth) {
    if (depth > options_.max_recursion_depth) {
      return Status::Invalid("schema nesting is deeper than the limit of ", options_.max_recursion_depth);
    }
    TypePtr type = f.type();
    flatbuffers::Offset<fb::DictionaryEncoding> dict_offset = 0;
    // Dictionary: the field's flatbuffer type is the value type; ids follow depth-first order.
    std::shared_ptr<KeyValueMetadata> metadata =
        f.metadata() ? std::make_shared<KeyValueMetadata>(*f.metadata()) : nullptr;
    int64_t dict_id = -1;
    const DictionaryType* dict_type = nullptr;
    // extension<dictionary<V>> (Arrow's form) and dictionary<extension<V>> both
    // write as a dictionary-encoded field of V's storage plus the extension keys.
    auto unwrap_extension = [&] {
      if (type->id() != TypeId::EXTENSION) return;
      const auto& ext = static_cast<const ExtensionType&>(*type);
      if (!metadata) metadata = std::make_shared<KeyValueMetadata>();
      metadata->Set(std::string(kExtensionNameKey), ext.extension_name());
      metadata->Set(std::string(kExtensionMetadataKey), ext.serialized());
      type = ext.storage_type();
    };
    unwrap_extension();
    if (type->id() == TypeId::DICTIONARY) {
      dict_type = static_cast<const DictionaryType*>(type.get());
      dict_id = next_dictionary_id_++;
      type = dict_type->value_type();
    }
    unwrap_extension();
    std::vector<flatbuffers::Offset<fb::Field>> children;
    for (const auto& child : type->fields()) {
      QUIVER_ASSIGN_OR_RAISE(auto c, WriteField(*child, depth + 1));
      children.push_back(c);
    }
    if (dict_type) {
      const auto& index = *dict_type->index_type();
      auto index_offset = fb::CreateInt(fbb_, index.bit_width(), is_signed_integer(index.id()));
      dict_offset = fb::CreateDictionaryEncoding(fbb_, dict_id, index_offset, dict_type->ordered(),
                                                 fb::DictionaryKind::DenseArray);
    }
    QUIVER_ASSIGN_OR_RAISE(auto type_pair, WriteType(*type));
    auto name = fbb_.CreateString(f.name());
    auto children_offset = fbb_.CreateVector(children);
    auto md = WriteKeyValues(fbb_, metadata.get());
    return fb::CreateField(fbb_, name, f.nullable(), type_pair.first, type_pair.second, dict_offset,
                           children_offset, md);
  }

 private:
  Result<std::pair<fb::Type, flatbuffers::Offset<void>>> WriteType(const DataType& type) {
    auto as = [](auto offset) { return offset.Union(); };
    switch (type.id()) {
      case TypeId::NA: return std::pair{fb::Type::Null, as(fb::CreateNull(fbb_))};
      case TypeId::BOOL: return std::pair{fb::Type::Bool, as(fb::CreateBool(fbb_))};
      case TypeId::INT8:
      case TypeId::INT16:
      case TypeId::INT32:
      case TypeId::INT64:
      case TypeId::UINT8:
      case TypeId::UINT16:
      case TypeId::UINT32:
      case TypeId::UINT64:
        return std::pair{fb::Type::Int,
                         as(fb::CreateInt(fbb_, type.bit_width(), is_signed_integer(type.id())))};
      case TypeId::HALF_FLOAT:
        return std::pair{fb::Type::FloatingPoint, as(fb::CreateFloatingPoint(fbb_, fb::Precision::HALF))};
      case TypeId::FLOAT:
        return std::pair{fb::Type::FloatingPoint, as(fb::CreateFloatingPoint(fbb_, fb::Precision::SINGLE))};
      case TypeId::DOUBLE:
        return std::pair{fb::Type::FloatingPoint, as(fb::CreateFloatingPoint(fbb_, fb::Precision::DOUBLE))};
      case TypeId::DECIMAL32:
      case TypeId::DECIMAL64:
      case TypeId::DECIMAL128:
      case TypeId::DECIMAL256: {
        const auto& t = static_cast<const DecimalType&>(type);
        return std::pair{fb::Type::Decimal,
                         as(fb::CreateDecimal(fbb_, t.precision(), t.scale(), type.bit_width()))};
      }
      case TypeId::DATE32: return std::pair{fb::Type::Date, as(fb::CreateDate(fbb_, fb::DateUnit::DAY))};
      case TypeId::DATE64:
        return std::pair{fb::Type::Date, as(fb::CreateDate(fbb_, fb::DateUnit::MILLISECOND))};
      case TypeId::TIME32:
      case TypeId::TIME64: {
        const auto& t = static_cast<const TemporalUnitType&>(type);
        return std::pair{fb::Type::Time, as(fb::CreateTime(fbb_, FromTimeUnit(t.unit()), type.bit_width()))};
      }
      case TypeId::TIMESTAMP: {
        const auto& t = static_cast<const TimestampType&>(type);
        auto tz = t.timezone().empty() ? 0 : fbb_.CreateString(t.timezone());
        return std::pair{fb::Type::Timestamp, as(fb::CreateTimestamp(fbb_, FromTimeUnit(t.unit()), tz))};
      }
      case TypeId::DURATION: {
        const auto& t = static_cast<const TemporalUnitType&>(type);
        return std::pair{fb::Type::Duration, as(fb::CreateDuration(fbb_, FromTimeUnit(t.unit())))};
      }
      case TypeId::INTERVAL_MONTHS:
        return std::pair{fb::Type::Interval, as(fb::CreateInterval(fbb_, fb::IntervalUnit::YEAR_MONTH))};
      case TypeId::INTERVAL_DAY_TIME:
        return std::pair{fb::Type::Interval, as(fb::CreateInterval(fbb_, fb::IntervalUnit::DAY_TIME))};
      case TypeId::INTERVAL_MONTH_DAY_NANO:
        return std::pair{fb::Type::Interval, as(fb::CreateInterval(fbb_, fb::IntervalUnit::MONTH_DAY_NANO))};
      case TypeId::BINARY: return std::pair{fb::Type::Binary, as(fb::CreateBinary(fbb_))};
      case TypeId::STRING: return std::pair{fb::Type::Utf8, as(fb::CreateUtf8(fbb_))};
      case TypeId::LARGE_BINARY: return std::pair{fb::Type::LargeBinary, as(fb::CreateLargeBinary(fbb_))};
      case TypeId::LARGE_STRING: return std::pair{fb::Type::LargeUtf8, as(fb::CreateLargeUtf8(fbb_))};
      case TypeId::BINARY_VIEW: return std::pair{fb::Type::BinaryView, as(fb::CreateBinaryView(fbb_))};
      case TypeId::STRING_VIEW: return std::pair{fb::Type::Utf8View, as(fb::CreateUtf8View(fbb_))};
      case TypeId::FIXED_SIZE_BINARY:
        return std::pair{fb::Type::FixedSizeBinary,
                         as(fb::CreateFixedSizeBinary(fbb_, static_cast<const FixedSizeBinaryType&>(type).width()))};
      case TypeId::LIST: return std::pair{fb::Type::List, as(fb::CreateList(fbb_))};
      case TypeId::LARGE_LIST: return std::pair{fb::Type::LargeList, as(fb::CreateLargeList(fbb_))};
      case TypeId::LIST_VIEW: return std::pair{fb::Type::ListView, as(fb::CreateListView(fbb_))};
      case TypeId::LARGE_LIST_VIEW:
        return std::pair{fb::Type::LargeListView, as(fb::CreateLargeListView(fbb_))};
      case TypeId::FIXED_SIZE_LIST:
        return std::pair{fb::Type::FixedSizeList,
                         as(fb::CreateFixedSizeList(fbb_, static_cast<const FixedSizeListType&>(type).list_size()))};
      case TypeId::STRUCT: return std::pair{fb::Type::Struct_, as(fb::CreateStruct_(fbb_))};
      case TypeId::MAP:
        return std::pair{fb::Type::Map, as(fb::CreateMap(fbb_, static_cast<const MapType&>(type).keys_sorted()))};
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION: {
        const auto& t = static_cast<const UnionType&>(type);
        std::vector<int32_t> codes(t.type_codes().begin(), t.type_codes().end());
        auto codes_offset = fbb_.CreateVector(codes);
        return std::pair{fb::Type::Union,
                         as(fb::CreateUnion(fbb_, t.mode() == UnionMode::SPARSE ? fb::UnionMode::Sparse
                                                                                : fb::UnionMode::Dense,
                                            codes_offset))};
      }
      case TypeId::RUN_END_ENCODED:
        return std::pair{fb::Type::RunEndEncoded, as(fb::CreateRunEndEncoded(fbb_))};
      case TypeId::DICTIONARY:
        return Status::Invalid("a dictionary's value type cannot itself be a dictionary type");
      case TypeId::EXTENSION:
        return Status::Invalid("an extension type nested directly in another extension type is not supported");
    }
    return Status::NotImplemented("cannot write type ", type.ToString());
  }

  FBB& fbb_;
  const IpcWriteOptions& options_;
  int64_t next_dictionary_id_ = 0;
};

Result<flatbuffers::Offset<fb::Schema>> WriteSchemaTable(FBB& fbb, const Schema& s,
                                                         const IpcWriteOptions& options) {
  SchemaWriter writer(fbb, options);
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (const auto& f : s.fields()) {
    QUIVER_ASSIGN_OR_RAISE(auto off, writer.WriteField(*f, 1));
    fields.push_back(off);
  }
  auto fields_offset = fbb.CreateVector(fields);
  auto md = WriteKeyValues(fbb, s.metadata().get());
  return fb::CreateSchema(fbb, fb::Endianness::Little, fields_offset, md);
}

std::shared_ptr<Buffer> FinishToBuffer(FBB& fbb, MemoryPool* pool, Status* status) {
  auto result = Buffer::CopyFrom(
      std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()), pool);
  if (!result.ok()) {
    *status = result.status();
    return nullptr;
  }
  return *std::move(result);
}

Result<std::shared_ptr<Buffer>> FinishMessage(FBB& fbb, fb::MessageHeader type, flatbuffers::Offset<void> header,
                                              int64_t body_length, const MetadataPtr& custom_metadata,
                                              const IpcWriteOptions& options) {
  auto md = WriteKeyValues(fbb, custom_metadata.get());
  auto message = fb::CreateMessage(fbb, static_cast<fb::MetadataVersion>(options.metadata_version), type,
                                   header, body_length, md);
  fbb.Finish(message);
  Status status;
  auto out = FinishToBuffer(fbb, options.pool, &status);
  QUIVER_RETURN_NOT_OK(status);
  return out;
}

flatbuffers::Offset<fb::RecordBatch> WriteRecordBatchTable(FBB& fbb, const RecordBatchSpec& spec) {
  std::vector<fb::FieldNode> nodes;
  nodes.reserve(spec.nodes.size());
  for (const auto& n : spec.nodes) nodes.emplace_back(n.length, n.null_count);
  std::vector<fb::Buffer> buffers;
  buffers.reserve(spec.buffers.size());
  for (const auto& b : spec.buffers) buffers.emplace_back(b.offset, b.length);
  auto nodes_offset = fbb.CreateVectorOfStructs(nodes);
  auto buffers_offset = fbb.CreateVectorOfStructs(buffers);
  flatbuffers::Offset<fb::BodyCompression> compression = 0;
  if (spec.compression != CompressionType::NONE) {
    compression = fb::CreateBodyCompression(
        fbb, spec.compression == CompressionType::LZ4_FRAME ? fb::CompressionType::LZ4_FRAME : fb::CompressionType::ZSTD,
        fb::BodyCompressionMethod::BUFFER);
  }
  flatbuffers::Offset<flatbuffers::Vector<int64_t>> variadic = 0;
  if (!spec.variadic_buffer_counts.empty()) variadic = fbb.CreateVector(spec.variadic_buffer_counts);
  return fb::CreateRecordBatch(fbb, spec.length, nodes_offset, buffers_offset, compression, variadic);
}

}  // namespace

// ---------------------------------------------------------------------------

Result<MessageEnvelope> ReadEnvelope(const Buffer& metadata) {
  Status status;
  const fb::Message* m = VerifiedMessage(metadata, &status);
  QUIVER_RETURN_NOT_OK(status);
  MessageEnvelope env;
  const int16_t v = static_cast<int16_t>(m->version());
  if (v < static_cast<int16_t>(fb::MetadataVersion::V4) || v > static_cast<int16_t>(fb::MetadataVersion::V5)) {
    return Status::Invalid("unsupported IPC metadata version: expected V4 or V5 but found V", v + 1);
  }
  env.version = ToVersion(m->version());
  env.body_length = m->bodyLength();
  if (env.body_length < 0) {
    return Status::Invalid("message body length must be non-negative but found ", env.body_length);
  }
  switch (m->header_type()) {
    case fb::MessageHeader::Schema: env.type = MessageType::SCHEMA; break;
    case fb::MessageHeader::DictionaryBatch: env.type = MessageType::DICTIONARY_BATCH; break;
    case fb::MessageHeader::RecordBatch: env.type = MessageType::RECORD_BATCH; break;
    case fb::MessageHeader::Tensor: env.type = MessageType::TENSOR; break;
    case fb::MessageHeader::SparseTensor: env.type = MessageType::SPARSE_TENSOR; break;
    default:
      return Status::Invalid("unknown message header type ", static_cast<int>(m->header_type()));
  }
  if (m->header() == nullptr) return Status::Invalid("the message has no header table");
  env.custom_metadata = ReadKeyValues(m->custom_metadata());
  return env;
}

Result<ParsedSchema> ParseSchemaMessage(const Buffer& metadata, const IpcReadOptions& options) {
  Status status;
  const fb::Message* m = VerifiedMessage(metadata, &status);
  QUIVER_RETURN_NOT_OK(status);
  if (m->header_type() != fb::MessageHeader::Schema) {
    return Status::Invalid("expected a Schema message but found header type ",
                           static_cast<int>(m->header_type()));
  }
  return ParseSchemaTable(m->header_as_Schema(), options);
}

Result<RecordBatchSpec> ParseRecordBatchMessage(const Buffer& metadata) {
  Status status;
  const fb::Message* m = VerifiedMessage(metadata, &status);
  QUIVER_RETURN_NOT_OK(status);
  if (m->header_type() != fb::MessageHeader::RecordBatch) {
    return Status::Invalid("expected a RecordBatch message but found header type ",
                           static_cast<int>(m->header_type()));
  }
  return ParseRecordBatchTable(m->header_as_RecordBatch());
}

Result<DictionaryBatchSpec> ParseDictionaryBatchMessage(const Buffer& metadata) {
  Status status;
  const fb::Message* m = VerifiedMessage(metadata, &status);
  QUIVER_RETURN_NOT_OK(status);
  if (m->header_type() != fb::MessageHeader::DictionaryBatch) {
    return Status::Invalid("expected a DictionaryBatch message but found header type ",
                           static_cast<int>(m->header_type()));
  }
  const fb::DictionaryBatch* d = m->header_as_DictionaryBatch();
  DictionaryBatchSpec spec;
  spec.id = d->id();
  spec.is_delta = d->isDelta();
  auto data = ParseRecordBatchTable(d->data());
  if (!data.ok()) return data.status().WithContext("dictionary batch " + std::to_string(spec.id));
  spec.data = *std::move(data);
  return spec;
}

std::vector<int64_t> AssignDictionaryIds(const Schema& schema) {
  // Mirrors SchemaWriter's depth-first walk: a dictionary field takes the next id,
  // then its value type's children are walked.
  std::vector<int64_t> ids;
  int64_t next = 0;
  auto walk = [&](auto&& self, const DataType& type) -> void {
    const DataType* t = &type;
    if (t->id() == TypeId::EXTENSION) t = static_cast<const ExtensionType*>(t)->storage_type().get();
    if (t->id() == TypeId::DICTIONARY) {
      ids.push_back(next++);
      t = static_cast<const DictionaryType*>(t)->value_type().get();
    }
    if (t->id() == TypeId::EXTENSION) t = static_cast<const ExtensionType*>(t)->storage_type().get();
    for (const auto& child : t->fields()) self(self, *child->type());
  };
  for (const auto& f : schema.fields()) walk(walk, *f->type());
  return ids;
}

Result<std::shared_ptr<Buffer>> BuildSchemaMessage(const Schema& schema, const IpcWriteOptions& options) {
  FBB fbb;
  QUIVER_ASSIGN_OR_RAISE(auto s, WriteSchemaTable(fbb, schema, options));
  return FinishMessage(fbb, fb::MessageHeader::Schema, s.Union(), 0, nullptr, options);
}

Result<std::shared_ptr<Buffer>> BuildRecordBatchMessage(const RecordBatchSpec& spec, int64_t body_length,
                                                       const MetadataPtr& custom_metadata,
                                                       const IpcWriteOptions& options) {
  FBB fbb;
  auto rb = WriteRecordBatchTable(fbb, spec);
  return FinishMessage(fbb, fb::MessageHeader::RecordBatch, rb.Union(), body_length, custom_metadata, options);
}

Result<std::shared_ptr<Buffer>> BuildDictionaryBatchMessage(const DictionaryBatchSpec& spec, int64_t body_length,
                                                           const IpcWriteOptions& options) {
  FBB fbb;
  auto rb = WriteRecordBatchTable(fbb, spec.data);
  auto d = fb::CreateDictionaryBatch(fbb, spec.id, rb, spec.is_delta);
  return FinishMessage(fbb, fb::MessageHeader::DictionaryBatch, d.Union(), body_length, nullptr, options);
}

Result<Footer> ParseFooter(const Buffer& footer_bytes, const IpcReadOptions& options) {
  QUIVER_RETURN_NOT_OK(VerifyFlatbuffer(footer_bytes, "Footer", SchemaRoot::kFooter, [](flatbuffers::Verifier& v) {
    return v.VerifyBuffer<fb::Footer>(nullptr);
  }));
  const fb::Footer* f = flatbuffers::GetRoot<fb::Footer>(footer_bytes.data());
  Footer out;
  const int16_t v = static_cast<int16_t>(f->version());
  if (v > static_cast<int16_t>(fb::MetadataVersion::V5)) {
    return Status::Invalid("unsupported IPC file version: expected V4 or V5 but found V", v + 1);
  }
  // Some files written by Arrow 0.14 leave the footer's version unset (V1), though
  // every message in them is V4. The footer version is only a summary: each message's
  // own version is checked when it is read, so an older footer version reads as V4.
  out.version = v < static_cast<int16_t>(fb::MetadataVersion::V4) ? MetadataVersion::V4 : ToVersion(f->version());
  auto parsed = ParseSchemaTable(f->schema(), options);
  if (!parsed.ok()) return parsed.status().WithContext("in the file footer's schema");
  out.schema = *std::move(parsed);
  auto read_blocks = [](const flatbuffers::Vector<const fb::Block*>* blocks, std::vector<FileBlock>* dst) {
    if (!blocks) return;
    dst->reserve(blocks->size());
    const uint8_t* p = blocks->Data();
    for (flatbuffers::uoffset_t i = 0; i < blocks->size(); ++i, p += sizeof(fb::Block)) {
      dst->push_back({LoadUnaligned<int64_t>(p), LoadUnaligned<int32_t>(p + 8), LoadUnaligned<int64_t>(p + 16)});
    }
  };
  read_blocks(f->dictionaries(), &out.dictionaries);
  read_blocks(f->recordBatches(), &out.record_batches);
  out.custom_metadata = ReadKeyValues(f->custom_metadata());
  return out;
}

Result<std::shared_ptr<Buffer>> BuildFooter(const Schema& schema, const std::vector<FileBlock>& dictionaries,
                                           const std::vector<FileBlock>& record_batches,
                                           const MetadataPtr& custom_metadata, const IpcWriteOptions& options) {
  FBB fbb;
  QUIVER_ASSIGN_OR_RAISE(auto s, WriteSchemaTable(fbb, schema, options));
  auto blocks = [&](const std::vector<FileBlock>& src) {
    std::vector<fb::Block> v;
    v.reserve(src.size());
    for (const auto& b : src) v.emplace_back(b.offset, b.metadata_length, b.body_length);
    return fbb.CreateVectorOfStructs(v);
  };
  auto d = blocks(dictionaries);
  auto r = blocks(record_batches);
  auto md = WriteKeyValues(fbb, custom_metadata.get());
  fbb.Finish(fb::CreateFooter(fbb, static_cast<fb::MetadataVersion>(options.metadata_version), s, d, r, md));
  Status status;
  auto out = FinishToBuffer(fbb, options.pool, &status);
  QUIVER_RETURN_NOT_OK(status);
  return out;
}

}  // namespace quiver::ipc::internal
