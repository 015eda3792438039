// The IPC reader: messages -> checked buffers -> ArrayData -> validated batches.
#include "quiver/ipc/reader.h"

#include <cstring>
#include <unordered_map>

#include "quiver/array.h"
#include "quiver/concatenate.h"
#include "quiver/ipc/compression.h"
#include "quiver/ipc/endian_internal.h"
#include "quiver/ipc/metadata_internal.h"
#include "quiver/table.h"
#include "quiver/validate.h"

namespace quiver::ipc {

namespace {

using internal::RecordBatchSpec;

// Builds ArrayData for a sequence of types out of one message body, consuming
// the message's field nodes and buffers in order and checking each against the body.
class ArrayLoader {
 public:
  ArrayLoader(const RecordBatchSpec& spec, std::shared_ptr<Buffer> body, MetadataVersion version,
              const internal::DictionaryIds& ids, const std::unordered_map<int64_t, ArrayDataPtr>& dictionaries,
              const IpcReadOptions& options)
      : spec_(spec),
        body_(std::move(body)),
        version_(version),
        ids_(ids),
        dictionaries_(dictionaries),
        options_(options) {}

  Status Init() {
    if (spec_.compression != CompressionType::NONE) {
      QUIVER_ASSIGN_OR_RAISE(codec_, Codec::Create(spec_.compression));
    }
    return Status::OK();
  }

  Result<ArrayDataPtr> Load(const TypePtr& type, int depth) {
    if (depth > options_.max_recursion_depth) {
      return Status::Invalid("array nesting is deeper than the limit of ", options_.max_recursion_depth);
    }
    QUIVER_ASSIGN_OR_RAISE(auto node, NextNode());
    auto out = std::make_shared<ArrayData>();
    out->type = type;
    out->length = node.length;
    out->null_count = node.null_count;
    const DataType* t = type.get();
    if (t->id() == TypeId::EXTENSION) t = static_cast<const ExtensionType*>(t)->storage_type().get();
    const TypeId id = t->id();
    auto& bufs = out->buffers;

    switch (id) {
      case TypeId::NA:
        out->null_count = node.length;
        return out;
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION:
        // Before V5 unions carried a validity bitmap; it is read and dropped.
        if (version_ < MetadataVersion::V5) QUIVER_RETURN_NOT_OK(NextBuffer().status());
        out->null_count = kUnknownNullCount;
        QUIVER_RETURN_NOT_OK(PushBuffers(bufs, id == TypeId::DENSE_UNION ? 2 : 1));
        QUIVER_RETURN_NOT_OK(LoadChildren(*t, out, depth));
        return out;
      case TypeId::RUN_END_ENCODED:
        out->null_count = kUnknownNullCount;
        QUIVER_RETURN_NOT_OK(LoadChildren(*t, out, depth));
        return out;
      default:
        break;
    }
    // Everything else starts with a validity bitmap.
    QUIVER_ASSIGN_OR_RAISE(auto validity, NextBuffer());
    bufs.push_back(node.null_count == 0 || validity->size() == 0 ? nullptr : validity);
    if (id == TypeId::DICTIONARY) {
      QUIVER_RETURN_NOT_OK(PushBuffers(bufs, 1));
      auto it = ids_.id_of.find(t);
      if (it == ids_.id_of.end()) return Status::Invalid("a dictionary field has no dictionary id");
      auto dict = dictionaries_.find(it->second);
      if (dict == dictionaries_.end()) {
        return Status::Invalid("no dictionary with id ", it->second,
                               " was received before the batch that uses it");
      }
      out->dictionary = dict->second;
      return out;
    }
    if (is_fixed_width(id)) {
      QUIVER_RETURN_NOT_OK(PushBuffers(bufs, 1));
      return out;
    }
    if (is_base_binary(id) || is_list_view(id)) {
      QUIVER_RETURN_NOT_OK(PushBuffers(bufs, 2));
    } else if (is_var_list(id)) {
      QUIVER_RETURN_NOT_OK(PushBuffers(bufs, 1));
    } else if (is_binary_view(id)) {
      QUIVER_RETURN_NOT_OK(PushBuffers(bufs, 1));
      if (variadic_index_ >= spec_.variadic_buffer_counts.size()) {
        return Status::Invalid("a ", t->ToString(), " column needs a variadic buffer count but the message has only ",
                               spec_.variadic_buffer_counts.size());
      }
      const int64_t n = spec_.variadic_buffer_counts[variadic_index_++];
      const int64_t remaining = static_cast<int64_t>(spec_.buffers.size()) - static_cast<int64_t>(buffer_index_);
      if (n < 0 || n > remaining) {
        return Status::Invalid("variadic buffer count must be in [0, ", remaining, "] but found ", n);
      }
      QUIVER_RETURN_NOT_OK(PushBuffers(bufs, static_cast<int>(n)));
    } else if (id != TypeId::FIXED_SIZE_LIST && id != TypeId::STRUCT) {
      return Status::NotImplemented("cannot read arrays of type ", t->ToString());
    }
    QUIVER_RETURN_NOT_OK(LoadChildren(*t, out, depth));
    return out;
  }

