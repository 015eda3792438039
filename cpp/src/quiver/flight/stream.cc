// Data streams without the transport: encoding batches into FlightPayloads
// (PayloadStreamer, RecordBatchStream, GeneratorStream, DataStreamWriter) and
// decoding received FlightData messages into chunks (DataStreamReader).
#include <algorithm>
#include <deque>
#include <utility>

#include "quiver/flight/stream.h"
#include "quiver/flight/transport_internal.h"
#include "quiver/ipc/message.h"
#include "quiver/ipc/reader.h"

namespace quiver::flight {

int64_t FlightPayload::size() const {
  int64_t total = ipc_message.body_length;
  if (ipc_message.metadata != nullptr) total += ipc_message.metadata->size();
  if (app_metadata != nullptr) total += app_metadata->size();
  return total;
}

FlightDataStream::~FlightDataStream() = default;
Status FlightDataStream::Close() { return Status::OK(); }

MetadataRecordBatchReader::~MetadataRecordBatchReader() = default;

Result<RecordBatchVector> MetadataRecordBatchReader::ReadAll() {
  RecordBatchVector batches;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(FlightStreamChunk chunk, Next());
    if (chunk.end()) break;
    if (chunk.data != nullptr) batches.push_back(std::move(chunk.data));
  }
  return batches;
}

Result<TablePtr> MetadataRecordBatchReader::ToTable() {
  QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, GetSchema());
  QUIVER_ASSIGN_OR_RAISE(RecordBatchVector batches, ReadAll());
  return Table::FromRecordBatches(std::move(schema), batches);
}

MetadataRecordBatchWriter::~MetadataRecordBatchWriter() = default;

Status MetadataRecordBatchWriter::WriteTable(const Table& table, int64_t max_chunksize) {
  QUIVER_ASSIGN_OR_RAISE(RecordBatchVector batches, table.ToBatches(max_chunksize));
  for (const RecordBatchPtr& batch : batches) QUIVER_RETURN_NOT_OK(WriteRecordBatch(*batch));
  return Status::OK();
}

namespace internal {

Status ValidateHeader(const std::string& key, const std::string& value) {
  if (key.empty()) return Status::Invalid("expected a header name but found an empty string");
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) {
      return Status::Invalid("header name '", key, "' has character ", static_cast<int>(static_cast<unsigned char>(c)),
                             " at offset ", i, "; expected lower-case ASCII letters, digits, '-', '_' or '.'");
    }
  }
  const bool binary = key.size() > 4 && key.compare(key.size() - 4, 4, "-bin") == 0;
  if (!binary) {
    for (size_t i = 0; i < value.size(); ++i) {
      const auto c = static_cast<unsigned char>(value[i]);
      if (c < 0x20 || c > 0x7E) {
        return Status::Invalid("the value of header '", key, "' has byte ", static_cast<int>(c), " at offset ", i,
                               "; expected printable ASCII (use a key ending in -bin for binary values)");
      }
    }
  }
  return Status::OK();
}

FlightPayload MetadataOnlyPayload(std::shared_ptr<Buffer> app_metadata) {
  FlightPayload payload;
  payload.app_metadata = std::move(app_metadata);
  return payload;
}

// --- PayloadStreamer ----------------------------------------------------------------------

PayloadStreamer::PayloadStreamer(SchemaPtr schema, FlightWriteOptions options)
    : options_(options), encoder_(std::move(schema), options.ipc) {}

PayloadStreamer::~PayloadStreamer() = default;

const SchemaPtr& PayloadStreamer::schema() const { return encoder_.schema(); }

Result<FlightPayload> PayloadStreamer::SchemaPayload() {
  FlightPayload payload;
  QUIVER_ASSIGN_OR_RAISE(payload.ipc_message, encoder_.EncodeSchema());
  return payload;
}

Result<std::vector<FlightPayload>> PayloadStreamer::BatchPayloads(
    const RecordBatch& batch, std::shared_ptr<Buffer> app_metadata) {
  if (!batch.schema()->Equals(*schema())) {
    return Status::Invalid("expected a record batch of the stream's schema (",
                           schema()->ToString(false), ") but found one of schema (",
                           batch.schema()->ToString(false), ")");
  }
  std::vector<FlightPayload> payloads;
  QUIVER_RETURN_NOT_OK(Split(batch, &payloads));
  payloads.back().app_metadata = std::move(app_metadata);
  return payloads;
}

