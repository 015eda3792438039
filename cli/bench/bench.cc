// quiver bench: Flight throughput and round-trip benchmark (what Apache Arrow's
// flight-benchmark measures, and more), against its own server (a child process
// by default, --in-process to share this one) or any Flight server that speaks
// the workload convention of bench/workload.h (--server LOCATION; bench/flight_peer.py
// is that server for pyarrow.flight and quiver.flight).
//
//   quiver bench [--num-streams N] [--num-threads N] [--records-per-stream N]
//                [--records-per-batch N] [--columns SPEC] [--test-put | --exchange]
//                [--generator] [--unix] [--tls] [--compression none|lz4|zstd]
//                [--latency-calls N] [--server LOCATION | --in-process] [--raw-grpc] [--json]
//   quiver bench --serve [--raw-grpc] [--port N | --unix-path PATH] [--tls-cert F --tls-key F]
//
// Figures: payload bytes (rows x row width, see workload.h) per second in 10^9 B/s,
// batches/s, p50/p95/p99 of GetFlightInfo and DoAction("ping") round trips (µs),
// peak RSS and CPU seconds per GB (user + sys, getrusage for this process, /proc
// for a child server). --raw-grpc streams the same bytes in the same message sizes
// over plain gRPC (the ceiling; with --test-put, uploads them) and times a raw
// one-byte round trip.
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/grpc_ceiling.h"
#include "bench/server.h"
#include "bench/workload.h"
#include "commands.h"
#include "common/errors.h"
#include "quiver/counting_memory_pool.h"
#include "quiver/flight/client.h"
#include "store/fs.h"

extern char** environ;

namespace quiver::cli {
namespace {

using nlohmann::json;
using bench::Workload;
using Clock = std::chrono::steady_clock;

struct BenchArgs {
  int num_streams = 1;
  int num_threads = 0;
  int64_t records_per_stream = 4 * 1000 * 1000;
  int64_t records_per_batch = 65536;
  std::string columns = "int64x4";
  bool test_put = false;
  bool exchange = false;
  bool generator = false;
  bool unix_socket = false;
  bool tls = false;
  std::string compression = "none";
  int latency_calls = 1000;
  std::string server;
  bool in_process = false;
  bool raw_grpc = false;
  bool json = false;
  bool debug = false;
  bool no_validate = false;
  std::string tls_root_certs;
  // --serve
  bool serve = false;
  int port = 0;
  std::string unix_path;
  std::string tls_cert;
  std::string tls_key;
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is KiB on Linux
}

// user+sys seconds of another process, from /proc/PID/stat; -1 if unreadable.
double ProcCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  // Fields after the command: state(3) ... utime(14) stime(15).
  std::vector<std::string> values;
  while (fields >> field) values.push_back(field);
  if (values.size() < 13) return -1;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(values[11]) + std::stod(values[12])) / ticks;
}

// Peak RSS (VmHWM) of another process in MB; -1 if unreadable.
double ProcPeakRssMb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

json Percentiles(std::vector<double> micros) {
  if (micros.empty()) return json(nullptr);
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    const size_t i = std::min(micros.size() - 1, static_cast<size_t>(std::ceil(q * static_cast<double>(micros.size())) - 1));
    return micros[i];
  };
  double sum = 0;
  for (double m : micros) sum += m;
  return json{{"calls", micros.size()}, {"p50", at(0.5)}, {"p95", at(0.95)}, {"p99", at(0.99)},
              {"mean", sum / static_cast<double>(micros.size())}};
}

// ---------------------------------------------------------------------------
// The server side: --serve, a child process, or in-process.

struct TlsFiles {
  std::string dir;
  std::string cert;
  std::string key;
};

Result<TlsFiles> MakeSelfSignedCert() {
  // mkdtemp replaces the template's six trailing X characters.
  std::string pattern = "/tmp/quiver-bench-tls-" + std::string(6, 'X');
  if (mkdtemp(pattern.data()) == nullptr) return Status::IOError("cannot create a temporary directory for TLS certificates");
  TlsFiles files{pattern, pattern + "/cert.pem", pattern + "/key.pem"};
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                              "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
                              files.key + " -out " + files.cert + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    return Status::IOError("openssl could not make a self-signed certificate (is openssl installed?)");
  }
  return files;
}

