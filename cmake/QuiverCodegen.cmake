# Code generation from the retyped Arrow format files in format/.
# Generated code lives in the build tree only and is never committed: Debian's
# flatc 2.0.8 output compiles only against the matching flatbuffers headers.

find_program(QUIVER_FLATC flatc REQUIRED)

# quiver_flatbuffers_generate(<out-var> <fbs files...>)
# Sets <out-var> to the generated headers; they land in ${CMAKE_BINARY_DIR}/generated/quiver/fbs.
function(quiver_flatbuffers_generate out_var)
  set(out_dir "${CMAKE_BINARY_DIR}/generated/quiver/fbs")
  file(MAKE_DIRECTORY "${out_dir}")
  set(headers)
  foreach(fbs IN LISTS ARGN)
    get_filename_component(stem "${fbs}" NAME_WE)
    set(header "${out_dir}/${stem}_generated.h")
    list(APPEND headers "${header}")
    add_custom_command(
      OUTPUT "${header}"
      COMMAND "${QUIVER_FLATC}" --cpp --scoped-enums --no-warnings -o "${out_dir}" -I "${PROJECT_SOURCE_DIR}/format" "${fbs}"
      DEPENDS "${fbs}"
      COMMENT "flatc ${stem}.fbs"
      VERBATIM)
  endforeach()
  set(${out_var} "${headers}" PARENT_SCOPE)
endfunction()
