# gRPC and protobuf linked statically, for the Python extension quiver.lib
# (QUIVER_STATIC_GRPC, on in the scikit-build-core build): the module carries
# every gRPC, protobuf, Abseil and RE2 symbol inside it and hides them all, so it
# needs none of those shared libraries and cannot clash with another copy in the
# same process (pyarrow bundles its own gRPC and protobuf).
#
# gRPC itself comes from Debian's static archives (libgrpc++.a, libgrpc.a,
# libgpr.a, libupb.a, libaddress_sorting.a, and c-ares' libcares.a), which are
# position independent. Debian's libprotobuf.a, libabsl_*.a and libre2.a are not,
# so scripts/build-pic-deps rebuilds those three from Debian's sources, same
# versions and options, into a prefix under .deps/ (or QUIVER_PIC_DEPS_PREFIX).
# The targets defined here carry the names Debian's gRPC and FindProtobuf
# define (gRPC::grpc++, protobuf::libprotobuf, gRPC::grpc_cpp_plugin), so the
# layers link them unchanged. OpenSSL and zlib stay shared system libraries.

if(NOT QUIVER_PIC_DEPS_PREFIX)
  execute_process(
    COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/build-pic-deps"
    OUTPUT_VARIABLE _quiver_pic_prefix
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _quiver_pic_result)
  if(NOT _quiver_pic_result EQUAL 0)
    message(FATAL_ERROR "scripts/build-pic-deps failed (${_quiver_pic_result}): cannot build the "
                        "position-independent protobuf, Abseil and RE2 for the static gRPC link")
  endif()
else()
  set(_quiver_pic_prefix "${QUIVER_PIC_DEPS_PREFIX}")
endif()
if(NOT EXISTS "${_quiver_pic_prefix}/lib/libprotobuf.a")
  message(FATAL_ERROR "no libprotobuf.a under ${_quiver_pic_prefix}/lib")
endif()
message(STATUS "Static gRPC: protobuf, Abseil and RE2 from ${_quiver_pic_prefix}")

find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED)

# protobuf: the PIC archive and its headers; protoc is the system's, which must
# be the same version so that the generated Flight.pb.cc matches the library.
set(Protobuf_INCLUDE_DIR "${_quiver_pic_prefix}/include" CACHE PATH "protobuf headers" FORCE)
set(Protobuf_LIBRARY_RELEASE "${_quiver_pic_prefix}/lib/libprotobuf.a" CACHE FILEPATH "libprotobuf" FORCE)
set(Protobuf_LITE_LIBRARY_RELEASE "${_quiver_pic_prefix}/lib/libprotobuf-lite.a" CACHE FILEPATH "libprotobuf-lite" FORCE)
set(Protobuf_LIBRARY_DEBUG "${Protobuf_LIBRARY_RELEASE}" CACHE FILEPATH "libprotobuf" FORCE)
set(Protobuf_LITE_LIBRARY_DEBUG "${Protobuf_LITE_LIBRARY_RELEASE}" CACHE FILEPATH "libprotobuf-lite" FORCE)
set(Protobuf_LIBRARY "${Protobuf_LIBRARY_RELEASE}" CACHE FILEPATH "libprotobuf" FORCE)
find_package(Protobuf REQUIRED)
execute_process(COMMAND "${Protobuf_PROTOC_EXECUTABLE}" --version
                OUTPUT_VARIABLE _quiver_protoc_version OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _quiver_protoc_version STREQUAL "libprotoc ${Protobuf_VERSION}")
  message(FATAL_ERROR "${Protobuf_PROTOC_EXECUTABLE} is '${_quiver_protoc_version}', "
                      "but the protobuf headers in ${_quiver_pic_prefix} are ${Protobuf_VERSION}")
endif()

# Abseil and RE2 through the CMake packages they install (the _DIR cache entries
# are forced so that an earlier configure that found Debian's cannot win).
set(absl_DIR "${_quiver_pic_prefix}/lib/cmake/absl" CACHE PATH "Abseil CMake package" FORCE)
set(re2_DIR "${_quiver_pic_prefix}/lib/cmake/re2" CACHE PATH "RE2 CMake package" FORCE)
find_package(absl CONFIG REQUIRED NO_DEFAULT_PATH PATHS "${_quiver_pic_prefix}")
find_package(re2 CONFIG REQUIRED NO_DEFAULT_PATH PATHS "${_quiver_pic_prefix}")

# quiver_static_archive(<target> <archive file name> <link dependencies...>)
function(quiver_static_archive target file)
  string(MAKE_C_IDENTIFIER "QUIVER_ARCHIVE_${file}" var)
  find_library(${var} NAMES "${file}" REQUIRED)
  add_library(${target} STATIC IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${${var}}"
    INTERFACE_LINK_LIBRARIES "${ARGN}")
endfunction()

set(_quiver_sys_libs Threads::Threads dl m rt)
quiver_static_archive(c-ares::cares libcares.a ${_quiver_sys_libs})
quiver_static_archive(gRPC::address_sorting libaddress_sorting.a ${_quiver_sys_libs})
quiver_static_archive(gRPC::upb libupb.a ${_quiver_sys_libs})
# The link dependencies are those Debian's gRPCTargets.cmake declares.
quiver_static_archive(gRPC::gpr libgpr.a
  absl::base absl::core_headers absl::memory absl::random_random absl::status absl::cord
  absl::str_format absl::strings absl::synchronization absl::time absl::optional absl::variant
  ${_quiver_sys_libs})
quiver_static_archive(gRPC::grpc libgrpc.a
  ZLIB::ZLIB c-ares::cares gRPC::address_sorting re2::re2 gRPC::upb
  absl::cleanup absl::flat_hash_map absl::flat_hash_set absl::inlined_vector absl::any_invocable
  absl::bind_front absl::function_ref absl::hash absl::type_traits absl::statusor absl::span
  absl::utility gRPC::gpr OpenSSL::SSL OpenSSL::Crypto ${_quiver_sys_libs})
quiver_static_archive(gRPC::grpc++ libgrpc++.a protobuf::libprotobuf gRPC::grpc ${_quiver_sys_libs})

find_program(QUIVER_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
add_executable(gRPC::grpc_cpp_plugin IMPORTED GLOBAL)
set_target_properties(gRPC::grpc_cpp_plugin PROPERTIES IMPORTED_LOCATION "${QUIVER_GRPC_CPP_PLUGIN}")
