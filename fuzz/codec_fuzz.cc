// The compressed-body fuzz target (fuzz_targets.h): hostile length prefixes
// and corrupt LZ4/ZSTD frames must be refused before anything large is allocated.
#include <cstring>

#include "fuzz_targets.h"
#include "quiver/buffer.h"
#include "quiver/ipc/compression.h"
#include "quiver/memory.h"

namespace quiver::fuzz {

Status FuzzCompressedBody(const uint8_t* data, size_t size) {
  if (size == 0) return Status::OK();
  const ipc::CompressionType type = data[0] % 2 == 0 ? ipc::CompressionType::LZ4_FRAME : ipc::CompressionType::ZSTD;
  QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ipc::Codec> codec, ipc::Codec::Create(type));
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> framed, AllocateBuffer(static_cast<int64_t>(size - 1)));
  if (size > 1) std::memcpy(framed->mutable_data(), data + 1, size - 1);
  constexpr int64_t kCap = int64_t{64} << 20;
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> body,
                         ipc::DecompressBodyBuffer(*codec, framed, default_memory_pool(), kCap));
  if (body->size() > kCap) return Status::Invalid("the cap was not enforced");
  return Status::OK();
}

}  // namespace quiver::fuzz
