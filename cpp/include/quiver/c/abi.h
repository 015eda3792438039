// The Arrow C Data Interface and C Stream Interface structures.
//
// These are the ABI-stable definitions from the Arrow specification
// ("The Arrow C data interface", "The Arrow C stream interface"). Every
// project that speaks the interface carries its own copy; the guard macros
// ARROW_C_DATA_INTERFACE and ARROW_C_STREAM_INTERFACE are the ones the
// specification prescribes, kept verbatim so that this header, pyarrow's,
// nanoarrow's or DuckDB's copy can be included together in one translation
// unit: whichever comes first defines the structs, the others step aside.
//
// The header is plain C (it compiles as C99 and as C++) and has no Quiver
// dependency, so a C consumer can include it alone. quiver/c/bridge.h holds
// the C++ functions that fill and read these structs.
#ifndef QUIVER_C_ABI_H
#define QUIVER_C_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  // Callbacks providing stream functionality
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);

  // Release callback
  void (*release)(struct ArrowArrayStream*);

  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // QUIVER_C_ABI_H
