// Writes the sample datasets that `quiver serve` ships with (data/sample/) into a folder:
//
//   quiver_make_sample OUT_DIR
//
// The data is made up, deterministic (a fixed-seed generator), and small:
//   weather/stations   20 stations: id, name, latitude, longitude, elevation (some unknown)
//   weather/readings   hourly readings in two files (so a FlightInfo has two endpoints):
//                      station, time (timestamp[ms, UTC]), temperature, humidity, condition
//   shop/orders        orders: id, customer, date, total (decimal128(10, 2)), paid, items (list<string>)
//   dataset/sales      the seed's three sales rows (date, amount, region)
//   dataset/products   the seed's three products (id, name, price), so the seed's
//                      client example runs against `quiver serve` as it is
// The committed files in data/sample/ are this program's output; a test checks that
// running it again gives the same bytes.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "quiver/builder.h"
#include "quiver/io.h"
#include "quiver/ipc/writer.h"
#include "quiver/record_batch.h"
#include "quiver/type.h"
#include "store/fs.h"

namespace quiver::cli {
namespace {

// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic on
// every platform, unlike std::uniform_*_distribution.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  int64_t Uniform(int64_t low, int64_t high) {  // [low, high]
    return low + static_cast<int64_t>(Next() % static_cast<uint64_t>(high - low + 1));
  }

 private:
  uint64_t state_;
};

const char* const kStations[] = {"Aberdeen", "Bergen",    "Cork",     "Dundee",  "Esbjerg",
                                 "Faro",     "Galway",    "Hamburg",  "Inverness", "Jersey",
                                 "Kiel",     "Lerwick",   "Malmo",    "Nantes",  "Oslo",
                                 "Plymouth", "Quimper",   "Rostock",  "Stavanger", "Tromso"};
const char* const kConditions[] = {"clear", "cloudy", "rain", "fog", "snow", "wind"};
const char* const kCustomers[] = {"ada", "brian", "chen", "dana", "emeka", "fatima", "goran", "hiro"};
const char* const kItems[] = {"apples", "bread", "cheese", "dates", "eggs", "flour", "grapes", "honey"};

Status WriteFile(const std::string& path, const RecordBatchPtr& batch) {
  QUIVER_ASSIGN_OR_RAISE(auto sink, io::FileOutputStream::Open(path));
  QUIVER_ASSIGN_OR_RAISE(auto writer, ipc::MakeFileWriter(sink, batch->schema()));
  QUIVER_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
  QUIVER_RETURN_NOT_OK(writer->Close());
  return sink->Close();
}

Result<RecordBatchPtr> Stations() {
  auto schema = quiver::schema({field("station_id", int32(), false), field("name", utf8(), false),
                                field("latitude", float64()), field("longitude", float64()),
                                field("elevation_m", int16())});
  Random random(1);
  QUIVER_ASSIGN_OR_RAISE(auto id, MakeBuilderAs<Int32Builder>(int32()));
  QUIVER_ASSIGN_OR_RAISE(auto name, MakeBuilderAs<StringBuilder>(utf8()));
  QUIVER_ASSIGN_OR_RAISE(auto lat, MakeBuilderAs<DoubleBuilder>(float64()));
  QUIVER_ASSIGN_OR_RAISE(auto lon, MakeBuilderAs<DoubleBuilder>(float64()));
  QUIVER_ASSIGN_OR_RAISE(auto elevation, MakeBuilderAs<Int16Builder>(int16()));
  for (int i = 0; i < 20; ++i) {
    QUIVER_RETURN_NOT_OK(id->Append(100 + i));
    QUIVER_RETURN_NOT_OK(name->Append(kStations[i]));
    QUIVER_RETURN_NOT_OK(lat->Append(static_cast<double>(random.Uniform(43000, 70000)) / 1000));
    QUIVER_RETURN_NOT_OK(lon->Append(static_cast<double>(random.Uniform(-10000, 20000)) / 1000));
    if (i % 7 == 3) {
      QUIVER_RETURN_NOT_OK(elevation->AppendNull());
    } else {
      QUIVER_RETURN_NOT_OK(elevation->Append(static_cast<int16_t>(random.Uniform(0, 400))));
    }
  }
  QUIVER_ASSIGN_OR_RAISE(auto a, id->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto b, name->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto c, lat->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto d, lon->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto e, elevation->Finish());
  return RecordBatch::MakeChecked(schema, 20, {a, b, c, d, e});
}

