// The demo the README's first command runs until the Flight server exists:
// build a small table with the builders, round-trip it through the Arrow IPC
// stream format in memory, and print it the way pyarrow would.
#include <iostream>

#include "quiver/builder.h"
#include "quiver/io.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"
#include "quiver/table.h"

namespace {

using namespace quiver;

Result<TablePtr> BuildTable() {
  auto s = schema({field("id", int64(), false), field("city", utf8()), field("temperature", float64())});
  QUIVER_ASSIGN_OR_RAISE(auto ids, MakeBuilderAs<Int64Builder>(int64()));
  QUIVER_ASSIGN_OR_RAISE(auto cities, MakeBuilderAs<StringBuilder>(utf8()));
  QUIVER_ASSIGN_OR_RAISE(auto temps, MakeBuilderAs<DoubleBuilder>(float64()));
  const struct {
    const char* city;
    double temperature;
  } rows[] = {{"Lisbon", 17.5}, {"Oslo", -3.25}, {nullptr, 0}, {"Nairobi", 24.0}};
  int64_t id = 1;
  for (const auto& row : rows) {
    QUIVER_RETURN_NOT_OK(ids->Append(id++));
    if (row.city) {
      QUIVER_RETURN_NOT_OK(cities->Append(row.city));
      QUIVER_RETURN_NOT_OK(temps->Append(row.temperature));
    } else {
      QUIVER_RETURN_NOT_OK(cities->AppendNull());
      QUIVER_RETURN_NOT_OK(temps->AppendNull());
    }
  }
  QUIVER_ASSIGN_OR_RAISE(auto id_array, ids->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto city_array, cities->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto temp_array, temps->Finish());
  return Table::Make(s, ArrayVector{id_array, city_array, temp_array});
}

// Writes the table as an IPC stream into memory and reads it back.
Result<TablePtr> RoundTrip(const Table& table) {
  QUIVER_ASSIGN_OR_RAISE(auto sink, io::BufferOutputStream::Create());
  QUIVER_ASSIGN_OR_RAISE(auto writer, ipc::MakeStreamWriter(sink, table.schema()));
  QUIVER_RETURN_NOT_OK(writer->WriteTable(table));
  QUIVER_RETURN_NOT_OK(writer->Close());
  QUIVER_ASSIGN_OR_RAISE(auto bytes, sink->Finish());
  std::cout << "IPC stream: " << bytes->size() << " bytes\n";
  QUIVER_ASSIGN_OR_RAISE(auto reader,
                         ipc::RecordBatchStreamReader::Open(std::make_shared<io::BufferReader>(bytes)));
  return Table::FromRecordBatchReader(reader.get());
}

Status Run() {
  QUIVER_ASSIGN_OR_RAISE(auto table, BuildTable());
  QUIVER_RETURN_NOT_OK(table->ValidateFull());
  QUIVER_ASSIGN_OR_RAISE(auto back, RoundTrip(*table));
  if (!back->Equals(*table)) return Status::UnknownError("the table read back differs from the one written");
  std::cout << back->ToString() << std::endl;
  return Status::OK();
}

}  // namespace

int main() {
  Status st = Run();
  if (!st.ok()) {
    std::cerr << "quiver demo: " << st.ToString() << std::endl;
    return 1;
  }
  return 0;
}