Result<std::string> ReadText(const std::string& path) { return store::ReadSmallFile(path, 1 << 20); }

class RunningServer {
 public:
  virtual ~RunningServer() = default;
  virtual std::string location() const = 0;
  /// -1 when the server runs in this process.
  virtual pid_t pid() const { return -1; }
};

class InProcessFlight : public RunningServer {
 public:
  std::string location() const override { return location_; }
  ~InProcessFlight() override { (void)server_.Shutdown(); }
  bench::BenchServer server_;
  std::string location_;
};

class InProcessRaw : public RunningServer {
 public:
  std::string location() const override { return server_->location(); }
  std::unique_ptr<bench::RawGrpcServer> server_;
};

class ChildServer : public RunningServer {
 public:
  std::string location() const override { return location_; }
  pid_t pid() const override { return pid_; }
  ~ChildServer() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_ != nullptr) std::fclose(out_);
  }
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string location_;
};

std::string SocketPath() {
  std::string pattern = "/tmp/quiver-bench-" + std::string(6, 'X');
  if (mkdtemp(pattern.data()) == nullptr) return "/tmp/quiver-bench.sock";
  return pattern + "/bench.sock";
}

Result<flight::FlightServerOptions> FlightServeOptions(const BenchArgs& args) {
  Result<flight::Location> location = !args.unix_path.empty() ? flight::Location::ForGrpcUnix(args.unix_path)
                                      : !args.tls_cert.empty()  ? flight::Location::ForGrpcTls("localhost", args.port)
                                                                : flight::Location::ForGrpcTcp("127.0.0.1", args.port);
  QUIVER_RETURN_NOT_OK(location.status());
  flight::FlightServerOptions options(*location);
  if (!args.tls_cert.empty()) {
    flight::CertKeyPair pair;
    QUIVER_ASSIGN_OR_RAISE(pair.pem_cert, ReadText(args.tls_cert));
    QUIVER_ASSIGN_OR_RAISE(pair.pem_key, ReadText(args.tls_key));
    options.tls_certificates.push_back(std::move(pair));
  }
  return options;
}

Result<std::unique_ptr<RunningServer>> StartInProcess(const BenchArgs& args) {
  if (args.raw_grpc) {
    auto server = std::make_unique<InProcessRaw>();
    QUIVER_ASSIGN_OR_RAISE(server->server_, bench::StartRawGrpcServer(args.port, args.unix_path));
    return std::unique_ptr<RunningServer>(std::move(server));
  }
  auto server = std::make_unique<InProcessFlight>();
  QUIVER_ASSIGN_OR_RAISE(auto options, FlightServeOptions(args));
  QUIVER_RETURN_NOT_OK(server->server_.Init(options));
  QUIVER_ASSIGN_OR_RAISE(flight::Location bound, server->server_.location());
  server->location_ = bound.uri();
  return std::unique_ptr<RunningServer>(std::move(server));
}

Result<std::unique_ptr<RunningServer>> StartChild(const BenchArgs& args) {
  std::vector<std::string> argv_text = {"/proc/self/exe", "bench", "--serve"};
  if (args.raw_grpc) argv_text.push_back("--raw-grpc");
  if (!args.unix_path.empty()) argv_text.insert(argv_text.end(), {"--unix-path", args.unix_path});
  if (!args.tls_cert.empty()) {
    argv_text.insert(argv_text.end(), {"--tls-cert", args.tls_cert, "--tls-key", args.tls_key});
  }
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return Status::IOError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  auto child = std::make_unique<ChildServer>();
  const int rc = posix_spawn(&child->pid_, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    child->pid_ = -1;
    return Status::IOError("could not start the benchmark server process");
  }
  child->out_ = ::fdopen(pipe_fds[0], "r");
  char line[4096];
  if (child->out_ == nullptr || std::fgets(line, sizeof(line), child->out_) == nullptr) {
    return Status::IOError("the benchmark server process exited before printing its location");
  }
  json hello = json::parse(line, nullptr, false);
  if (!hello.is_object() || !hello.contains("location")) {
    return Status::IOError("the benchmark server process printed no location: ", std::string(line));
  }
  child->location_ = hello["location"].get<std::string>();
  return std::unique_ptr<RunningServer>(std::move(child));
}

