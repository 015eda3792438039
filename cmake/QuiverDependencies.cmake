# Third-party libraries, found the way Debian 12 ships them (see shared/DESIGN.md):
# zstd through its CMake config, lz4 only through pkg-config, flatbuffers headers
# from libflatbuffers-dev.
find_package(PkgConfig REQUIRED)
find_package(zstd CONFIG REQUIRED)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
find_path(FLATBUFFERS_INCLUDE_DIR flatbuffers/flatbuffers.h REQUIRED)

# Flight: Debian's protobuf ships no CMake config, so FindProtobuf (module mode);
# gRPC's config (gRPC::grpc++, gRPC::grpc_cpp_plugin) needs protobuf-compiler-grpc.
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