  int64_t copied_buffers() const { return copied_buffers_; }

 private:
  Status LoadChildren(const DataType& t, const ArrayDataPtr& out, int depth) {
    for (const auto& f : t.fields()) {
      auto child = Load(f->type(), depth + 1);
      if (!child.ok()) return child.status().WithContext("child '" + f->name() + "'");
      out->child_data.push_back(*std::move(child));
    }
    return Status::OK();
  }

  Result<internal::FieldNodeSpec> NextNode() {
    if (node_index_ >= spec_.nodes.size()) {
      return Status::Invalid("the schema needs more field nodes than the message's ", spec_.nodes.size());
    }
    const auto node = spec_.nodes[node_index_++];
    if (node.length < 0) return Status::Invalid("field node length must be non-negative but found ", node.length);
    if (node.null_count < 0 || node.null_count > node.length) {
      return Status::Invalid("field node null count must be in [0, ", node.length, "] but found ", node.null_count);
    }
    return node;
  }

  Status PushBuffers(std::vector<std::shared_ptr<Buffer>>& bufs, int n) {
    for (int i = 0; i < n; ++i) {
      QUIVER_ASSIGN_OR_RAISE(auto b, NextBuffer());
      bufs.push_back(std::move(b));
    }
    return Status::OK();
  }

  Result<std::shared_ptr<Buffer>> NextBuffer() {
    if (buffer_index_ >= spec_.buffers.size()) {
      return Status::Invalid("the schema needs more buffers than the message's ", spec_.buffers.size());
    }
    const size_t index = buffer_index_++;
    const auto spec = spec_.buffers[index];
    if (spec.offset < 0 || spec.length < 0 || spec.offset > body_->size() ||
        spec.length > body_->size() - spec.offset) {
      return Status::Invalid("buffer ", index, " [", spec.offset, ", +", spec.length,
                             ") lies outside the message body of ", body_->size(), " bytes");
    }
    std::shared_ptr<Buffer> buf = SliceBuffer(body_, spec.offset, spec.length);
    if (codec_ && spec.length > 0) {
      QUIVER_ASSIGN_OR_RAISE(buf, DecompressBodyBuffer(*codec_, std::move(buf), options_.pool,
                                                       options_.max_body_size));
    }
    // Values are read in place; memory that is not 8-byte aligned is copied once.
    if (buf->size() > 0 && reinterpret_cast<uintptr_t>(buf->data()) % 8 != 0) {
      QUIVER_ASSIGN_OR_RAISE(buf, CopyBuffer(*buf, options_.pool));
      ++copied_buffers_;
    }
    return buf;
  }

