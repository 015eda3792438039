// quiver_flight_test_client: Quiver's client against another implementation's
// server (the pyarrow server of pyarrow_interop.py), for every RPC.
//
//   quiver_flight_test_client <location>             run the checks; exit 1 if any fails
//   quiver_flight_test_client <location> bench <n>   time n DoGets and n DoPuts of 64 MiB
//
// The peer server keeps what DoPut uploads under the descriptor's path and
// serves it back for ticket "table:<name>"; echoes DoExchange chunks; answers
// DoAction "echo" with the body, "raise" by raising the error class the body
// names (with extra_info b"extra:<kind>"), and the well-known actions.
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "flight_test_util.h"
#include "quiver/flight/client.h"
#include "quiver/flight/status.h"
#include "test_tables.h"

namespace quiver::flight {
namespace {

int failures = 0;

void Check(const std::string& name, const std::function<Status()>& check) {
  Status status = check();
  if (status.ok()) {
    std::cout << "ok   " << name << "\n";
  } else {
    ++failures;
    std::cout << "FAIL " << name << ": " << status.ToString() << "\n";
  }
}

Status Expect(bool condition, const std::string& what) {
  return condition ? Status::OK() : Status::Invalid("expected ", what);
}

Status PutAndGetBack(FlightClient& client, const std::string& name, const TablePtr& table) {
  QUIVER_ASSIGN_OR_RAISE(auto put, client.DoPut(FlightDescriptor::Path({name}), table->schema()));
  QUIVER_ASSIGN_OR_RAISE(RecordBatchVector batches, table->ToBatches());
  for (size_t i = 0; i < batches.size(); ++i) {
    QUIVER_RETURN_NOT_OK(put.writer->WriteWithMetadata(*batches[i], Buffer::FromString("b" + std::to_string(i))));
  }
  QUIVER_RETURN_NOT_OK(put.writer->Close());
  for (size_t i = 0; i < batches.size(); ++i) {
    QUIVER_ASSIGN_OR_RAISE(std::optional<std::shared_ptr<Buffer>> ack, put.reader->ReadMetadata());
    QUIVER_RETURN_NOT_OK(Expect(ack.has_value() && (*ack)->ToString() == "ack:b" + std::to_string(i),
                                "PutResult ack:b" + std::to_string(i)));
  }
  QUIVER_ASSIGN_OR_RAISE(auto reader, client.DoGet(Ticket{"table:" + name}));
  QUIVER_ASSIGN_OR_RAISE(TablePtr back, reader->ToTable());
  if (!back->Equals(*table)) {
    return Status::Invalid("the table read back differs:\n", back->ToString(), "\nexpected:\n", table->ToString());
  }
  return Status::OK();
}

Status CheckError(FlightClient& client, const std::string& kind, StatusCode code,
                  std::optional<FlightStatusCode> flight_code) {
  QUIVER_ASSIGN_OR_RAISE(auto results, client.DoAction(Action{"raise", Buffer::FromString(kind)}));
  Result<std::vector<FlightResult>> all = results->ReadAll();
  if (all.ok()) return Status::Invalid("the server raised nothing for ", kind);
  const Status& status = all.status();
  QUIVER_RETURN_NOT_OK(Expect(status.code() == code, std::string("status code ") +
                                                          std::string(StatusCodeName(code)) + " but got " +
                                                          status.ToString()));
  QUIVER_RETURN_NOT_OK(Expect(status.message().find(kind + " happened") != std::string::npos,
                              "the server's message in " + status.message()));
  if (flight_code.has_value()) {
    auto detail = FlightStatusDetail::UnwrapStatus(status);
    QUIVER_RETURN_NOT_OK(Expect(detail != nullptr && detail->code() == *flight_code,
                                "Flight code " + std::string(FlightStatusCodeName(*flight_code)) + " in " +
                                    status.ToString()));
    QUIVER_RETURN_NOT_OK(Expect(detail->extra_info() == "extra:" + kind,
                                "extra_info 'extra:" + kind + "' but got '" + detail->extra_info() + "'"));
  }
  return Status::OK();
}

int RunChecks(FlightClient& client) {
  Check("DoPut+DoGet ints", [&] { return PutAndGetBack(client, "ints", testing::IntsTable()); });
  Check("DoPut+DoGet dictionaries", [&] { return PutAndGetBack(client, "dict", testing::DictionaryTable()); });
  Check("DoPut+DoGet every type", [&] { return PutAndGetBack(client, "every-type", testing::EveryTypeTable()); });
  Check("DoPut+DoGet 72 MiB batch",
        [&] { return PutAndGetBack(client, "huge", testing::MakeTable({testing::MakeInt64Batch(9 << 20, 1)})); });
  Check("GetFlightInfo", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(FlightInfo info, client.GetFlightInfo(FlightDescriptor::Path({"ints"})));
    QUIVER_RETURN_NOT_OK(Expect(info.total_records == 15, "total_records 15"));
    QUIVER_RETURN_NOT_OK(Expect(info.endpoints.size() == 1 && info.endpoints[0].ticket.ticket == "table:ints",
                                "one endpoint with ticket table:ints"));
    QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, info.GetSchema());
    return Expect(schema != nullptr && schema->Equals(*testing::IntsTable()->schema()), "the ints schema");
  });
  Check("GetSchema", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(SchemaPtr schema, client.GetSchema(FlightDescriptor::Path({"every-type"})));
    return Expect(schema != nullptr && schema->Equals(*testing::EveryTypeTable()->schema()), "the every-type schema");
  });
  Check("ListFlights", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(auto listing, client.ListFlights());
    QUIVER_ASSIGN_OR_RAISE(std::vector<FlightInfo> infos, listing->ReadAll());
    return Expect(infos.size() >= 4, "the four uploaded flights");
  });
  Check("DoExchange echo with metadata-only messages", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(auto exchange, client.DoExchange(FlightDescriptor::Command("echo")));
    QUIVER_RETURN_NOT_OK(exchange.writer->WriteMetadata(Buffer::FromString("first")));
    QUIVER_ASSIGN_OR_RAISE(FlightStreamChunk chunk, exchange.reader->Next());
    QUIVER_RETURN_NOT_OK(Expect(chunk.data == nullptr && chunk.app_metadata != nullptr &&
                                    chunk.app_metadata->ToString() == "first",
                                "a metadata-only chunk 'first'"));
    TablePtr table = testing::DictionaryTable();
    QUIVER_RETURN_NOT_OK(exchange.writer->Begin(table->schema()));
    QUIVER_ASSIGN_OR_RAISE(RecordBatchVector batches, table->ToBatches());
    for (const RecordBatchPtr& batch : batches) {
      QUIVER_RETURN_NOT_OK(exchange.writer->WriteWithMetadata(*batch, Buffer::FromString("m")));
      QUIVER_ASSIGN_OR_RAISE(chunk, exchange.reader->Next());
      QUIVER_RETURN_NOT_OK(Expect(chunk.data != nullptr && chunk.data->Equals(*batch), "the batch echoed"));
      QUIVER_RETURN_NOT_OK(Expect(chunk.app_metadata != nullptr && chunk.app_metadata->ToString() == "m",
                                  "its app_metadata echoed"));
    }
    QUIVER_RETURN_NOT_OK(exchange.writer->DoneWriting());
    QUIVER_ASSIGN_OR_RAISE(chunk, exchange.reader->Next());
    QUIVER_RETURN_NOT_OK(Expect(chunk.end(), "the end of the echo"));
    return exchange.writer->Close();
  });
  Check("DoAction echo", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(auto results, client.DoAction(Action{"echo", Buffer::FromString("hello")}));
    QUIVER_ASSIGN_OR_RAISE(std::vector<FlightResult> all, results->ReadAll());
    return Expect(all.size() == 1 && all[0].body->ToString() == "hello", "one result 'hello'");
  });
  Check("ListActions", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(std::vector<ActionType> types, client.ListActions());
    return Expect(types.size() == 2 && types[0].type == "echo" && types[1].type == "raise",
                  "actions echo and raise");
  });
  Check("CancelFlightInfo", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(FlightInfo info, client.GetFlightInfo(FlightDescriptor::Path({"ints"})));
    QUIVER_ASSIGN_OR_RAISE(CancelFlightInfoResult result, client.CancelFlightInfo({}, CancelFlightInfoRequest{info}));
    return Expect(result.status == CancelStatus::CANCELLING, "CANCELLING");
  });
  Check("RenewFlightEndpoint", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(FlightInfo info, client.GetFlightInfo(FlightDescriptor::Path({"ints"})));
    QUIVER_ASSIGN_OR_RAISE(FlightEndpoint endpoint,
                           client.RenewFlightEndpoint({}, RenewFlightEndpointRequest{info.endpoints[0]}));
    return Expect(endpoint.ticket == info.endpoints[0].ticket && endpoint.expiration_time.has_value(),
                  "the endpoint with an expiration time");
  });
  Check("Handshake without an auth handler", [&]() -> Status {
    QUIVER_ASSIGN_OR_RAISE(auto handshake, client.Handshake());
    Status status = handshake->Finish();
    return Expect(status.code() == StatusCode::NotImplemented &&
                      status.message().find("does not have an authentication mechanism") != std::string::npos,
                  "NotImplemented (no authentication) but got " + status.ToString());
  });
  const std::pair<const char*, FlightStatusCode> flight_kinds[] = {
      {"Internal", FlightStatusCode::Internal},         {"TimedOut", FlightStatusCode::TimedOut},
      {"Cancelled", FlightStatusCode::Cancelled},       {"Unauthenticated", FlightStatusCode::Unauthenticated},
      {"Unauthorized", FlightStatusCode::Unauthorized}, {"Unavailable", FlightStatusCode::Unavailable},
      {"Failed", FlightStatusCode::Failed},
  };
  for (const auto& [kind, code] : flight_kinds) {
    Check(std::string("error class ") + kind, [&, kind = kind, code = code] {
      return CheckError(client, kind, StatusCode::IOError, code);
    });
  }
  Check("error KeyError", [&] { return CheckError(client, "KeyError", StatusCode::KeyError, std::nullopt); });
  Check("error Invalid", [&] { return CheckError(client, "Invalid", StatusCode::Invalid, std::nullopt); });
  Check("error NotImplemented",
        [&] { return CheckError(client, "NotImplemented", StatusCode::NotImplemented, std::nullopt); });
  std::cout << (failures == 0 ? "all checks passed" : std::to_string(failures) + " checks failed") << std::endl;
  return failures == 0 ? 0 : 1;
}