// Encodes `batch`; when its message is over max_message_bytes, sends row slices
// instead. The slice count is estimated from the size (slicing is zero-copy and
// bodies are views, so a retry costs only metadata); a slice still too large is
// split again. Dictionaries the first encoding produced are kept: the encoder
// already counts them as sent, and the slices share them.
Status PayloadStreamer::Split(const RecordBatch& batch, std::vector<FlightPayload>* out) {
  QUIVER_ASSIGN_OR_RAISE(std::vector<ipc::IpcPayload> encoded, encoder_.EncodeBatch(batch));
  if (encoded.empty() || encoded.back().type != ipc::MessageType::RECORD_BATCH) {
    return Status::UnknownError("the IPC encoder produced no record batch message");
  }
  const ipc::IpcPayload& last = encoded.back();
  const int64_t size = last.metadata->size() + last.body_length;
  const int64_t limit = options_.max_message_bytes;
  const bool split = limit > 0 && size > limit && batch.num_rows() > 1;
  const size_t keep = split ? encoded.size() - 1 : encoded.size();
  for (size_t i = 0; i < keep; ++i) {
    FlightPayload payload;
    payload.ipc_message = std::move(encoded[i]);
    out->push_back(std::move(payload));
  }
  if (!split) return Status::OK();

  const int64_t rows = batch.num_rows();
  const int64_t pieces = std::min(rows, std::max<int64_t>(2, (size + limit - 1) / limit));
  const int64_t rows_per_piece = (rows + pieces - 1) / pieces;
  for (int64_t offset = 0; offset < rows; offset += rows_per_piece) {
    QUIVER_RETURN_NOT_OK(Split(*batch.Slice(offset, std::min(rows_per_piece, rows - offset)), out));
  }
  return Status::OK();
}

// --- DataStreamReader ---------------------------------------------------------------------

struct DataStreamReader::Impl {
  Source source;
  ipc::IpcReadOptions options;
  ipc::MessageDecoder decoder;
  // Chunks decoded but not yet returned (metadata-only messages that came before
  // the schema while GetSchema() looked for it, or the first message).
  std::deque<FlightStreamChunk> pending;
  bool finished = false;
  int64_t messages = 0;

  Impl(Source s, ipc::IpcReadOptions o)
      : source(std::move(s)), options(o), decoder(options) {}

  // Reads and decodes one message; false at the end of the stream. An error ends
  // the stream: its state is unknown after it.
  Result<bool> Pump(std::optional<FlightDescriptor>* descriptor = nullptr) {
    if (finished) return false;
    Result<std::optional<FlightDataMessage>> message = source();
    if (!message.ok()) {
      finished = true;
      return message.status();
    }
    if (!message->has_value()) {
      finished = true;
      return false;
    }
    FlightDataMessage& data = **message;
    if (descriptor != nullptr) *descriptor = std::move(data.descriptor);
    Status decoded = Decode(data);
    if (!decoded.ok()) {
      finished = true;
      return decoded.WithContext("while decoding FlightData message " + std::to_string(messages));
    }
    ++messages;
    return true;
  }

  Status Decode(const FlightDataMessage& data) {
    if (data.metadata == nullptr) {
      // Metadata only; or nothing at all (e.g. a DoExchange's descriptor-only opener).
      if (data.app_metadata != nullptr) pending.push_back({nullptr, data.app_metadata});
      return Status::OK();
    }
    QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ipc::Message> message,
                           ipc::Message::Open(data.metadata, data.body));
    if (message->type() == ipc::MessageType::SCHEMA && decoder.schema() != nullptr) {
      return Status::Invalid(
          "expected a dictionary or record batch but found a second schema message "
          "(a Flight data stream carries one schema)");
    }
    QUIVER_ASSIGN_OR_RAISE(ipc::MessageDecoder::Decoded decoded, decoder.Consume(*message));
    if (decoded.type == ipc::MessageType::RECORD_BATCH) {
      pending.push_back({std::move(decoded.batch), data.app_metadata});
    } else if (data.app_metadata != nullptr) {
      // app_metadata on a schema or dictionary message is not lost: it is a chunk of its own.
      pending.push_back({nullptr, data.app_metadata});
    }
    return Status::OK();
  }
};