  const RecordBatchSpec& spec_;
  std::shared_ptr<Buffer> body_;
  MetadataVersion version_;
  const internal::DictionaryIds& ids_;
  const std::unordered_map<int64_t, ArrayDataPtr>& dictionaries_;
  const IpcReadOptions& options_;
  std::unique_ptr<Codec> codec_;
  size_t node_index_ = 0;
  size_t buffer_index_ = 0;
  size_t variadic_index_ = 0;
  int64_t copied_buffers_ = 0;
};

// Assigns ids to a schema's DictionaryType objects in the writer's depth-first order.
internal::DictionaryIds IdsForSchema(const Schema& schema) {
  internal::DictionaryIds ids;
  int64_t next = 0;
  auto walk = [&](auto&& self, const TypePtr& type) -> void {
    const DataType* t = type.get();
    if (t->id() == TypeId::DICTIONARY) {
      const auto* d = static_cast<const DictionaryType*>(t);
      ids.id_of[t] = next;
      ids.value_type[next] = d->value_type();
      ++next;
      self(self, d->value_type());
      return;
    }
    if (t->id() == TypeId::EXTENSION) {
      self(self, static_cast<const ExtensionType*>(t)->storage_type());
      return;
    }
    for (const auto& child : t->fields()) self(self, child->type());
  };
  for (const auto& f : schema.fields()) walk(walk, f->type());
  return ids;
}

}  // namespace

// ---------------------------------------------------------------------------
// MessageDecoder

struct MessageDecoder::Impl {
  IpcReadOptions options;
  SchemaPtr schema;
  internal::DictionaryIds ids;
  bool big_endian = false;
  std::unordered_map<int64_t, ArrayDataPtr> dictionaries;
  Stats stats;

  Status SetParsed(internal::ParsedSchema parsed) {
    if (schema) return Status::Invalid("a second schema message arrived; a stream has exactly one");
    if (parsed.big_endian && !options.ensure_native_endian) {
      return Status::NotImplemented("the data is big-endian and IpcReadOptions::ensure_native_endian is off");
    }
    schema = std::move(parsed.schema);
    ids = std::move(parsed.dictionaries);
    big_endian = parsed.big_endian;
    return Status::OK();
  }

  Status Check(const ArrayData& data) const {
    return options.validate ? ValidateArrayData(data, /*full=*/true) : ValidateArrayData(data, /*full=*/false);
  }

  Status ConsumeDictionary(const Message& message) {
    QUIVER_ASSIGN_OR_RAISE(auto spec, internal::ParseDictionaryBatchMessage(*message.metadata()));
    auto vt = ids.value_type.find(spec.id);
    if (vt == ids.value_type.end()) {
      return Status::KeyError("dictionary batch has id ", spec.id, ", which no field of the schema uses");
    }
    ArrayLoader loader(spec.data, message.body(), message.metadata_version(), ids, dictionaries, options);
    QUIVER_RETURN_NOT_OK(loader.Init());
    auto loaded = loader.Load(vt->second, 1);
    if (!loaded.ok()) return loaded.status().WithContext("dictionary " + std::to_string(spec.id));
    ArrayDataPtr values = *std::move(loaded);
    if (values->length != spec.data.length) {
      return Status::Invalid("dictionary ", spec.id, " batch declares ", spec.data.length,
                             " rows but its column has ", values->length);
    }
    if (big_endian) {
      QUIVER_ASSIGN_OR_RAISE(values, internal::SwapEndianness(*values, options.pool));
    }
    auto st = Check(*values);
    if (!st.ok()) return st.WithContext("dictionary " + std::to_string(spec.id));
    auto existing = dictionaries.find(spec.id);
    if (spec.is_delta) {
      if (existing == dictionaries.end()) {
        return Status::Invalid("dictionary delta for id ", spec.id, " arrived before the dictionary itself");
      }
      QUIVER_ASSIGN_OR_RAISE(auto combined, Concatenate({MakeArray(existing->second), MakeArray(values)},
                                                        options.pool));
      existing->second = combined->data();
      ++stats.num_dictionary_deltas;
    } else {
      if (existing != dictionaries.end()) ++stats.num_replaced_dictionaries;
      dictionaries[spec.id] = std::move(values);
    }
    ++stats.num_dictionary_batches;
    return Status::OK();
  }