Status Serve(const BenchArgs& args) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  QUIVER_ASSIGN_OR_RAISE(auto server, StartInProcess(args));
  std::cout << json{{"location", server->location()}, {"pid", ::getpid()}}.dump() << std::endl;
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server.reset();
  std::cout << json{{"cpu_seconds", CpuSeconds()}, {"peak_rss_mb", PeakRssMb()}}.dump() << std::endl;
  return Status::OK();
}

// ---------------------------------------------------------------------------
// The client side.

struct StreamTotals {
  int64_t rows = 0;
  int64_t batches = 0;
};

Result<std::unique_ptr<flight::FlightClient>> ConnectTo(const std::string& location, const BenchArgs& args,
                                                        const std::string& root_certs) {
  QUIVER_ASSIGN_OR_RAISE(flight::Location parsed, flight::Location::Parse(location));
  flight::FlightClientOptions options;
  options.tls_root_certs = root_certs;
  if (!root_certs.empty()) options.override_hostname = "localhost";
  (void)args;
  return flight::FlightClient::Connect(parsed, options);
}

Result<StreamTotals> RunStream(const std::string& location, const BenchArgs& args, const std::string& root_certs,
                               const flight::FlightEndpoint& endpoint, const Workload& workload,
                               const RecordBatchVector& put_batches, const SchemaPtr& schema,
                               MemoryPool* receive_pool) {
  QUIVER_ASSIGN_OR_RAISE(auto client, ConnectTo(location, args, root_certs));
  flight::FlightCallOptions call;
  QUIVER_ASSIGN_OR_RAISE(call.write_options.ipc.compression, bench::ParseCompression(args.compression));
  call.read_options.validate = !args.no_validate;
  // Everything the client allocates for received batches comes from here.
  call.read_options.pool = receive_pool;
  StreamTotals totals;
  if (!args.test_put && !args.exchange) {
    QUIVER_ASSIGN_OR_RAISE(auto reader, client->DoGet(call, endpoint.ticket));
    while (true) {
      QUIVER_ASSIGN_OR_RAISE(flight::FlightStreamChunk chunk, reader->Next());
      if (chunk.end()) break;
      if (chunk.data) {
        totals.rows += chunk.data->num_rows();
        totals.batches += 1;
      }
    }
    return totals;
  }
  Workload part = workload;
  part.stream = 0;
  QUIVER_ASSIGN_OR_RAISE(Workload ticket_workload, Workload::FromJson(endpoint.ticket.ticket));
  part.stream = ticket_workload.stream;
  const auto descriptor = flight::FlightDescriptor::Command(part.ToJson());
  if (args.test_put) {
    QUIVER_ASSIGN_OR_RAISE(auto put, client->DoPut(call, descriptor, schema));
    for (const auto& batch : put_batches) {
      QUIVER_RETURN_NOT_OK(put.writer->WriteRecordBatch(*batch));
      totals.rows += batch->num_rows();
      totals.batches += 1;
    }
    QUIVER_RETURN_NOT_OK(put.writer->DoneWriting());
    QUIVER_ASSIGN_OR_RAISE(auto ack, put.reader->ReadMetadata());
    QUIVER_RETURN_NOT_OK(put.writer->Close());
    if (!ack.has_value() || (*ack)->ToString() != std::to_string(totals.rows)) {
      return Status::Invalid("the server did not acknowledge ", totals.rows, " rows");
    }
    return totals;
  }
  QUIVER_ASSIGN_OR_RAISE(auto exchange, client->DoExchange(call, descriptor));
  Status write_status;
  std::thread writer([&] {
    write_status = exchange.writer->Begin(schema);
    for (size_t i = 0; write_status.ok() && i < put_batches.size(); ++i) {
      write_status = exchange.writer->WriteRecordBatch(*put_batches[i]);
    }
    if (write_status.ok()) write_status = exchange.writer->DoneWriting();
  });
  Status read_status;
  while (true) {
    auto chunk = exchange.reader->Next();
    if (!chunk.ok()) {
      read_status = chunk.status();
      break;
    }
    if (chunk->end()) break;
    if (chunk->data) {
      totals.rows += chunk->data->num_rows();
      totals.batches += 1;
    }
  }
  writer.join();
  QUIVER_RETURN_NOT_OK(write_status);
  QUIVER_RETURN_NOT_OK(read_status);
  QUIVER_RETURN_NOT_OK(exchange.writer->Close());
  return totals;
}