DataStreamReader::DataStreamReader(Source source, ipc::IpcReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(source), options)) {}

DataStreamReader::~DataStreamReader() = default;

Result<std::optional<FlightDescriptor>> DataStreamReader::ReadFirstMessage() {
  std::optional<FlightDescriptor> descriptor;
  QUIVER_ASSIGN_OR_RAISE(bool got_one, impl_->Pump(&descriptor));
  if (!got_one) return std::optional<FlightDescriptor>();
  return descriptor;
}

Result<SchemaPtr> DataStreamReader::GetSchema() {
  while (impl_->decoder.schema() == nullptr) {
    QUIVER_ASSIGN_OR_RAISE(bool got_one, impl_->Pump());
    if (!got_one) {
      return Status::Invalid("expected a schema message but the data stream ended after ",
                             impl_->messages, " messages without one");
    }
  }
  return impl_->decoder.schema();
}

Result<FlightStreamChunk> DataStreamReader::Next() {
  while (impl_->pending.empty()) {
    QUIVER_ASSIGN_OR_RAISE(bool got_one, impl_->Pump());
    if (!got_one) return FlightStreamChunk{};
  }
  FlightStreamChunk chunk = std::move(impl_->pending.front());
  impl_->pending.pop_front();
  return chunk;
}

Result<bool> DataStreamReader::ReadAhead(const std::function<bool()>& readable, bool for_schema) {
  auto answered = [&] {
    if (impl_->finished) return true;
    return for_schema ? impl_->decoder.schema() != nullptr : !impl_->pending.empty();
  };
  while (!answered()) {
    if (!readable()) return false;
    QUIVER_RETURN_NOT_OK(impl_->Pump());
  }
  return true;
}

// --- DataStreamWriter ---------------------------------------------------------------------

struct DataStreamWriter::Impl {
  Sink sink;
  FlightWriteOptions options;
  std::unique_ptr<PayloadStreamer> streamer;
};

DataStreamWriter::DataStreamWriter(Sink sink, FlightWriteOptions options)
    : impl_(std::make_unique<Impl>(Impl{std::move(sink), options, nullptr})) {}

DataStreamWriter::~DataStreamWriter() = default;

Status DataStreamWriter::Begin(SchemaPtr schema) {
  if (schema == nullptr) return Status::Invalid("Begin needs a schema but was given null");
  if (impl_->streamer != nullptr) {
    return Status::Invalid("Begin was already called: a data stream carries one schema");
  }
  auto streamer = std::make_unique<PayloadStreamer>(std::move(schema), impl_->options);
  QUIVER_ASSIGN_OR_RAISE(FlightPayload payload, streamer->SchemaPayload());
  impl_->streamer = std::move(streamer);
  return impl_->sink(payload);
}

Status DataStreamWriter::WriteWithMetadata(const RecordBatch& batch,
                                           std::shared_ptr<Buffer> app_metadata) {
  if (impl_->streamer == nullptr) {
    return Status::Invalid("expected Begin(schema) before the first record batch");
  }
  QUIVER_ASSIGN_OR_RAISE(std::vector<FlightPayload> payloads,
                         impl_->streamer->BatchPayloads(batch, std::move(app_metadata)));
  for (const FlightPayload& payload : payloads) QUIVER_RETURN_NOT_OK(impl_->sink(payload));
  return Status::OK();
}

Status DataStreamWriter::WriteMetadata(std::shared_ptr<Buffer> app_metadata) {
  if (app_metadata == nullptr) return Status::Invalid("WriteMetadata needs app_metadata but was given null");
  return impl_->sink(MetadataOnlyPayload(std::move(app_metadata)));
}

}  // namespace internal

// --- RecordBatchStream --------------------------------------------------------------------