  Result<std::shared_ptr<RecordBatch>> ConsumeRecordBatch(const Message& message) {
    QUIVER_ASSIGN_OR_RAISE(auto spec, internal::ParseRecordBatchMessage(*message.metadata()));
    ArrayLoader loader(spec, message.body(), message.metadata_version(), ids, dictionaries, options);
    QUIVER_RETURN_NOT_OK(loader.Init());
    ArrayVector columns;
    columns.reserve(schema->fields().size());
    for (const auto& f : schema->fields()) {
      auto loaded = loader.Load(f->type(), 1);
      if (!loaded.ok()) return loaded.status().WithContext("column '" + f->name() + "'");
      ArrayDataPtr data = *std::move(loaded);
      if (data->length != spec.length) {
        return Status::Invalid("column '", f->name(), "' has ", data->length, " rows but the batch declares ",
                               spec.length);
      }
      if (big_endian) {
        QUIVER_ASSIGN_OR_RAISE(data, internal::SwapEndianness(*data, options.pool));
      }
      auto st = Check(*data);
      if (!st.ok()) return st.WithContext("column '" + f->name() + "'");
      columns.push_back(MakeArray(std::move(data)));
    }
    ++stats.num_record_batches;
    return RecordBatch::Make(schema, spec.length, std::move(columns));
  }
};

MessageDecoder::MessageDecoder(IpcReadOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}
MessageDecoder::~MessageDecoder() = default;
MessageDecoder::MessageDecoder(MessageDecoder&&) noexcept = default;
MessageDecoder& MessageDecoder::operator=(MessageDecoder&&) noexcept = default;

const SchemaPtr& MessageDecoder::schema() const { return impl_->schema; }
MessageDecoder::Stats MessageDecoder::stats() const { return impl_->stats; }

Status MessageDecoder::SetSchema(SchemaPtr schema) {
  internal::ParsedSchema parsed;
  parsed.dictionaries = IdsForSchema(*schema);
  parsed.schema = std::move(schema);
  return impl_->SetParsed(std::move(parsed));
}

Result<MessageDecoder::Decoded> MessageDecoder::Consume(const Message& message) {
  ++impl_->stats.num_messages;
  Decoded out;
  out.type = message.type();
  out.custom_metadata = message.custom_metadata();
  switch (message.type()) {
    case MessageType::SCHEMA: {
      QUIVER_ASSIGN_OR_RAISE(auto parsed, internal::ParseSchemaMessage(*message.metadata(), impl_->options));
      QUIVER_RETURN_NOT_OK(impl_->SetParsed(std::move(parsed)));
      return out;
    }
    case MessageType::DICTIONARY_BATCH: {
      if (!impl_->schema) return Status::Invalid("expected a schema message first but found a dictionary batch");
      QUIVER_RETURN_NOT_OK(impl_->ConsumeDictionary(message));
      return out;
    }
    case MessageType::RECORD_BATCH: {
      if (!impl_->schema) return Status::Invalid("expected a schema message first but found a record batch");
      QUIVER_ASSIGN_OR_RAISE(out.batch, impl_->ConsumeRecordBatch(message));
      return out;
    }
    case MessageType::NONE:
    case MessageType::TENSOR:
    case MessageType::SPARSE_TENSOR:
      break;
  }
  return Status::NotImplemented("cannot read ", MessageTypeName(message.type()), " messages in a record batch stream");
}

Result<SchemaPtr> DecodeSchema(const Message& message, const IpcReadOptions& options) {
  if (message.type() != MessageType::SCHEMA) {
    return Status::Invalid("expected a schema message but found a ", MessageTypeName(message.type()));
  }
  QUIVER_ASSIGN_OR_RAISE(auto parsed, internal::ParseSchemaMessage(*message.metadata(), options));
  return parsed.schema;
}

Result<SchemaPtr> ReadSchema(const std::shared_ptr<Buffer>& encapsulated, const IpcReadOptions& options) {
  if (!encapsulated || encapsulated->size() == 0) return Status::Invalid("expected a schema message but found no bytes");
  io::BufferReader reader(encapsulated);
  QUIVER_ASSIGN_OR_RAISE(auto message, ReadMessage(&reader, options));
  if (!message) return Status::Invalid("expected a schema message but found the end of the stream");
  return DecodeSchema(*message, options);
}

// ---------------------------------------------------------------------------
// Stream reader

Result<std::shared_ptr<RecordBatchStreamReader>> RecordBatchStreamReader::Open(
    std::shared_ptr<io::InputStream> stream, const IpcReadOptions& options) {
  std::shared_ptr<RecordBatchStreamReader> reader(new RecordBatchStreamReader());
  reader->stream_ = std::move(stream);
  reader->options_ = options;
  reader->decoder_ = std::make_unique<MessageDecoder>(options);
  QUIVER_ASSIGN_OR_RAISE(auto message, ReadMessage(reader->stream_.get(), options));
  if (!message) return Status::Invalid("expected a schema message but the stream is empty");
  if (message->type() != MessageType::SCHEMA) {
    return Status::Invalid("expected a schema message first but found a ", MessageTypeName(message->type()));
  }
  QUIVER_RETURN_NOT_OK(reader->decoder_->Consume(*message).status());
  return reader;
}

RecordBatchStreamReader::~RecordBatchStreamReader() = default;

SchemaPtr RecordBatchStreamReader::schema() const { return decoder_->schema(); }

Status RecordBatchStreamReader::ReadNext(std::shared_ptr<RecordBatch>* batch) {
  return ReadNext(batch, nullptr);
}

Status RecordBatchStreamReader::ReadNext(std::shared_ptr<RecordBatch>* batch, MetadataPtr* custom_metadata) {
  batch->reset();
  if (custom_metadata) custom_metadata->reset();
  while (!finished_) {
    QUIVER_ASSIGN_OR_RAISE(auto message, ReadMessage(stream_.get(), options_));
    if (!message) {
      finished_ = true;
      break;
    }
    QUIVER_ASSIGN_OR_RAISE(auto decoded, decoder_->Consume(*message));
    if (decoded.batch) {
      *batch = std::move(decoded.batch);
      if (custom_metadata) *custom_metadata = std::move(decoded.custom_metadata);
      return Status::OK();
    }
  }
  return Status::OK();
}

MessageDecoder::Stats RecordBatchStreamReader::stats() const { return decoder_->stats(); }

// ---------------------------------------------------------------------------
// File reader

struct RecordBatchFileReader::Impl {
  std::shared_ptr<io::RandomAccessFile> file;
  IpcReadOptions options;
  internal::Footer footer;
  MessageDecoder decoder;
  bool dictionaries_loaded = false;

