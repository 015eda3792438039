#include "bench/grpc_ceiling.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "quiver/flight/malloc_tuning.h"

namespace quiver::cli::bench {
namespace {

constexpr const char* kStreamMethod = "/quiver.bench.Raw/Stream";
constexpr const char* kPingMethod = "/quiver.bench.Raw/Ping";
constexpr const char* kUploadMethod = "/quiver.bench.Raw/Upload";

std::string ToTarget(const std::string& location) {
  const std::string tcp = "grpc+tcp://";
  const std::string plain = "grpc://";
  const std::string unix_scheme = "grpc+unix://";
  if (location.rfind(tcp, 0) == 0) return location.substr(tcp.size());
  if (location.rfind(plain, 0) == 0) return location.substr(plain.size());
  if (location.rfind(unix_scheme, 0) == 0) return "unix://" + location.substr(unix_scheme.size());
  return location;
}

std::string ByteBufferText(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string text;
  if (!buffer.Dump(&slices).ok()) return text;
  for (const auto& s : slices) text.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return text;
}

// The payload every Stream message is a view of.
class PayloadPool {
 public:
  const uint8_t* Get(size_t bytes) {
    std::lock_guard<std::mutex> guard(mutex_);
    if (data_.size() < bytes) {
      // Grown only between calls; earlier views stay valid because old storage is kept.
      old_.push_back(std::move(data_));
      data_.assign(bytes, 0x5a);
    }
    return data_.data();
  }

 private:
  std::mutex mutex_;
  std::vector<uint8_t> data_;
  std::vector<std::vector<uint8_t>> old_;
};

class RawReactor : public grpc::ServerGenericBidiReactor {
 public:
  RawReactor(grpc::GenericCallbackServerContext* context, PayloadPool* pool)
      : ping_(context->method() == kPingMethod), upload_(context->method() == kUploadMethod), pool_(pool) {
    if (!ping_ && !upload_ && context->method() != kStreamMethod) {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + context->method()));
      return;
    }
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (upload_) {
      // Counted on gRPC's thread as it arrives: no hand-off to another thread.
      if (ok) {
        uploaded_bytes_ += static_cast<long long>(request_.Length());
        ++uploaded_messages_;
        request_.Clear();
        StartRead(&request_);
        return;
      }
      grpc::Slice slice(std::to_string(uploaded_bytes_) + " " + std::to_string(uploaded_messages_));
      reply_ = grpc::ByteBuffer(&slice, 1);
      StartWriteAndFinish(&reply_, grpc::WriteOptions(), grpc::Status::OK);
      return;
    }
    if (!ok) {
      if (!started_) Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
      return;
    }
    if (started_) return;
    started_ = true;
    if (ping_) {
      const uint8_t one = 1;
      grpc::Slice slice(&one, 1);
      reply_ = grpc::ByteBuffer(&slice, 1);
      StartWriteAndFinish(&reply_, grpc::WriteOptions(), grpc::Status::OK);
      return;
    }
    const std::string text = ByteBufferText(request_);
    long long bytes = 0;
    long long count = 0;
    if (std::sscanf(text.c_str(), "%lld %lld", &bytes, &count) != 2 || bytes <= 0 || count < 0 ||
        bytes > (1LL << 30)) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "request must be 'MESSAGE_BYTES COUNT'"));
      return;
    }
    const uint8_t* data = pool_->Get(static_cast<size_t>(bytes));
    grpc::Slice slice(const_cast<uint8_t*>(data), static_cast<size_t>(bytes), grpc::Slice::STATIC_SLICE);
    reply_ = grpc::ByteBuffer(&slice, 1);
    left_ = count;
    Next();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (left_ == 0) {
      Finish(grpc::Status::OK);
      return;
    }
    --left_;
    StartWrite(&reply_);
  }

  bool ping_;
  bool upload_;
  long long uploaded_bytes_ = 0;
  long long uploaded_messages_ = 0;
  bool started_ = false;
  PayloadPool* pool_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer reply_;
  long long left_ = 0;
};

class RawService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    return new RawReactor(context, &pool_);
  }

 private:
  PayloadPool pool_;
};

class RawServerImpl : public RawGrpcServer {
 public:
  std::string location() const override { return location_; }
  void Shutdown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }
  ~RawServerImpl() override {
    Shutdown();
    if (server_) server_->Wait();
  }

  RawService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string location_;
};

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& location) {
  // The same malloc limits a Flight client runs with, so the ceiling is gRPC's own.
  flight::TuneMallocForLargeMessages();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  // One TCP connection per channel, as Apache Arrow's Flight client does.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(ToTarget(location), grpc::InsecureChannelCredentials(), args);
}

// Drains the completion queue of a call that is over, and says how the call ended.
Status EndCall(grpc::CompletionQueue& queue, bool finished, const grpc::Status& status, const char* what) {
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
  if (!finished) return Status::IOError("raw gRPC ", what, ": the completion queue shut down early");
  if (!status.ok()) return Status::IOError("raw gRPC ", what, " failed: ", status.error_message());
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<RawGrpcServer>> StartRawGrpcServer(int port, const std::string& unix_path) {
  // The same malloc limits a Flight server runs with.
  flight::TuneMallocForLargeMessages();
  auto server = std::make_unique<RawServerImpl>();
  grpc::ServerBuilder builder;
  int bound = 0;
  if (unix_path.empty()) {
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(), &bound);
  } else {
    builder.AddListeningPort("unix://" + unix_path, grpc::InsecureServerCredentials(), &bound);
  }
  builder.SetMaxReceiveMessageSize(-1);
  builder.RegisterCallbackGenericService(&server->service_);
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || bound == 0) return Status::IOError("raw gRPC server could not listen");
  server->location_ =
      unix_path.empty() ? "grpc+tcp://127.0.0.1:" + std::to_string(bound) : "grpc+unix://" + unix_path;
  return std::unique_ptr<RawGrpcServer>(std::move(server));
}

