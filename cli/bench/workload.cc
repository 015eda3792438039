#include "bench/workload.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "quiver/builder.h"
#include "quiver/ipc/compression_type.h"
#include "quiver/type.h"

namespace quiver::cli::bench {

using nlohmann::json;

std::string Workload::ToJson() const {
  json j = {{"columns", columns}, {"records", records},        {"batch", batch},
            {"streams", streams}, {"compression", compression}, {"generator", generator}};
  if (stream >= 0) j["stream"] = stream;
  return j.dump();
}

Result<Workload> Workload::FromJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Invalid("a benchmark workload must be a JSON object, got: ", text.substr(0, 200));
  Workload w;
  try {
    w.columns = j.value("columns", w.columns);
    w.records = j.value("records", w.records);
    w.batch = j.value("batch", w.batch);
    w.streams = j.value("streams", w.streams);
    w.compression = j.value("compression", w.compression);
    w.generator = j.value("generator", w.generator);
    w.stream = j.value("stream", w.stream);
  } catch (const json::exception& e) {
    return Status::Invalid("bad benchmark workload field: ", e.what());
  }
  if (w.records < 0) return Status::Invalid("workload records must be >= 0");
  if (w.batch <= 0) return Status::Invalid("workload batch must be > 0");
  if (w.streams <= 0 || w.streams > 1024) return Status::Invalid("workload streams must be in [1, 1024]");
  QUIVER_RETURN_NOT_OK(ParseColumns(w.columns).status());
  QUIVER_RETURN_NOT_OK(ParseCompression(w.compression).status());
  return w;
}

Result<std::vector<std::string>> ParseColumns(const std::string& spec) {
  std::vector<std::string> types;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    std::string item = spec.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    int64_t count = 1;
    if (size_t x = item.find('x'); x != std::string::npos) {
      const std::string n = item.substr(x + 1);
      if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 4) {
        return Status::Invalid("bad column count in '", item, "' (expected TYPE or TYPExN)");
      }
      count = std::stoll(n);
      item = item.substr(0, x);
    }
    if (item != "int64" && item != "float64" && item != "string") {
      return Status::Invalid("unknown column type '", item, "' (int64, float64 or string)");
    }
    if (count <= 0 || types.size() + static_cast<size_t>(count) > 1000) {
      return Status::Invalid("column count must be in [1, 1000]");
    }
    for (int64_t i = 0; i < count; ++i) types.push_back(item);
    start = end + 1;
  }
  return types;
}

int64_t RowWidth(const std::vector<std::string>& types) {
  int64_t width = 0;
  for (const auto& t : types) width += t == "string" ? 4 + kStringWidth : 8;
  return width;
}

SchemaPtr MakeSchema(const std::vector<std::string>& types) {
  FieldVector fields;
  for (size_t i = 0; i < types.size(); ++i) {
    TypePtr type = types[i] == "int64" ? int64() : types[i] == "float64" ? float64() : utf8();
    fields.push_back(field("c" + std::to_string(i), type, /*nullable=*/false));
  }
  return schema(std::move(fields));
}

Result<RecordBatchPtr> MakeBatch(const std::vector<std::string>& types, int64_t rows) {
  ArrayVector columns;
  for (size_t c = 0; c < types.size(); ++c) {
    const uint64_t salt = static_cast<uint64_t>(c) * 0x9E3779B97F4A7C15ULL;
    if (types[c] == "int64") {
      Int64Builder builder;
      QUIVER_RETURN_NOT_OK(builder.Reserve(rows));
      for (int64_t i = 0; i < rows; ++i) {
        builder.UnsafeAppend(static_cast<int64_t>(static_cast<uint64_t>(i) * 2654435761ULL + salt));
      }
      QUIVER_ASSIGN_OR_RAISE(ArrayPtr array, builder.Finish());
      columns.push_back(std::move(array));
    } else if (types[c] == "float64") {
      DoubleBuilder builder;
      QUIVER_RETURN_NOT_OK(builder.Reserve(rows));
      for (int64_t i = 0; i < rows; ++i) builder.UnsafeAppend(static_cast<double>(i) * 0.5 + static_cast<double>(c));
      QUIVER_ASSIGN_OR_RAISE(ArrayPtr array, builder.Finish());
      columns.push_back(std::move(array));
    } else {
      StringBuilder builder;
      char text[32];
      for (int64_t i = 0; i < rows; ++i) {
        const unsigned long long v = (static_cast<uint64_t>(i) * 2654435761ULL + c) & 0xFFFFFFFFFFFFULL;
        std::snprintf(text, sizeof(text), "%012llx", v);
        QUIVER_RETURN_NOT_OK(builder.Append(std::string_view(text, kStringWidth)));
      }
      QUIVER_ASSIGN_OR_RAISE(ArrayPtr array, builder.Finish());
      columns.push_back(std::move(array));
    }
  }
  return RecordBatch::Make(MakeSchema(types), rows, std::move(columns));
}

Result<RecordBatchVector> MakeStreamBatches(const Workload& workload) {
  QUIVER_ASSIGN_OR_RAISE(auto types, ParseColumns(workload.columns));
  RecordBatchVector batches;
  if (workload.records == 0) return batches;
  const int64_t rows = std::min(workload.batch, workload.records);
  QUIVER_ASSIGN_OR_RAISE(RecordBatchPtr batch, MakeBatch(types, rows));
  int64_t left = workload.records;
  while (left > 0) {
    if (left >= rows) {
      batches.push_back(batch);
      left -= rows;
    } else {
      batches.push_back(batch->Slice(0, left));
      left = 0;
    }
  }
  return batches;
}

Result<ipc::CompressionType> ParseCompression(const std::string& name) {
  return ipc::CompressionTypeFromName(name);
}

}  // namespace quiver::cli::bench