  Status LoadDictionaries() {
    if (dictionaries_loaded) return Status::OK();
    for (size_t i = 0; i < footer.dictionaries.size(); ++i) {
      const auto& block = footer.dictionaries[i];
      auto message = ReadMessageAt(file.get(), block.offset, block.metadata_length, block.body_length, options);
      if (!message.ok()) return message.status().WithContext("dictionary block " + std::to_string(i));
      if ((*message)->type() != MessageType::DICTIONARY_BATCH) {
        return Status::Invalid("dictionary block ", i, " holds a ", MessageTypeName((*message)->type()),
                               " message");
      }
      QUIVER_RETURN_NOT_OK(decoder.Consume(**message).status());
    }
    dictionaries_loaded = true;
    return Status::OK();
  }
};

RecordBatchFileReader::RecordBatchFileReader() : impl_(std::make_unique<Impl>()) {}
RecordBatchFileReader::~RecordBatchFileReader() = default;

Result<std::shared_ptr<RecordBatchFileReader>> RecordBatchFileReader::Open(
    std::shared_ptr<io::RandomAccessFile> file, const IpcReadOptions& options) {
  static constexpr char kMagic[] = "ARROW1";
  QUIVER_ASSIGN_OR_RAISE(const int64_t size, file->GetSize());
  // magic (6) + padding (2) + ... + footer length (4) + magic (6)
  if (size < 6 + 2 + 4 + 6) {
    return Status::Invalid("an Arrow IPC file is at least 18 bytes but this one has ", size);
  }
  QUIVER_ASSIGN_OR_RAISE(auto head, file->ReadAt(0, 6));
  if (head->view() != std::string_view(kMagic, 6)) {
    return Status::Invalid("expected the file to start with magic ARROW1 but found 0x", head->ToHexString());
  }
  QUIVER_ASSIGN_OR_RAISE(auto tail, file->ReadAt(size - 10, 10));
  if (tail->view().substr(4) != std::string_view(kMagic, 6)) {
    return Status::Invalid("expected the file to end with magic ARROW1 but found 0x",
                           SliceBuffer(tail, 4, 6)->ToHexString());
  }
  int32_t footer_length;
  std::memcpy(&footer_length, tail->data(), 4);
  if (footer_length <= 0 || footer_length > size - 18) {
    return Status::Invalid("footer length must be in [1, ", size - 18, "] but found ", footer_length);
  }
  QUIVER_ASSIGN_OR_RAISE(auto footer_bytes, file->ReadAt(size - 10 - footer_length, footer_length));
  if (reinterpret_cast<uintptr_t>(footer_bytes->data()) % 8 != 0) {
    QUIVER_ASSIGN_OR_RAISE(footer_bytes, CopyBuffer(*footer_bytes));
  }
  auto footer = internal::ParseFooter(*footer_bytes, options);
  if (!footer.ok()) return footer.status().WithContext("while reading the file footer");

  std::shared_ptr<RecordBatchFileReader> reader(new RecordBatchFileReader());
  reader->impl_->file = std::move(file);
  reader->impl_->options = options;
  reader->impl_->footer = *std::move(footer);
  reader->impl_->decoder = MessageDecoder(options);
  QUIVER_RETURN_NOT_OK(reader->impl_->decoder.impl_->SetParsed(reader->impl_->footer.schema));
  return reader;
}

SchemaPtr RecordBatchFileReader::schema() const { return impl_->footer.schema.schema; }
int RecordBatchFileReader::num_record_batches() const { return static_cast<int>(impl_->footer.record_batches.size()); }
int RecordBatchFileReader::num_dictionaries() const { return static_cast<int>(impl_->footer.dictionaries.size()); }
MetadataVersion RecordBatchFileReader::version() const { return impl_->footer.version; }
MetadataPtr RecordBatchFileReader::metadata() const { return impl_->footer.custom_metadata; }

Result<std::shared_ptr<RecordBatch>> RecordBatchFileReader::ReadRecordBatch(int i) {
  if (i < 0 || i >= num_record_batches()) {
    return Status::IndexError("record batch index ", i, " is out of range for a file of ", num_record_batches(),
                              " batches");
  }
  QUIVER_RETURN_NOT_OK(impl_->LoadDictionaries());
  const auto& block = impl_->footer.record_batches[static_cast<size_t>(i)];
  auto message = ReadMessageAt(impl_->file.get(), block.offset, block.metadata_length, block.body_length,
                               impl_->options);
  if (!message.ok()) return message.status().WithContext("record batch block " + std::to_string(i));
  if ((*message)->type() != MessageType::RECORD_BATCH) {
    return Status::Invalid("record batch block ", i, " holds a ", MessageTypeName((*message)->type()), " message");
  }
  QUIVER_ASSIGN_OR_RAISE(auto decoded, impl_->decoder.Consume(**message));
  return decoded.batch;
}

Result<std::shared_ptr<Table>> RecordBatchFileReader::ReadTable() {
  std::vector<std::shared_ptr<RecordBatch>> batches;
  for (int i = 0; i < num_record_batches(); ++i) {
    QUIVER_ASSIGN_OR_RAISE(auto batch, ReadRecordBatch(i));
    batches.push_back(std::move(batch));
  }
  return Table::FromRecordBatches(schema(), batches);
}

Result<std::shared_ptr<RecordBatchReader>> RecordBatchFileReader::ToReader() {
  std::vector<std::shared_ptr<RecordBatch>> batches;
  for (int i = 0; i < num_record_batches(); ++i) {
    QUIVER_ASSIGN_OR_RAISE(auto batch, ReadRecordBatch(i));
    batches.push_back(std::move(batch));
  }
  return RecordBatchReader::Make(std::move(batches), schema());
}

}  // namespace quiver::ipc