// The stream is read on this thread from a completion queue of the call's own,
// as Quiver's client (and Apache Arrow's synchronous one) reads its data calls:
// a ceiling for them, with no hand-off between threads per message.
Result<RawStreamResult> RawGrpcStream(const std::string& location, int64_t message_bytes, int64_t count) {
  auto channel = MakeChannel(location);
  grpc::GenericStub stub(channel);
  const std::string text = std::to_string(message_bytes) + " " + std::to_string(count);
  grpc::Slice slice(text);
  const grpc::ByteBuffer request(&slice, 1);
  void* const kWrite = reinterpret_cast<void*>(1);
  void* const kRead = reinterpret_cast<void*>(2);
  void* const kFinish = reinterpret_cast<void*>(3);

  grpc::ClientContext context;
  grpc::CompletionQueue queue;
  // The headers leave with the request, in one batch (StartCall then sends nothing).
  context.set_initial_metadata_corked(true);
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(&context, kStreamMethod, &queue);
  call->StartCall(nullptr);
  call->WriteLast(request, grpc::WriteOptions(), kWrite);
  grpc::ByteBuffer response;
  call->Read(&response, kRead);
  RawStreamResult result;
  bool writing = true;
  bool reading = true;
  bool finished = false;
  grpc::Status status;
  void* tag = nullptr;
  bool ok = false;
  while ((writing || reading || !finished) && queue.Next(&tag, &ok)) {
    if (tag == kWrite) {
      writing = false;
    } else if (tag == kRead) {
      if (!ok) {
        reading = false;
        call->Finish(&status, kFinish);  // every message is in: collect the status
        continue;
      }
      result.bytes += static_cast<int64_t>(response.Length());
      result.messages += 1;
      response.Clear();
      call->Read(&response, kRead);
    } else if (tag == kFinish) {
      finished = true;
    }
  }
  QUIVER_RETURN_NOT_OK(EndCall(queue, finished, status, "stream"));
  return result;
}

// The upload mirror of RawGrpcStream, written as Quiver's client writes a DoPut:
// one message in flight, from this thread's own completion queue.
Result<RawStreamResult> RawGrpcUpload(const std::string& location, int64_t message_bytes, int64_t count) {
  auto channel = MakeChannel(location);
  grpc::GenericStub stub(channel);
  PayloadPool payload;
  const uint8_t* data = payload.Get(static_cast<size_t>(message_bytes));
  void* const kStart = reinterpret_cast<void*>(1);
  void* const kWrite = reinterpret_cast<void*>(2);
  void* const kWritesDone = reinterpret_cast<void*>(3);
  void* const kRead = reinterpret_cast<void*>(4);
  void* const kFinish = reinterpret_cast<void*>(5);

  grpc::ClientContext context;
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(&context, kUploadMethod, &queue);
  call->StartCall(kStart);
  int64_t left = count;
  grpc::ByteBuffer message;
  grpc::ByteBuffer reply;
  grpc::Status status;
  bool finished = false;
  bool failed = false;
  void* tag = nullptr;
  bool ok = false;
  while (!finished && queue.Next(&tag, &ok)) {
    if (tag == kStart || tag == kWrite) {
      if (!ok) failed = true;
      if (!failed && left > 0) {
        --left;
        grpc::Slice slice(const_cast<uint8_t*>(data), static_cast<size_t>(message_bytes), grpc::Slice::STATIC_SLICE);
        message = grpc::ByteBuffer(&slice, 1);
        call->Write(message, kWrite);
      } else {
        call->WritesDone(kWritesDone);
      }
    } else if (tag == kWritesDone) {
      call->Read(&reply, kRead);
    } else if (tag == kRead) {
      call->Finish(&status, kFinish);
    } else if (tag == kFinish) {
      finished = true;
    }
  }
  QUIVER_RETURN_NOT_OK(EndCall(queue, finished, status, "upload"));
  long long bytes = -1;
  long long messages = -1;
  if (failed || std::sscanf(ByteBufferText(reply).c_str(), "%lld %lld", &bytes, &messages) != 2 ||
      bytes != message_bytes * count || messages != count) {
    return Status::IOError("raw gRPC upload: the server counted ", bytes, " bytes in ", messages,
                           " messages, not ", message_bytes * count, " in ", count);
  }
  return RawStreamResult{bytes, messages};
}

Result<std::vector<double>> RawGrpcPings(const std::string& location, int calls) {
  auto channel = MakeChannel(location);
  grpc::GenericStub stub(channel);
  std::vector<double> micros;
  const uint8_t one = 1;
  for (int i = 0; i < calls; ++i) {
    grpc::Slice slice(&one, 1);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::ClientContext context;
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    const auto start = std::chrono::steady_clock::now();
    stub.UnaryCall(&context, kPingMethod, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
      std::lock_guard<std::mutex> guard(mutex);
      status = std::move(s);
      done = true;
      cv.notify_all();
    });
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait(lock, [&] { return done; });
    }
    const auto end = std::chrono::steady_clock::now();
    if (!status.ok()) return Status::IOError("raw gRPC ping failed: ", status.error_message());
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  return micros;
}

}  // namespace quiver::cli::bench
