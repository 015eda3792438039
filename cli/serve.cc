// quiver serve: a Flight service over a folder of Arrow IPC files.
//
// The first line on stdout is the location clients connect to (with the port that
// was bound, so --port 0 works); logs go to stderr. SIGINT or SIGTERM stops taking
// calls, lets the calls in flight finish for up to --grace seconds, cancels the
// rest and exits 0; a second signal exits at once (committed uploads are durable,
// and a cut-off upload's temporary file is removed at the next start).
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "common/errors.h"
#include "common/sample.h"
#include "quiver/flight/auth.h"
#include "quiver/flight/status.h"
#include "server/dataset_server.h"
#include "server/users.h"
#include "store/fs.h"
#include "store/store.h"

namespace quiver::cli {
namespace {

struct ServeArgs {
  std::string root;
  std::string host = "localhost";
  int port = 8815;
  std::string unix_socket;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string users;
  int64_t token_ttl_seconds = 12 * 3600;
  double grace_seconds = 10;
  int64_t retain_seconds = 300;
  uint64_t max_upload_bytes = 0;
  int max_handler_threads = flight::FlightServerOptions::kDefaultMaxHandlerThreads;
  std::string compression = "none";
  bool quiet = false;
  bool debug = false;
  std::string config;
  std::vector<std::string> grpc_args;
};

// gRPC channel arguments `quiver serve` sets unless --grpc-arg overrides them. They
// bound what one client can hold open or make the server do (see SECURITY.md for
// the figures measured with and without them):
//   - a connection that has not finished its HTTP/2 (or TLS) handshake within 10 s
//     is closed (gRPC's own default is 120 s), so half-open connections do not pile up;
//   - at most 100 calls in progress per connection (gRPC's default: no limit), which
//     bounds the handler threads one connection's real calls can occupy (it does not
//     stop an HTTP/2 rapid-reset flood: reset streams never count against it);
//   - a connection with no call for 30 minutes is closed, so abandoned connections
//     (a client that vanished without a FIN) do not stay forever.
const std::vector<std::pair<std::string, int>>& DefaultGrpcArgs() {
  static const std::vector<std::pair<std::string, int>> args = {
      {"grpc.server_handshake_timeout_ms", 10'000},
      {"grpc.max_concurrent_streams", 100},
      {"grpc.max_connection_idle_ms", 30 * 60 * 1000},
  };
  return args;
}

// The server's gRPC channel arguments: the defaults above, then each --grpc-arg
// NAME=VALUE (an integer value is passed as an integer, anything else as a string).
Status AddGrpcArgs(const std::vector<std::string>& given, flight::FlightServerOptions* options) {
  std::vector<std::pair<std::string, std::variant<int, std::string>>> args;
  for (const auto& [name, value] : DefaultGrpcArgs()) args.emplace_back(name, value);
  for (const std::string& text : given) {
    const size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
      return UsageError("--grpc-arg expects NAME=VALUE (e.g. grpc.max_concurrent_streams=100) but got '" +
                        text + "'");
    }
    std::string name = text.substr(0, equals);
    std::string value = text.substr(equals + 1);
    std::variant<int, std::string> parsed = value;
    if (!value.empty()) {
      char* end = nullptr;
      errno = 0;
      const long number = std::strtol(value.c_str(), &end, 10);
      if (*end == '\0' && errno == 0 && number >= INT_MIN && number <= INT_MAX) parsed = static_cast<int>(number);
    }
    auto same = std::find_if(args.begin(), args.end(), [&](const auto& arg) { return arg.first == name; });
    if (same != args.end()) {
      same->second = std::move(parsed);
    } else {
      args.emplace_back(std::move(name), std::move(parsed));
    }
  }
  options->generic_options = std::move(args);
  return Status::OK();
}

// CLI11 reads config files for the top-level app only, so `serve --config FILE`
// applies the file itself: each key sets the option of that name unless the
// command line already gave it, through the option's own conversion and checks.
Status ApplyConfig(CLI::App* serve, const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& error) {
    return UsageError("cannot read --config '" + path + "': " + error.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (!item.parents.empty() && !(item.parents.size() == 1 && item.parents[0] == "serve")) {
      return UsageError("--config '" + path + "': unknown section for '" + item.fullname() +
                        "' (use top-level keys or [serve])");
    }
    CLI::Option* option = item.name == "config" ? nullptr : serve->get_option_no_throw("--" + item.name);
    if (option == nullptr) {
      return UsageError("--config '" + path + "': unknown option '" + item.name + "'");
    }
    if (option->count() > 0) continue;
    try {
      option->add_result(item.inputs);
      option->run_callback();
    } catch (const CLI::Error& error) {
      return UsageError("--config '" + path + "': " + item.name + ": " + error.what());
    }
  }
  return Status::OK();
}

class Logger {
 public:
  explicit Logger(bool quiet) : quiet_(quiet) {}
  void operator()(const std::string& line) {
    if (quiet_) return;
    std::lock_guard<std::mutex> guard(mutex_);
    std::cerr << "quiver serve: " << line << std::endl;
  }