Result<json> RunClient(BenchArgs args) {
  std::unique_ptr<RunningServer> server;
  std::optional<TlsFiles> tls_files;
  if (args.raw_grpc && args.exchange) {
    return UsageError("--raw-grpc has a DoGet and a DoPut (--test-put) ceiling, not a DoExchange one");
  }
  std::string location = args.server;
  std::string root_certs;
  if (!args.tls_root_certs.empty()) {
    QUIVER_ASSIGN_OR_RAISE(root_certs, ReadText(args.tls_root_certs));
  }
  if (location.empty()) {
    if (args.unix_socket) args.unix_path = SocketPath();
    if (args.tls) {
      if (args.raw_grpc) return UsageError("--raw-grpc measures plain gRPC without TLS");
      QUIVER_ASSIGN_OR_RAISE(tls_files, MakeSelfSignedCert());
      args.tls_cert = tls_files->cert;
      args.tls_key = tls_files->key;
      QUIVER_ASSIGN_OR_RAISE(root_certs, ReadText(tls_files->cert));
    }
    if (args.in_process) {
      QUIVER_ASSIGN_OR_RAISE(server, StartInProcess(args));
    } else {
      QUIVER_ASSIGN_OR_RAISE(server, StartChild(args));
    }
    location = server->location();
  }
  const pid_t server_pid = server ? server->pid() : -1;
  if (args.num_threads <= 0) args.num_threads = args.num_streams;

  Workload workload;
  workload.columns = args.columns;
  workload.records = args.records_per_stream;
  workload.batch = args.records_per_batch;
  workload.streams = args.num_streams;
  workload.compression = args.test_put || args.exchange ? "none" : args.compression;
  workload.generator = args.generator;
  QUIVER_ASSIGN_OR_RAISE(auto types, bench::ParseColumns(args.columns));
  const int64_t row_width = bench::RowWidth(types);
  const std::string mode = args.raw_grpc ? (args.test_put ? "raw-grpc-put" : "raw-grpc") : args.exchange ? "exchange" : args.test_put ? "put" : "get";
  const std::string transport = args.tls || location.rfind("grpc+tls", 0) == 0 ? "tls"
                                : location.rfind("grpc+unix", 0) == 0       ? "unix"
                                                                            : "tcp";
  json out = {{"implementation", "quiver-cpp"},
              {"mode", mode},
              {"transport", transport},
              {"server", args.server.empty() ? (args.in_process ? "in-process" : "child") : args.server},
              {"columns", args.columns},
              {"records_per_stream", args.records_per_stream},
              {"records_per_batch", args.records_per_batch},
              {"streams", args.num_streams},
              {"threads", args.num_threads},
              {"compression", args.compression},
              {"generator", args.generator},
              {"validate", !args.no_validate},
              {"row_width_bytes", row_width},
              {"unit", "throughput_gbps is payload bytes per second / 10^9"}};

  const double server_cpu_start = server_pid > 0 ? ProcCpuSeconds(server_pid) : 0;
  int64_t rows = 0;
  int64_t batches = 0;
  int64_t payload_bytes = 0;
  double seconds = 0;
  double client_cpu = 0;
  if (args.records_per_stream > 0) {
    if (args.raw_grpc) {
      const int64_t message_bytes = std::min(args.records_per_batch, args.records_per_stream) * row_width;
      const int64_t count = (args.records_per_stream + args.records_per_batch - 1) / args.records_per_batch;
      std::vector<bench::RawStreamResult> results(static_cast<size_t>(args.num_streams));
      std::vector<Status> statuses(results.size());
      const double cpu0 = CpuSeconds();
      const auto start = Clock::now();
      std::vector<std::thread> threads;
      for (size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] {
          auto r = args.test_put ? bench::RawGrpcUpload(location, message_bytes, count)
                                 : bench::RawGrpcStream(location, message_bytes, count);
          if (r.ok()) results[i] = *r; else statuses[i] = r.status();
        });
      }
      for (auto& t : threads) t.join();
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
      client_cpu = CpuSeconds() - cpu0;
      for (size_t i = 0; i < results.size(); ++i) {
        QUIVER_RETURN_NOT_OK(statuses[i]);
        payload_bytes += results[i].bytes;
        batches += results[i].messages;
      }
      rows = payload_bytes / row_width;
    } else {
      QUIVER_ASSIGN_OR_RAISE(auto control, ConnectTo(location, args, root_certs));
      QUIVER_ASSIGN_OR_RAISE(flight::FlightInfo info,
                             control->GetFlightInfo(flight::FlightDescriptor::Command(workload.ToJson())));
      if (static_cast<int>(info.endpoints.size()) != args.num_streams) {
        return Status::Invalid("the server answered ", info.endpoints.size(), " endpoints for ", args.num_streams,
                               " streams: does it speak the quiver bench workload convention?");
      }
      RecordBatchVector put_batches;
      if (args.test_put || args.exchange) {
        QUIVER_ASSIGN_OR_RAISE(put_batches, bench::MakeStreamBatches(workload));
      }
      const SchemaPtr schema = bench::MakeSchema(types);
      std::vector<StreamTotals> totals(info.endpoints.size());
      std::vector<Status> statuses(info.endpoints.size());
      std::atomic<size_t> next{0};
      CountingMemoryPool receive_pool;
      const double cpu0 = CpuSeconds();
      const auto start = Clock::now();
      std::vector<std::thread> threads;
      for (int t = 0; t < args.num_threads; ++t) {
        threads.emplace_back([&] {
          for (size_t i = next++; i < info.endpoints.size(); i = next++) {
            auto r = RunStream(location, args, root_certs, info.endpoints[i], workload, put_batches, schema,
                               &receive_pool);
            if (r.ok()) totals[i] = *r; else statuses[i] = r.status();
          }
        });
      }
      for (auto& t : threads) t.join();
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
      client_cpu = CpuSeconds() - cpu0;
      for (size_t i = 0; i < totals.size(); ++i) {
        QUIVER_RETURN_NOT_OK(statuses[i].WithContext("stream " + std::to_string(i)));
        if (totals[i].rows != args.records_per_stream) {
          return Status::Invalid("stream ", i, " moved ", totals[i].rows, " rows, expected ", args.records_per_stream);
        }
        rows += totals[i].rows;
        batches += totals[i].batches;
      }
      payload_bytes = rows * row_width;
      if (!args.test_put && payload_bytes > 0) {
        // Bytes the client's receive path allocated per payload byte: 1.0 is one
        // copy (out of gRPC's buffers into aligned memory); offsets and validity
        // bitmaps count too, so string columns sit a little above 1.
        out["receive_copies_per_byte"] =
            static_cast<double>(receive_pool.total_allocated()) / static_cast<double>(payload_bytes);
      }
    }
    const double gb = static_cast<double>(payload_bytes) / 1e9;
    out["rows"] = rows;
    out["batches"] = batches;
    out["payload_bytes"] = payload_bytes;
    out["seconds"] = seconds;
    out["throughput_gbps"] = gb / seconds;
    out["batches_per_second"] = static_cast<double>(batches) / seconds;
    out["client_cpu_seconds"] = client_cpu;
    out["client_cpu_s_per_gb"] = client_cpu / gb;
    if (server_pid > 0) {
      const double server_cpu = ProcCpuSeconds(server_pid) - server_cpu_start;
      out["server_cpu_seconds"] = server_cpu;
      out["server_cpu_s_per_gb"] = server_cpu / gb;
    }
  }

  if (args.latency_calls > 0) {
    const int warmup = std::max(10, args.latency_calls / 10);
    if (args.raw_grpc) {
      QUIVER_RETURN_NOT_OK(bench::RawGrpcPings(location, warmup).status());
      QUIVER_ASSIGN_OR_RAISE(auto pings, bench::RawGrpcPings(location, args.latency_calls));
      out["latency_us"] = {{"raw_grpc_ping", Percentiles(pings)}};
    } else {
      QUIVER_ASSIGN_OR_RAISE(auto control, ConnectTo(location, args, root_certs));
      Workload small = workload;
      small.records = 0;
      const auto descriptor = flight::FlightDescriptor::Command(small.ToJson());
      const flight::Action ping{"ping", Buffer::FromString("")};
      std::vector<double> info_us;
      std::vector<double> action_us;
      for (int i = 0; i < warmup + args.latency_calls; ++i) {
        const auto t0 = Clock::now();
        QUIVER_RETURN_NOT_OK(control->GetFlightInfo(descriptor).status());
        const auto t1 = Clock::now();
        QUIVER_ASSIGN_OR_RAISE(auto results, control->DoAction(ping));
        QUIVER_ASSIGN_OR_RAISE(auto all, results->ReadAll());
        const auto t2 = Clock::now();
        if (all.size() != 1) return Status::Invalid("ping answered ", all.size(), " results instead of 1");
        if (i >= warmup) {
          info_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
          action_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
        }
      }
      out["latency_us"] = {{"get_flight_info", Percentiles(info_us)}, {"do_action", Percentiles(action_us)}};
    }
  }
  out["client_peak_rss_mb"] = PeakRssMb();
  if (server_pid > 0) out["server_peak_rss_mb"] = ProcPeakRssMb(server_pid);
  if (args.in_process) out["note"] = "in-process: client figures include the server";
  server.reset();
  if (tls_files) {
    std::error_code ignored;
    std::filesystem::remove_all(tls_files->dir, ignored);
  }
  if (!args.unix_path.empty() && args.server.empty()) {
    ::unlink(args.unix_path.c_str());
    ::rmdir(args.unix_path.substr(0, args.unix_path.rfind('/')).c_str());
  }
  return out;
}