Result<RecordBatchPtr> Readings(uint64_t seed, int64_t first_hour, int hours) {
  const auto time_type = timestamp(TimeUnit::MILLI, "UTC");
  auto schema = quiver::schema({field("station_id", int32(), false), field("time", time_type, false),
                                field("temperature_c", float64()), field("humidity_pct", uint8()),
                                field("condition", utf8())});
  Random random(seed);
  QUIVER_ASSIGN_OR_RAISE(auto id, MakeBuilderAs<Int32Builder>(int32()));
  QUIVER_ASSIGN_OR_RAISE(auto time, MakeBuilderAs<TimestampBuilder>(time_type));
  QUIVER_ASSIGN_OR_RAISE(auto temperature, MakeBuilderAs<DoubleBuilder>(float64()));
  QUIVER_ASSIGN_OR_RAISE(auto humidity, MakeBuilderAs<UInt8Builder>(uint8()));
  QUIVER_ASSIGN_OR_RAISE(auto condition, MakeBuilderAs<StringBuilder>(utf8()));
  int64_t rows = 0;
  for (int h = 0; h < hours; ++h) {
    for (int s = 0; s < 20; s += 2) {
      QUIVER_RETURN_NOT_OK(id->Append(100 + s));
      // 2024-01-01T00:00:00Z plus the hour.
      QUIVER_RETURN_NOT_OK(time->Append((1704067200LL + (first_hour + h) * 3600) * 1000));
      if (random.Uniform(0, 40) == 0) {
        QUIVER_RETURN_NOT_OK(temperature->AppendNull());
      } else {
        QUIVER_RETURN_NOT_OK(temperature->Append(static_cast<double>(random.Uniform(-150, 150)) / 10));
      }
      QUIVER_RETURN_NOT_OK(humidity->Append(static_cast<uint8_t>(random.Uniform(30, 100))));
      QUIVER_RETURN_NOT_OK(condition->Append(kConditions[random.Uniform(0, 5)]));
      ++rows;
    }
  }
  QUIVER_ASSIGN_OR_RAISE(auto a, id->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto b, time->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto c, temperature->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto d, humidity->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto e, condition->Finish());
  return RecordBatch::MakeChecked(schema, rows, {a, b, c, d, e});
}

Result<RecordBatchPtr> Orders() {
  const auto total_type = decimal128(10, 2);
  const auto items_type = list(utf8());
  auto schema = quiver::schema({field("order_id", int64(), false), field("customer", utf8()),
                                field("ordered_on", date32()), field("total", total_type),
                                field("paid", boolean()), field("items", items_type)});
  Random random(7);
  QUIVER_ASSIGN_OR_RAISE(auto id, MakeBuilderAs<Int64Builder>(int64()));
  QUIVER_ASSIGN_OR_RAISE(auto customer, MakeBuilderAs<StringBuilder>(utf8()));
  QUIVER_ASSIGN_OR_RAISE(auto date, MakeBuilderAs<Date32Builder>(date32()));
  QUIVER_ASSIGN_OR_RAISE(auto total, MakeBuilderAs<DecimalBuilder>(total_type));
  QUIVER_ASSIGN_OR_RAISE(auto paid, MakeBuilderAs<BooleanBuilder>(boolean()));
  QUIVER_ASSIGN_OR_RAISE(auto items, MakeBuilderAs<ListBuilder>(items_type));
  auto* item = static_cast<StringBuilder*>(items->value_builder());
  constexpr int kOrders = 250;
  for (int i = 0; i < kOrders; ++i) {
    QUIVER_RETURN_NOT_OK(id->Append(10001 + i));
    QUIVER_RETURN_NOT_OK(customer->Append(kCustomers[random.Uniform(0, 7)]));
    QUIVER_RETURN_NOT_OK(date->Append(static_cast<int32_t>(19723 + i / 3)));  // from 2024-01-01
    QUIVER_RETURN_NOT_OK(total->AppendUnscaled(random.Uniform(199, 25000)));
    if (i % 11 == 5) {
      QUIVER_RETURN_NOT_OK(paid->AppendNull());
    } else {
      QUIVER_RETURN_NOT_OK(paid->Append(random.Uniform(0, 4) != 0));
    }
    QUIVER_RETURN_NOT_OK(items->Append());
    const int64_t count = random.Uniform(1, 4);
    for (int64_t k = 0; k < count; ++k) QUIVER_RETURN_NOT_OK(item->Append(kItems[random.Uniform(0, 7)]));
  }
  QUIVER_ASSIGN_OR_RAISE(auto a, id->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto b, customer->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto c, date->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto d, total->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto e, paid->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto f, items->Finish());
  return RecordBatch::MakeChecked(schema, kOrders, {a, b, c, d, e, f});
}