 private:
  bool quiet_;
  std::mutex mutex_;
};

Result<std::string> ReadPem(const std::string& path, const char* flag) {
  auto text = store::ReadSmallFile(path, 1 << 20);
  if (!text.ok()) return text.status().WithContext(std::string("reading ") + flag);
  return text;
}

// Prunes the store's trash now and then, until stopped.
class Maintenance {
 public:
  explicit Maintenance(store::DatasetStore* store) : store_(store), thread_([this] { Run(); }) {}
  ~Maintenance() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      wake_.wait_for(lock, std::chrono::seconds(15));
      if (stop_) break;
      lock.unlock();
      store_->PruneTrash(std::chrono::steady_clock::now());
      lock.lock();
    }
  }

  store::DatasetStore* store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// The dataset server, answering the Handshake that Basic/Bearer clients open
// (the auth middleware has checked its credentials by the time it runs), and
// refusing read-only users (PermissionDenied) before any handler that changes
// datasets runs: DoPut, DoExchange and the drop and rename actions.
class AuthenticatingDatasetServer final : public server::DatasetServer {
 public:
  AuthenticatingDatasetServer(store::DatasetStore* store, std::function<void(const std::string&)> log,
                              std::shared_ptr<const server::UserTable> users)
      : DatasetServer(store, std::move(log)), users_(std::move(users)) {}

  Status Handshake(flight::ServerCallContext& context, flight::ServerHandshakeStream* stream) override {
    if (context.GetMiddleware("auth") == nullptr) return DatasetServer::Handshake(context, stream);
    while (true) {
      QUIVER_ASSIGN_OR_RAISE(std::optional<std::string> payload, stream->Read());
      if (!payload.has_value()) return Status::OK();
    }
  }

  Status DoPut(flight::ServerCallContext& context, std::unique_ptr<flight::FlightMessageReader> reader,
               std::unique_ptr<flight::FlightMetadataWriter> writer) override {
    QUIVER_RETURN_NOT_OK(CheckWriter(context, "DoPut"));
    return DatasetServer::DoPut(context, std::move(reader), std::move(writer));
  }

  Status DoExchange(flight::ServerCallContext& context, std::unique_ptr<flight::FlightMessageReader> reader,
                    std::unique_ptr<flight::FlightMessageWriter> writer) override {
    QUIVER_RETURN_NOT_OK(CheckWriter(context, "DoExchange"));
    return DatasetServer::DoExchange(context, std::move(reader), std::move(writer));
  }

  Result<std::unique_ptr<flight::ResultStream>> DoAction(flight::ServerCallContext& context,
                                                         const flight::Action& action) override {
    if (action.type == "drop" || action.type == "rename") {
      QUIVER_RETURN_NOT_OK(CheckWriter(context, "the " + action.type + " action"));
    }
    return DatasetServer::DoAction(context, action);
  }

 private:
  Status CheckWriter(const flight::ServerCallContext& context, const std::string& what) const {
    if (users_ == nullptr || !users_->ReadOnly(context.peer_identity())) return Status::OK();
    return flight::MakeFlightError(flight::FlightStatusCode::Unauthorized,
                                   "user '" + context.peer_identity() + "' is read-only: " + what +
                                       " is not allowed");
  }

