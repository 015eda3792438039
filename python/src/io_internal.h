// Files and streams as the IPC bindings take them.
#pragma once

#include <memory>

#include "common.h"
#include "quiver/io.h"
#include "quiver/ipc/options.h"

namespace quiver::py {

/// quiver.NativeFile: whichever of the stream interfaces the file supports.
struct PyNativeFile {
  std::shared_ptr<io::InputStream> input;
  std::shared_ptr<io::RandomAccessFile> random;
  std::shared_ptr<io::OutputStream> output;
  std::shared_ptr<io::BufferOutputStream> buffer_output;
};
/// The Python subclasses of NativeFile (BufferOutputStream, BufferReader, ...).
template <int kKind>
struct NativeFileOf : PyNativeFile {};

/// A path (created or truncated), a NativeFile opened for writing, or a Python
/// object with write().
std::shared_ptr<io::OutputStream> OutputStreamFrom(nb::handle sink);
/// A path, a buffer-protocol object (read without copying), a NativeFile, or a
/// seekable Python file object.
std::shared_ptr<io::RandomAccessFile> RandomAccessFrom(nb::handle source);
/// As RandomAccessFrom, also accepting non-seekable Python objects with read().
std::shared_ptr<io::InputStream> InputStreamFrom(nb::handle source);

/// The options a quiver.ipc.IpcWriteOptions / IpcReadOptions holds; None gives
/// the defaults, any other type a TypeError.
ipc::IpcWriteOptions WriteOptionsFrom(nb::handle options);
ipc::IpcReadOptions ReadOptionsFrom(nb::handle options);

}  // namespace quiver::py