std::string Fixed(double v, int digits) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", digits, v);
  return text;
}

void PrintTable(const json& r) {
  std::cout << "quiver bench: " << r["mode"].get<std::string>() << " over " << r["transport"].get<std::string>()
            << " (server: " << r["server"].get<std::string>() << ")\n";
  std::cout << "  columns                  " << r["columns"].get<std::string>() << " ("
            << r["row_width_bytes"].get<int64_t>() << " payload bytes/row)\n";
  std::cout << "  streams / threads        " << r["streams"].get<int>() << " / " << r["threads"].get<int>() << "\n";
  std::cout << "  records per stream/batch " << r["records_per_stream"].get<int64_t>() << " / "
            << r["records_per_batch"].get<int64_t>() << "\n";
  if (r.contains("payload_bytes")) {
    std::cout << "  batches                  " << r["batches"].get<int64_t>() << "\n";
    std::cout << "  payload bytes            " << r["payload_bytes"].get<int64_t>() << "\n";
    std::cout << "  seconds                  " << Fixed(r["seconds"].get<double>(), 3) << "\n";
    std::cout << "  throughput               " << Fixed(r["throughput_gbps"].get<double>(), 3)
              << " GB/s (10^9 payload bytes/s)\n";
    std::cout << "  batches/s                " << Fixed(r["batches_per_second"].get<double>(), 0) << "\n";
    std::cout << "  client CPU s per GB      " << Fixed(r["client_cpu_s_per_gb"].get<double>(), 3) << "\n";
    if (r.contains("server_cpu_s_per_gb")) {
      std::cout << "  server CPU s per GB      " << Fixed(r["server_cpu_s_per_gb"].get<double>(), 3) << "\n";
    }
    if (r.contains("receive_copies_per_byte")) {
      std::cout << "  receive copies per byte  " << Fixed(r["receive_copies_per_byte"].get<double>(), 3)
                << " (client)\n";
    }
  }
  if (r.contains("latency_us")) {
    for (const auto& [name, p] : r["latency_us"].items()) {
      if (p.is_null()) continue;
      std::cout << "  " << name << std::string(name.size() < 16 ? 16 - name.size() : 1, ' ')
                << " µs   p50 " << Fixed(p["p50"].get<double>(), 1) << "  p95 " << Fixed(p["p95"].get<double>(), 1)
                << "  p99 " << Fixed(p["p99"].get<double>(), 1) << "  (" << p["calls"].get<int>() << " calls)\n";
    }
  }
  std::cout << "  client peak RSS          " << Fixed(r["client_peak_rss_mb"].get<double>(), 1) << " MB\n";
  if (r.contains("server_peak_rss_mb")) {
    std::cout << "  server peak RSS          " << Fixed(r["server_peak_rss_mb"].get<double>(), 1) << " MB\n";
  }
  if (r.contains("note")) std::cout << "  note: " << r["note"].get<std::string>() << "\n";
}

}  // namespace

