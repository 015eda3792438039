# Third-party libraries, found the way Debian 12 ships them (see shared/DESIGN.md):
# zstd through its CMake config, lz4 only through pkg-config, flatbuffers headers
# from libflatbuffers-dev.
find_package(PkgConfig REQUIRED)
find_package(zstd CONFIG REQUIRED)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
find_path(FLATBUFFERS_INCLUDE_DIR flatbuffers/flatbuffers.h REQUIRED)

# Flight: gRPC and protobuf, either as Debian's shared libraries (the C++ build)
# or linked statically (QUIVER_STATIC_GRPC, the default of the Python extension
# built by scikit-build-core: see QuiverStaticGrpc.cmake). Both define the same
# targets: gRPC::grpc++, gRPC::grpc_cpp_plugin and protobuf::libprotobuf.
if(SKBUILD)
  set(_quiver_static_grpc_default ON)
else()
  set(_quiver_static_grpc_default OFF)
endif()
option(QUIVER_STATIC_GRPC "Link gRPC, protobuf, Abseil and RE2 statically (position-independent builds)"
       ${_quiver_static_grpc_default})
if(QUIVER_STATIC_GRPC)
  include(QuiverStaticGrpc)
else()
  # Debian's protobuf ships no CMake config, so FindProtobuf (module mode);
  # gRPC's config (gRPC::grpc++, gRPC::grpc_cpp_plugin) needs protobuf-compiler-grpc.
  find_package(Protobuf REQUIRED)
  find_package(gRPC CONFIG REQUIRED)
endif()