Result<RecordBatchPtr> Sales() {
  auto schema = quiver::schema({field("date", utf8()), field("amount", float64()), field("region", utf8())});
  QUIVER_ASSIGN_OR_RAISE(auto date, MakeBuilderAs<StringBuilder>(utf8()));
  QUIVER_ASSIGN_OR_RAISE(auto amount, MakeBuilderAs<DoubleBuilder>(float64()));
  QUIVER_ASSIGN_OR_RAISE(auto region, MakeBuilderAs<StringBuilder>(utf8()));
  const char* const dates[] = {"2023-01-01", "2023-01-02", "2023-01-03"};
  const double amounts[] = {100.0, 150.0, 200.0};
  const char* const regions[] = {"North", "South", "East"};
  for (int i = 0; i < 3; ++i) {
    QUIVER_RETURN_NOT_OK(date->Append(dates[i]));
    QUIVER_RETURN_NOT_OK(amount->Append(amounts[i]));
    QUIVER_RETURN_NOT_OK(region->Append(regions[i]));
  }
  QUIVER_ASSIGN_OR_RAISE(auto a, date->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto b, amount->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto c, region->Finish());
  return RecordBatch::MakeChecked(schema, 3, {a, b, c});
}

Result<RecordBatchPtr> Products() {
  auto schema = quiver::schema({field("id", int64()), field("name", utf8()), field("price", float64())});
  QUIVER_ASSIGN_OR_RAISE(auto id, MakeBuilderAs<Int64Builder>(int64()));
  QUIVER_ASSIGN_OR_RAISE(auto name, MakeBuilderAs<StringBuilder>(utf8()));
  QUIVER_ASSIGN_OR_RAISE(auto price, MakeBuilderAs<DoubleBuilder>(float64()));
  const char* const names[] = {"Widget A", "Widget B", "Widget C"};
  const double prices[] = {10.99, 15.99, 20.99};
  for (int i = 0; i < 3; ++i) {
    QUIVER_RETURN_NOT_OK(id->Append(i + 1));
    QUIVER_RETURN_NOT_OK(name->Append(names[i]));
    QUIVER_RETURN_NOT_OK(price->Append(prices[i]));
  }
  QUIVER_ASSIGN_OR_RAISE(auto a, id->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto b, name->Finish());
  QUIVER_ASSIGN_OR_RAISE(auto c, price->Finish());
  return RecordBatch::MakeChecked(schema, 3, {a, b, c});
}

Status Run(const std::string& out) {
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) return Status::IOError("cannot create '", out, "': ", error.message());
  QUIVER_RETURN_NOT_OK(store::MakeDirectoriesDurably(out, {"weather", "stations"}, nullptr));
  QUIVER_RETURN_NOT_OK(store::MakeDirectoriesDurably(out, {"weather", "readings"}, nullptr));
  QUIVER_RETURN_NOT_OK(store::MakeDirectoriesDurably(out, {"shop", "orders"}, nullptr));
  QUIVER_RETURN_NOT_OK(store::MakeDirectoriesDurably(out, {"dataset", "sales"}, nullptr));
  QUIVER_RETURN_NOT_OK(store::MakeDirectoriesDurably(out, {"dataset", "products"}, nullptr));
  QUIVER_ASSIGN_OR_RAISE(auto sales, Sales());
  QUIVER_RETURN_NOT_OK(WriteFile(out + "/dataset/sales/part-00000001-sample.arrow", sales));
  QUIVER_ASSIGN_OR_RAISE(auto products, Products());
  QUIVER_RETURN_NOT_OK(WriteFile(out + "/dataset/products/part-00000001-sample.arrow", products));
  QUIVER_ASSIGN_OR_RAISE(auto stations, Stations());
  QUIVER_RETURN_NOT_OK(WriteFile(out + "/weather/stations/part-00000001-sample.arrow", stations));
  QUIVER_ASSIGN_OR_RAISE(auto january, Readings(2, 0, 24 * 7));
  QUIVER_RETURN_NOT_OK(WriteFile(out + "/weather/readings/part-00000001-sample.arrow", january));
  QUIVER_ASSIGN_OR_RAISE(auto later, Readings(3, 24 * 7, 24 * 7));
  QUIVER_RETURN_NOT_OK(WriteFile(out + "/weather/readings/part-00000002-sample.arrow", later));
  QUIVER_ASSIGN_OR_RAISE(auto orders, Orders());
  return WriteFile(out + "/shop/orders/part-00000001-sample.arrow", orders);
}

}  // namespace
}  // namespace quiver::cli

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  quiver::Status status = quiver::cli::Run(argv[1]);
  if (!status.ok()) {
    std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
