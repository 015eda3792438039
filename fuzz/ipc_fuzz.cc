// The IPC stream and file fuzz targets (see fuzz_targets.h).
#include "fuzz_targets.h"

#include <memory>

#include "quiver/buffer.h"
#include "quiver/io.h"
#include "quiver/ipc/reader.h"

namespace quiver::fuzz {
namespace {

// The fuzzer's bytes are borrowed, not copied: the reader must cope with any
// alignment and must never read past `size`.
std::shared_ptr<Buffer> Borrow(const uint8_t* data, size_t size) {
  return std::make_shared<Buffer>(data, static_cast<int64_t>(size));
}

// Small limits keep a hostile length from turning into a large allocation.
ipc::IpcReadOptions FuzzReadOptions() {
  ipc::IpcReadOptions options;
  options.max_body_size = int64_t{64} << 20;
  return options;
}

}  // namespace

Status FuzzIpcStream(const uint8_t* data, size_t size) {
  auto input = std::make_shared<io::BufferReader>(Borrow(data, size));
  QUIVER_ASSIGN_OR_RAISE(auto reader, ipc::RecordBatchStreamReader::Open(input, FuzzReadOptions()));
  while (true) {
    std::shared_ptr<RecordBatch> batch;
    QUIVER_RETURN_NOT_OK(reader->ReadNext(&batch));
    if (!batch) return Status::OK();
    QUIVER_RETURN_NOT_OK(batch->ValidateFull());
  }
}

Status FuzzIpcFile(const uint8_t* data, size_t size) {
  auto input = std::make_shared<io::BufferReader>(Borrow(data, size));
  QUIVER_ASSIGN_OR_RAISE(auto reader, ipc::RecordBatchFileReader::Open(input, FuzzReadOptions()));
  for (int i = 0; i < reader->num_record_batches(); ++i) {
    QUIVER_ASSIGN_OR_RAISE(auto batch, reader->ReadRecordBatch(i));
    QUIVER_RETURN_NOT_OK(batch->ValidateFull());
  }
  return Status::OK();
}

}  // namespace quiver::fuzz