CommandRunner AddBenchCommand(CLI::App* app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app->add_subcommand("bench", "Benchmark Flight throughput and round trips (bench/run compares with pyarrow)");
  cmd->add_option("--num-streams", args->num_streams, "Concurrent streams (endpoints), each on its own connection")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--num-threads", args->num_threads, "Client threads (default: one per stream)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--records-per-stream", args->records_per_stream, "Rows per stream (0: round trips only)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--records-per-batch", args->records_per_batch, "Rows per batch")->check(CLI::PositiveNumber);
  cmd->add_option("--columns", args->columns, "Column mix: TYPE[xN],... with int64, float64, string");
  cmd->add_flag("--test-put", args->test_put, "DoPut instead of DoGet");
  cmd->add_flag("--exchange", args->exchange, "DoExchange (the server echoes every batch)");
  cmd->add_flag("--generator", args->generator, "Ask the server for a GeneratorStream instead of a RecordBatchStream");
  cmd->add_flag("--unix", args->unix_socket, "Unix domain socket instead of TCP (own server only)");
  cmd->add_flag("--tls", args->tls, "TLS with a self-signed certificate made by openssl (own server only)");
  cmd->add_option("--compression", args->compression, "IPC body compression: none, lz4 or zstd");
  cmd->add_option("--latency-calls", args->latency_calls, "GetFlightInfo and DoAction round trips to time (0: none)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--server", args->server, "Benchmark this server (grpc+tcp://, grpc+unix://, grpc+tls://)");
  cmd->add_option("--tls-root-certs", args->tls_root_certs, "PEM roots to verify a --server grpc+tls:// with");
  cmd->add_flag("--in-process", args->in_process, "Run the server in this process instead of a child");
  cmd->add_flag("--raw-grpc", args->raw_grpc, "Plain gRPC byte streams and pings: the ceiling");
  cmd->add_flag("--no-validate", args->no_validate,
                "Client: skip the full validation of received batches (UTF-8, offsets), as Arrow C++ does");
  cmd->add_flag("--json", args->json, "Print one JSON object instead of a table");
  cmd->add_flag("--debug", args->debug, "Print full error details");
  cmd->add_flag("--serve", args->serve, "Only run the benchmark server; prints {\"location\": ...} and waits for SIGTERM");
  cmd->add_option("--port", args->port, "--serve: TCP port (0: any)")->check(CLI::Range(0, 65535));
  cmd->add_option("--unix-path", args->unix_path, "--serve: listen on this Unix socket");
  cmd->add_option("--tls-cert", args->tls_cert, "--serve: PEM certificate (TLS)");
  cmd->add_option("--tls-key", args->tls_key, "--serve: PEM private key (TLS)");
  return [args]() -> int {
    if (args->test_put && args->exchange) return ReportError(UsageError("--test-put and --exchange exclude each other"), false);
    if (!bench::ParseColumns(args->columns).ok()) {
      return ReportError(UsageError(bench::ParseColumns(args->columns).status().message()), false);
    }
    if (!bench::ParseCompression(args->compression).ok()) {
      return ReportError(UsageError("--compression must be none, lz4 or zstd"), false);
    }
    if (args->tls && args->unix_socket) return ReportError(UsageError("--tls and --unix exclude each other"), false);
    if (args->tls_cert.empty() != args->tls_key.empty()) {
      return ReportError(UsageError("--tls-cert and --tls-key go together"), false);
    }
    if (!args->server.empty() && (args->unix_socket || args->tls || args->in_process)) {
      return ReportError(UsageError("--unix, --tls and --in-process start our own server; not with --server"), false);
    }
    if (args->serve) {
      Status status = Serve(*args);
      return status.ok() ? kExitOk : ReportError(status, args->debug);
    }
    ::signal(SIGPIPE, SIG_IGN);
    auto result = RunClient(*args);
    if (!result.ok()) return ReportError(result.status(), args->debug);
    if (args->json) {
      std::cout << result->dump() << std::endl;
    } else {
      PrintTable(*result);
    }
    return kExitOk;
  };
}

}  // namespace quiver::cli
