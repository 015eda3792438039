// Reading Apache Arrow's integration-test JSON format, and finding the gold files.
//
// Arrow's cross-implementation tests describe each data set twice: as an IPC
// stream/file written by a known Arrow release, and as a human-readable JSON
// document that spells out the schema, every dictionary and, for each record
// batch, every buffer of every column (VALIDITY, OFFSET, SIZE, DATA, TYPE_ID,
// VIEWS, VARIADIC_DATA_BUFFERS, children). A reader is correct when what it
// reads from the IPC bytes equals what this module builds from the JSON.
//
//   QUIVER_ASSIGN_OR_RAISE(auto gold, quiver::testing::ListGoldFiles());
//   for (const auto& case_ : gold) {
//     QUIVER_ASSIGN_OR_RAISE(auto expected, quiver::testing::ReadIntegrationJson(case_.json_path));
//     ... read case_.stream_path with the IPC reader, compare with expected.batches ...
//   }
//
// The arrays are built straight from the JSON buffers (no builders), in memory
// taken from the given pool. Dictionary-encoded columns carry their dictionary
// in ArrayData::dictionary; a field whose metadata names an extension
// (ARROW:extension:name) gets an ExtensionType whose storage is the field's
// type (dictionary-encoded when the field is), and the two ARROW:extension:*
// keys are removed from the field's metadata, as the IPC reader does.
//
// Ownership: everything returned is reference-counted and owned by the caller;
// nothing refers back to the JSON text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "quiver/array.h"
#include "quiver/memory.h"
#include "quiver/result.h"
#include "quiver/schema.h"
#include "quiver/visibility.h"

namespace quiver::testing {

/// One record batch of an integration file: its row count and one array per schema field.
struct QUIVER_EXPORT IntegrationBatch {
  int64_t num_rows = 0;
  std::vector<ArrayPtr> columns;
};

/// The whole content of an integration JSON document.
struct QUIVER_EXPORT IntegrationFile {
  SchemaPtr schema;
  std::vector<IntegrationBatch> batches;
  /// The dictionary values of every dictionary id the document defines.
  std::map<int64_t, ArrayPtr> dictionaries;
};

/// Reads an integration JSON document from `path`, plain or gzip-compressed
/// (".json" or ".json.gz"; the compression is detected from the content).
/// Errors name the file, the batch, the column path and what was expected.
QUIVER_EXPORT Result<IntegrationFile> ReadIntegrationJson(const std::string& path,
                                                          MemoryPool* pool = default_memory_pool());

/// Parses an integration JSON document held in memory (for tests of this reader).
QUIVER_EXPORT Result<IntegrationFile> ParseIntegrationJson(
    const std::string& json_text, MemoryPool* pool = default_memory_pool());

/// One gold case: the same data as an IPC stream, an IPC file and integration JSON.
struct QUIVER_EXPORT GoldFile {
  /// The producer directory, e.g. "1.0.0-littleendian" or "cpp-21.0.0".
  std::string version;
  /// The case name, e.g. "generated_primitive".
  std::string name;
  std::string json_path;
  std::string stream_path;
  std::string file_path;
};

/// The root of the arrow-testing data: $QUIVER_ARROW_TESTING_DIR when set, otherwise
/// the directory the build was configured with (shared/arrow-testing beside the checkout).
QUIVER_EXPORT std::string ArrowTestingDir();

/// Every gold case under <ArrowTestingDir()>/arrow-ipc-stream/integration, sorted by
/// version then name. Fails when the directory is missing or a case lacks its
/// .stream or .arrow_file companion.
QUIVER_EXPORT Result<std::vector<GoldFile>> ListGoldFiles();

}  // namespace quiver::testing