  std::shared_ptr<const server::UserTable> users_;
};

// gRPC 1.51 stops accepting connections for good once accept() fails for lack of
// descriptors (CVE-2023-4785, see SECURITY.md): a client that opens connections up
// to the limit leaves the server running but deaf. The usual soft limit is 1,024;
// raising it to the hard limit makes that take as many connections as the system
// lets this process have. Nothing changes where the soft limit already is the hard one.
void RaiseDescriptorLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  // Refused (e.g. a hard limit of RLIM_INFINITY above the kernel's nr_open): the
  // soft limit stays as it was.
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::string GraceText(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", seconds);
  return text;
}

Status Serve(const ServeArgs& args, Logger* log) {
  if (!args.unix_socket.empty() && !args.tls_cert.empty()) {
    return UsageError("--unix and --tls-cert cannot be combined");
  }
  if (args.tls_cert.empty() != args.tls_key.empty()) return UsageError("--tls-cert and --tls-key go together");
  if (!args.tls_client_ca.empty() && args.tls_cert.empty()) {
    return UsageError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  if (args.port < 0 || args.port > 65535) return UsageError("--port must be 0..65535");

  store::StoreOptions options;
  options.max_upload_bytes = static_cast<int64_t>(args.max_upload_bytes);
  options.retain_replaced = std::chrono::seconds(args.retain_seconds);
  if (args.compression == "lz4") {
    options.write_options.compression = ipc::CompressionType::LZ4_FRAME;
  } else if (args.compression == "zstd") {
    options.write_options.compression = ipc::CompressionType::ZSTD;
  } else if (args.compression != "none") {
    return UsageError("--compression must be none, lz4 or zstd");
  }

  std::string root = args.root;
  if (root.empty()) {
    QUIVER_ASSIGN_OR_RAISE(root, DefaultSampleRoot());
    QUIVER_ASSIGN_OR_RAISE(bool seeded, SeedSampleRoot(root));
    (*log)(std::string(seeded ? "wrote the sample datasets to " : "serving the sample datasets in ") + root +
           " (pass --root DIR to serve your own folder)");
  }
  QUIVER_ASSIGN_OR_RAISE(auto store, store::DatasetStore::Open(root, options));
  const auto& recovery = store->recovery();
  if (recovery.journals_replayed + recovery.temp_files_removed > 0) {
    (*log)("recovered after an unclean stop: finished " + std::to_string(recovery.journals_replayed) +
           " replace(s), removed " + std::to_string(recovery.temp_files_removed) +
           " unfinished upload(s)");
  }

  Result<flight::Location> location = Status::Invalid("no location");
  if (!args.unix_socket.empty()) {
    location = flight::Location::ForGrpcUnix(args.unix_socket);
  } else if (!args.tls_cert.empty()) {
    location = flight::Location::ForGrpcTls(args.host, args.port);
  } else {
    location = flight::Location::ForGrpcTcp(args.host, args.port);
  }
  if (!location.ok()) return UsageError("cannot listen there: " + location.status().message());
  flight::FlightServerOptions server_options(*location);
  QUIVER_RETURN_NOT_OK(AddGrpcArgs(args.grpc_args, &server_options));
  server_options.max_handler_threads = args.max_handler_threads;
  // No gRPC message limit from --max-upload-bytes: gRPC refusing an oversize message
  // fails the call mid-stream, which the handler may see as a clean end of the upload
  // (the end of the reads races with the cancellation) and commit the batches before
  // it. The store's quota refuses the upload instead, after the message arrives.
  if (!args.tls_cert.empty()) {
    flight::CertKeyPair pair;
    QUIVER_ASSIGN_OR_RAISE(pair.pem_cert, ReadPem(args.tls_cert, "--tls-cert"));
    QUIVER_ASSIGN_OR_RAISE(pair.pem_key, ReadPem(args.tls_key, "--tls-key"));
    server_options.tls_certificates.push_back(std::move(pair));
    if (!args.tls_client_ca.empty()) {
      server_options.verify_client = true;
      QUIVER_ASSIGN_OR_RAISE(server_options.root_certificates, ReadPem(args.tls_client_ca, "--tls-client-ca"));
    }
  }

  // Signals are taken by sigwait below, never by a handler: block them before any
  // thread starts, so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  RaiseDescriptorLimit();

  if (args.token_ttl_seconds < 1) return UsageError("--token-ttl must be at least 1 second");
  std::shared_ptr<const server::UserTable> users;
  if (!args.users.empty()) {
    QUIVER_ASSIGN_OR_RAISE(server::UserTable loaded, server::UserTable::Load(args.users));
    users = std::make_shared<const server::UserTable>(std::move(loaded));
    // Every call needs 'authorization: Basic' or a Bearer token from a Basic Handshake.
    server_options.middleware.emplace_back(
        "auth", std::make_shared<flight::HeaderAuthServerMiddlewareFactory>(
                    [users](const std::string& user, const std::string& password) {
                      return users->Check(user, password);
                    },
                    std::chrono::seconds(args.token_ttl_seconds)));
    (*log)("authentication on: " + std::to_string(users->size()) + " user(s) from " + args.users);
    // quiver serve never logs credentials, but gRPC's own HTTP tracing prints every
    // header it sends and receives, Bearer tokens included.
    const char* trace = std::getenv("GRPC_TRACE");
    if (trace != nullptr && (std::string(trace).find("http") != std::string::npos ||
                             std::string(trace).find("all") != std::string::npos)) {
      (*log)("warning: GRPC_TRACE=" + std::string(trace) +
             " makes gRPC log request and response headers, bearer tokens included; do not use it "
             "with real credentials");
    }
  }

  AuthenticatingDatasetServer server(store.get(), [log](const std::string& line) { (*log)(line); }, users);
  QUIVER_RETURN_NOT_OK(server.Init(server_options));
  QUIVER_ASSIGN_OR_RAISE(flight::Location bound, server.location());
  std::vector<Status> problems;
  QUIVER_ASSIGN_OR_RAISE(auto datasets, store->List({}, &problems));
  for (const Status& problem : problems) (*log)("cannot serve: " + problem.message());
  (*log)("serving " + std::to_string(datasets.size()) + " dataset(s) from " + store->root() + " at " +
         bound.uri() + "; Ctrl-C stops");
  // The first line of stdout, for scripts and tests that started us with port 0.
  std::cout << bound.uri() << std::endl;

  Maintenance maintenance(store.get());
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  (*log)(std::string("got ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
         ", finishing the calls in flight (up to " + GraceText(args.grace_seconds) +
         "; signal again to stop at once)");
  std::thread second_signal([signals] {
    int again = 0;
    sigset_t copy = signals;
    sigwait(&copy, &again);
    std::cerr << "quiver serve: stopping at once" << std::endl;
    std::_Exit(130);
  });
  second_signal.detach();
  const auto deadline = std::chrono::system_clock::now() +
                        std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            std::chrono::duration<double>(args.grace_seconds));
  QUIVER_RETURN_NOT_OK(server.Shutdown(deadline));
  (*log)("stopped");
  return Status::OK();
}

}  // namespace

CommandRunner AddServeCommand(CLI::App* app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app->add_subcommand(
      "serve",
      "Serve a folder of Arrow IPC files over Flight. Every folder holding *.arrow/*.arrows "
      "files is a flight named by its path. Prints the location as its first line.");
  serve->add_option("--root", args->root,
                    "Folder to serve (created if missing). Default: the sample datasets, copied on "
                    "first use to $QUIVER_HOME/sample or ~/.local/share/quiver/sample");
  serve->add_option("--host", args->host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", args->port, "TCP port; 0 picks a free one")->capture_default_str();
  serve->add_option("--unix", args->unix_socket, "Listen on this Unix socket instead of TCP");
  serve->add_option("--tls-cert", args->tls_cert, "PEM certificate chain: serve grpc+tls");
  serve->add_option("--tls-key", args->tls_key, "PEM private key of --tls-cert");
  serve->add_option("--tls-client-ca", args->tls_client_ca,
                    "PEM roots: require client certificates signed by them (mTLS)");
  serve->add_option("--users", args->users,
                    "Users file (name:pbkdf2-sha256:..., made with `quiver users add`): every call "
                    "then needs Basic credentials or a Bearer token from a Basic Handshake; read-only "
                    "users (quiver users add --read-only) may not put, exchange, drop or rename");
  serve->add_option("--token-ttl", args->token_ttl_seconds,
                    "Seconds a Bearer token from a Handshake stays valid (with --users); after that "
                    "calls with it are refused (Unauthenticated) until the client authenticates again")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve->add_option("--max-upload-bytes", args->max_upload_bytes,
                    "Refuse uploads larger than this (e.g. 512MiB); 0: no limit")
      ->transform(CLI::AsSizeValue(false));
  serve->add_option("--max-handler-threads", args->max_handler_threads,
                    "Calls served at once (one thread each); a call beyond them is refused as "
                    "Unavailable, to retry later. 0: no limit")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  serve->add_option("--grace", args->grace_seconds,
                    "Seconds to let calls in flight finish after SIGINT/SIGTERM")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  serve->add_option("--retain-replaced", args->retain_seconds,
                    "Seconds replaced or dropped files stay readable by tickets issued before")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  serve->add_option("--compression", args->compression, "Compression of stored files: none, lz4, zstd")
      ->capture_default_str();
  serve->add_option("--grpc-arg", args->grpc_args,
                    "A gRPC server channel argument NAME=VALUE (repeatable), e.g. "
                    "grpc.max_concurrent_streams=100; replaces quiver's default for NAME "
                    "(handshake timeout 10 s, 100 calls per connection, idle connections closed "
                    "after 30 min; see SECURITY.md)");
  serve->add_flag("-q,--quiet", args->quiet, "No log lines on stderr");
  serve->add_flag("--debug", args->debug, "Print full error details");
  serve->add_option("--config", args->config,
                    "Read options from a TOML or INI file: key = value lines (e.g. port = 9000), "
                    "optionally under [serve]; flags on the command line win");
  return [args, serve] {
    if (!args->config.empty()) {
      Status loaded = ApplyConfig(serve, args->config);
      if (!loaded.ok()) return ReportError(loaded, args->debug);
    }
    Logger log(args->quiet);
    Status status = Serve(*args, &log);
    if (!status.ok()) return ReportError(status, args->debug);
    return kExitOk;
  };
}

}  // namespace quiver::cli