// Times DoGet and DoPut of a 64 MiB table: the first throughput figure (not a test).
int Bench(FlightClient& client, int rounds) {
  TablePtr table = testing::MakeTable({testing::MakeInt64Batch(8 << 20, 0)});
  const double mib = 64.0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    auto put = client.DoPut(FlightDescriptor::Path({"bench"}), table->schema());
    if (!put.ok() || !put->writer->WriteTable(*table).ok() || !put->writer->Close().ok()) {
      std::cerr << "DoPut failed\n";
      return 1;
    }
  }
  const double put_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    auto reader = client.DoGet(Ticket{"table:bench"});
    if (!reader.ok()) return 1;
    auto batches = (*reader)->ReadAll();
    if (!batches.ok()) {
      std::cerr << batches.status().ToString() << "\n";
      return 1;
    }
  }
  const double get_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "DoPut " << (mib * rounds / put_seconds) << " MiB/s\n";
  std::cout << "DoGet " << (mib * rounds / get_seconds) << " MiB/s\n";
  return 0;
}

}  // namespace
}  // namespace quiver::flight

int main(int argc, char** argv) {
  using namespace quiver::flight;
  if (argc < 2) {
    std::cerr << "usage: quiver_flight_test_client <location> [bench <rounds>]\n";
    return 2;
  }
  quiver::Result<Location> location = Location::Parse(argv[1]);
  if (!location.ok()) {
    std::cerr << location.status().ToString() << "\n";
    return 2;
  }
  auto client = FlightClient::Connect(*location);
  if (!client.ok()) {
    std::cerr << client.status().ToString() << "\n";
    return 1;
  }
  if (argc >= 4 && std::string(argv[2]) == "bench") return Bench(**client, std::atoi(argv[3]));
  return RunChecks(**client);
}