namespace {

// A RecordBatchReader over a table it keeps alive.
class OwningTableReader final : public RecordBatchReader {
 public:
  explicit OwningTableReader(TablePtr table) : table_(std::move(table)), reader_(*table_) {}
  SchemaPtr schema() const override { return table_->schema(); }
  Status ReadNext(RecordBatchPtr* batch) override { return reader_.ReadNext(batch); }

 private:
  TablePtr table_;
  TableBatchReader reader_;
};

}  // namespace

struct RecordBatchStream::Impl {
  std::shared_ptr<RecordBatchReader> reader;
  internal::PayloadStreamer streamer;
  std::deque<FlightPayload> pending;

  Impl(std::shared_ptr<RecordBatchReader> r, FlightWriteOptions options)
      : reader(std::move(r)), streamer(reader->schema(), options) {}
};

RecordBatchStream::RecordBatchStream(std::shared_ptr<RecordBatchReader> reader,
                                     FlightWriteOptions options)
    : impl_(std::make_unique<Impl>(std::move(reader), options)) {}

RecordBatchStream::RecordBatchStream(std::shared_ptr<Table> table, FlightWriteOptions options)
    : RecordBatchStream(std::make_shared<OwningTableReader>(std::move(table)), options) {}

RecordBatchStream::~RecordBatchStream() = default;

SchemaPtr RecordBatchStream::schema() const { return impl_->streamer.schema(); }

Result<FlightPayload> RecordBatchStream::GetSchemaPayload() {
  return impl_->streamer.SchemaPayload();
}

Result<std::optional<FlightPayload>> RecordBatchStream::Next() {
  while (impl_->pending.empty()) {
    RecordBatchPtr batch;
    QUIVER_RETURN_NOT_OK(impl_->reader->ReadNext(&batch));
    if (batch == nullptr) return std::optional<FlightPayload>();
    QUIVER_ASSIGN_OR_RAISE(std::vector<FlightPayload> payloads,
                           impl_->streamer.BatchPayloads(*batch, nullptr));
    for (FlightPayload& payload : payloads) impl_->pending.push_back(std::move(payload));
  }
  FlightPayload payload = std::move(impl_->pending.front());
  impl_->pending.pop_front();
  return std::optional<FlightPayload>(std::move(payload));
}

Status RecordBatchStream::Close() { return impl_->reader->Close(); }

// --- GeneratorStream ----------------------------------------------------------------------

struct GeneratorStream::Impl {
  Generator generator;
  internal::PayloadStreamer streamer;
  std::deque<FlightPayload> pending;

  Impl(SchemaPtr schema, Generator g, FlightWriteOptions options)
      : generator(std::move(g)), streamer(std::move(schema), options) {}
};

GeneratorStream::GeneratorStream(SchemaPtr schema, Generator generator, FlightWriteOptions options)
    : impl_(std::make_unique<Impl>(std::move(schema), std::move(generator), options)) {}

GeneratorStream::~GeneratorStream() = default;

SchemaPtr GeneratorStream::schema() const { return impl_->streamer.schema(); }

Result<FlightPayload> GeneratorStream::GetSchemaPayload() { return impl_->streamer.SchemaPayload(); }

Result<std::optional<FlightPayload>> GeneratorStream::Next() {
  while (impl_->pending.empty()) {
    QUIVER_ASSIGN_OR_RAISE(std::optional<FlightStreamChunk> chunk, impl_->generator());
    if (!chunk.has_value()) return std::optional<FlightPayload>();
    if (chunk->data != nullptr) {
      QUIVER_ASSIGN_OR_RAISE(std::vector<FlightPayload> payloads,
                             impl_->streamer.BatchPayloads(*chunk->data, chunk->app_metadata));
      for (FlightPayload& payload : payloads) impl_->pending.push_back(std::move(payload));
    } else if (chunk->app_metadata != nullptr) {
      impl_->pending.push_back(internal::MetadataOnlyPayload(chunk->app_metadata));
    } else {
      return Status::Invalid(
          "the generator returned a chunk with neither data nor app_metadata; "
          "return nullopt to end the stream");
    }
  }
  FlightPayload payload = std::move(impl_->pending.front());
  impl_->pending.pop_front();
  return std::optional<FlightPayload>(std::move(payload));
}

}  // namespace quiver::flight
