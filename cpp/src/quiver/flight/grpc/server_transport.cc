// The gRPC server transport.
//
// The service is the generated FlightService with every method on gRPC's
// callback API; DoGet, DoPut and DoExchange are registered as *raw* callback
// methods, so their messages arrive and leave as grpc::ByteBuffers that
// serialization.cc frames by hand around our buffers (no protobuf copy of any
// batch body). The other methods use the generated protobuf messages.
//
// One reactor per call (ServerCall / UnaryCall below). gRPC's reaction threads
// must not block, and Flight handlers do (a DoPut handler waits for the next
// batch; a DoGet stream may read from disk), so each call's handler runs on a
// thread of the transport's CallExecutor. The handler talks to its reactor
// through blocking Read/Write that wait on the reactor's reactions:
//   - writes are queued behind the one in flight (gRPC allows one), a few deep:
//     OnWriteDone starts the next, and Write() waits only when the queue is
//     full, so a slow client slows only its own handler; a waiting handler is
//     woken once the queue has drained to a few, so it refills several at once;
//   - reads run a few messages ahead; once that many wait unread, the next
//     StartRead is issued when the handler takes one, so a slow handler
//     throttles its client through gRPC flow control.
//   A handler and gRPC's threads then rarely wait on each other per message
//   (each such hand-off is a thread switch: the cost of small batches).
// When the handler returns, its status (with Arrow's error trailers) finishes
// the call; that Finish is the handler thread's last touch of the reactor, which
// deletes itself in OnDone.
//
// Cancellation (client cancel, deadline, shutdown past its deadline) arrives as
// OnCancel: it sets the flag ServerCallContext::is_cancelled() reads, and makes
// pending reads and writes fail, which wakes a blocked handler.
#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/server_callback.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <iterator>
#include <list>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "Flight.grpc.pb.h"
#include "quiver/flight/grpc/protocol_internal.h"
#include "quiver/flight/grpc/serialization_internal.h"
#include "quiver/flight/grpc/status_internal.h"
#include "quiver/flight/malloc_tuning.h"
#include "quiver/flight/status.h"
#include "quiver/flight/transport_internal.h"

namespace quiver::flight::internal {

namespace {

// Runs handlers: a cached pool that grows to the number of calls in progress, up
// to FlightServerOptions::max_handler_threads, and keeps idle threads a while for
// later calls. A thread idle for kIdleThreadLife ends (and is joined by the next
// Submit), so a burst of calls does not leave its threads behind for the life of
// the server. Shutdown() runs what was submitted, then joins every thread.
class CallExecutor {
 public:
  static constexpr std::chrono::seconds kIdleThreadLife{5};

  explicit CallExecutor(int max_threads) : max_threads_(max_threads > 0 ? static_cast<size_t>(max_threads) : 0) {
    // Publishes the members to the threads that call Submit: gRPC's threads, which
    // may predate this executor and reach it through gRPC's own synchronization,
    // invisible to ThreadSanitizer (gRPC is not instrumented); Submit takes this lock.
    std::lock_guard<std::mutex> lock(mutex_);
  }
  ~CallExecutor() { Shutdown(); }

  size_t max_threads() const { return max_threads_; }

  // Runs `task` on a free thread, or a new one. False, with nothing run, when
  // every thread is busy and there are max_threads() of them: the call is then
  // refused rather than queued, since a queued call could wait forever behind
  // handlers that wait on the same client.
  bool Submit(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(mutex_);
    JoinRetired();
    // A thread finishing its call (FinishingTask) or just done with it is as good as
    // idle: all that is left is to take this lock. Counting it keeps the pool at the
    // number of calls in progress even when such threads are slow to get the CPU back.
    const bool needs_thread = tasks_.size() + 1 > idle_ + returning_.load();
    if (needs_thread && max_threads_ > 0 && threads_.size() >= max_threads_) return false;
    tasks_.push_back(std::move(task));
    if (needs_thread) {
      threads_.emplace_back();
      auto self = std::prev(threads_.end());
      // The new thread waits for this lock before it can look at `self`.
      *self = std::thread([this, self] { Work(self); });
    } else {
      task_ready_.notify_one();
    }
    return true;
  }

  // Called by a task right before its last step, a call's (non-blocking) Finish: its
  // thread counts as free from then on, since the client may see the call end and
  // start its next one before the thread is back in the pool.
  void FinishingTask() {
    returning_.fetch_add(1);
    finishing_ = true;
  }

  void Shutdown() {
    std::list<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      threads.swap(threads_);
      retired_.clear();
      task_ready_.notify_all();
    }
    for (std::thread& thread : threads) thread.join();
  }

 private:
  using ThreadSlot = std::list<std::thread>::iterator;

  void Work(ThreadSlot self) {
    // Named, so that tools (top -H, /proc/PID/task/*/comm, the load test) can tell
    // handler threads from gRPC's own.
    pthread_setname_np(pthread_self(), "quiver-handler");
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      ++idle_;
      const bool woken =
          task_ready_.wait_for(lock, kIdleThreadLife, [&] { return stopping_ || !tasks_.empty(); });
      --idle_;
      if (!woken) {
        // Idle too long: leave, to be joined by the next Submit (or Shutdown).
        retired_.push_back(self);
        return;
      }
      if (tasks_.empty()) return;  // stopping, nothing left
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      task = nullptr;
      if (!finishing_) returning_.fetch_add(1);
      finishing_ = false;
      lock.lock();
      returning_.fetch_sub(1);
    }
  }

  // Joins the threads that ended idle (they have returned, so this does not wait
  // long). Called with the lock held.
  void JoinRetired() {
    for (ThreadSlot slot : retired_) {
      slot->join();
      threads_.erase(slot);
    }
    retired_.clear();
  }

  const size_t max_threads_;  // 0: no limit
  std::mutex mutex_;
  std::condition_variable task_ready_;
  std::deque<std::function<void()>> tasks_;
  std::list<std::thread> threads_;
  std::vector<ThreadSlot> retired_;
  size_t idle_ = 0;
  std::atomic<size_t> returning_{0};  // finishing or finished a task, not yet waiting for the next
  static inline thread_local bool finishing_ = false;  // this thread's task called FinishingTask()
  bool stopping_ = false;
};

// The answer to a call that finds every handler thread busy: UNAVAILABLE, which
// every Flight client reports as FlightUnavailableError, a condition to retry.
// (Not RESOURCE_EXHAUSTED: Apache Arrow's C++ client turns that into Invalid.)
grpc::Status ServerBusyStatus(size_t max_threads) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "the server is handling its maximum of " + std::to_string(max_threads) +
                          " calls at once (FlightServerOptions::max_handler_threads); try again later");
}

class GrpcServerTransport;

// What a call's context shares with its reactor.
struct CallState {
  std::atomic<bool> cancelled{false};
  // Set when the first response message starts: initial metadata is gone then.
  std::atomic<bool> headers_sent{false};
};

class GrpcServerCallContext final : public ServerCallContextBase {
 public:
  GrpcServerCallContext(grpc::CallbackServerContext* context, std::string method, const CallState* state)
      : context_(context), method_(std::move(method)), state_(state), peer_(context->peer()) {
    for (const auto& [key, value] : context->client_metadata()) {
      headers_.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
    }
    std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
    if (auth != nullptr && auth->IsPeerAuthenticated()) {
      std::vector<grpc::string_ref> identity = auth->GetPeerIdentity();
      if (!identity.empty()) transport_identity_.assign(identity.front().data(), identity.front().size());
    }
  }

  const std::string& method() const override { return method_; }
  const std::string& peer() const override { return peer_; }
  const CallHeaders& incoming_headers() const override { return headers_; }
  bool is_cancelled() const override { return state_->cancelled.load() || context_->IsCancelled(); }

  Status AddHeader(const std::string& key, const std::string& value) override {
    QUIVER_RETURN_NOT_OK(ValidateHeader(key, value));
    if (state_->headers_sent.load()) {
      return Status::Invalid("cannot add header '", key, "': the response headers were already sent");
    }
    context_->AddInitialMetadata(key, value);
    return Status::OK();
  }

  Status AddTrailer(const std::string& key, const std::string& value) override {
    QUIVER_RETURN_NOT_OK(ValidateHeader(key, value));
    context_->AddTrailingMetadata(key, value);
    return Status::OK();
  }

  grpc::CallbackServerContext* grpc_context() const { return context_; }

 private:
  grpc::CallbackServerContext* context_;
  std::string method_;
  const CallState* state_;
  std::string peer_;
  CallHeaders headers_;
};

// Keeps the transport's count of calls that have not reached OnDone.
class CallCounter {
 public:
  void Add() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++active_;
  }
  void Remove() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--active_ == 0) idle_.notify_all();
  }
  void WaitIdle() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return active_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  int64_t active_ = 0;
};

// A streaming call: ServerWriteReactor (ListFlights, DoGet, DoAction, ListActions)
// or ServerBidiReactor (Handshake, DoPut, DoExchange).
// How many messages a call buffers beyond the one in flight, each way: enough
// that handler and gRPC threads rarely wait for each other per message, few
// enough that a stalled peer pins little memory.
inline constexpr size_t kQueuedWrites = 6;
inline constexpr size_t kReadAhead = 4;
// A handler waiting for room is woken only once the queue has drained to this,
// so it then queues several messages in one go: one thread switch per few
// messages instead of one per message (which dominated at 1K-row batches).
inline constexpr size_t kResumeWritesAt = 2;

template <typename Base, typename Request, typename Response>
class ServerCall final : public Base {
 public:
  static constexpr bool kReads = !std::is_void_v<Request>;
  // What reads deliver; a placeholder for calls that do not read.
  using ReadType = std::conditional_t<kReads, Request, int>;
  using Handler = std::function<Status(ServerCall*)>;

  ServerCall(FlightServerBase* server, CallExecutor* executor, CallCounter* counter,
             grpc::CallbackServerContext* context, std::string method)
      : server_(server), executor_(executor), counter_(counter), context_(context, std::move(method), &state_) {
    counter_->Add();
  }

  ~ServerCall() override { counter_->Remove(); }

  // Starts the handler on an executor thread, which starts the first read of a
  // bidi call; a call that finds every handler thread busy is refused at once.
  ServerCall* Launch(Handler handler) {
    if (!executor_->Submit([this, handler = std::move(handler)]() mutable { Run(std::move(handler)); })) {
      this->Finish(ServerBusyStatus(executor_->max_threads()));  // OnDone deletes `this`
    }
    return this;
  }

  GrpcServerCallContext& context() { return context_; }

  // Queues one message to send. Returns at once while fewer than
  // kQueuedWrites messages wait behind the one being written (so the handler
  // does not wait on gRPC for every message), else waits for room: a slow client
  // still slows only its own handler.
  Status Write(Response message) {
    bool start = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      write_idle_.wait(lock, [&] {
        return queued_writes_.size() < kQueuedWrites || write_failed_ || state_.cancelled.load();
      });
      if (write_failed_ || state_.cancelled.load()) {
        return MakeFlightError(FlightStatusCode::Cancelled,
                               "the client cancelled the call or went away while the server was writing");
      }
      state_.headers_sent.store(true);
      if (write_in_flight_) {
        queued_writes_.push_back(std::move(message));
      } else {
        write_buffer_ = std::move(message);
        write_in_flight_ = true;
        start = true;
      }
    }
    if (start) this->StartWrite(&write_buffer_);
    return Status::OK();
  }

  // Called once the client's messages have ended without a cancellation being
  // seen: tells a clean half-close from a client that went away, which gRPC
  // reports the same way (a failed read) and whose cancellation may come later.
  // It sends the response headers now: that succeeds on a half-closed stream and
  // fails on a dead one. Nullopt when the headers already went out (no answer
  // then); otherwise whether the stream is alive.
  std::optional<bool> ConfirmClientFinished() {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      write_idle_.wait(lock, [&] { return !write_in_flight_; });
      if (state_.headers_sent.load() || state_.cancelled.load()) return std::nullopt;
      state_.headers_sent.store(true);
      write_in_flight_ = true;  // the headers occupy the write slot until they are sent
      metadata_send_ok_ = false;
    }
    this->StartSendInitialMetadata();
    std::unique_lock<std::mutex> lock(mutex_);
    write_idle_.wait(lock, [&] { return !write_in_flight_; });
    return metadata_send_ok_;
  }

  void OnSendInitialMetadataDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    write_in_flight_ = false;
    metadata_send_ok_ = ok;
    write_idle_.notify_all();
  }

  // The next message from the client; nullopt once it half-closed (or went away).
  std::optional<ReadType> Read() {
    bool start_read = false;
    std::optional<ReadType> message;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      message_ready_.wait(lock, [&] { return !received_.empty() || reads_finished_; });
      if (received_.empty()) return std::nullopt;
      message = std::move(received_.front());
      received_.pop_front();
      start_read = !reads_finished_ && !read_in_flight_;
      if (start_read) read_in_flight_ = true;
    }
    if (start_read) this->StartRead(&read_buffer_);
    return message;
  }

  // --- Reactions ---

  // OnReadDone overrides a virtual only in the reactors that read (kReads); the
  // write-only reactor has no such virtual, so this shared template cannot say
  // `override`, which clang would otherwise ask for.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winconsistent-missing-override"
#endif
  void OnReadDone(bool ok) {
    if constexpr (kReads) {
      bool restart = false;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        read_in_flight_ = false;
        if (ok) {
          received_.push_back(std::move(read_buffer_));
          read_buffer_ = ReadType();
          // Read ahead a few messages, so the handler rarely waits on gRPC; a
          // handler that falls behind holds back its client by flow control.
          restart = received_.size() < kReadAhead;
          read_in_flight_ = restart;
        } else {
          reads_finished_ = true;
        }
        message_ready_.notify_all();
      }
      if (restart) this->StartRead(&read_buffer_);
    }
  }
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

  void OnWriteDone(bool ok) override {
    bool start = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!ok) {
        write_failed_ = true;
        queued_writes_.clear();
      } else if (!queued_writes_.empty()) {
        write_buffer_ = std::move(queued_writes_.front());
        queued_writes_.pop_front();
        start = true;
      }
      write_in_flight_ = start;
      // Waiters: Write (for room) and the end of the call (for an idle stream).
      if (!start || queued_writes_.size() <= kResumeWritesAt) write_idle_.notify_all();
    }
    if (start) this->StartWrite(&write_buffer_);
  }

  void OnCancel() override {
    state_.cancelled.store(true);
    std::lock_guard<std::mutex> lock(mutex_);
    write_idle_.notify_all();
    message_ready_.notify_all();
  }

  void OnDone() override { delete this; }

 private:
  void Run(Handler handler) {
    if constexpr (kReads) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        read_in_flight_ = true;
      }
      this->StartRead(&read_buffer_);
    }
    Status status = RunServerCall(server_, context_, [&] { return handler(this); });
    handler = nullptr;  // its captures (readers, writers) go before the call ends
    {
      std::unique_lock<std::mutex> lock(mutex_);
      write_idle_.wait(lock, [&] { return !write_in_flight_; });
    }
    grpc::Status final_status = ToGrpcStatus(status, context_.grpc_context());
    executor_->FinishingTask();
    this->Finish(final_status);  // the last touch: OnDone may delete `this` from here on
  }

  FlightServerBase* server_;
  CallExecutor* executor_;
  CallCounter* counter_;
  CallState state_;
  GrpcServerCallContext context_;

  std::mutex mutex_;
  std::condition_variable write_idle_;
  std::condition_variable message_ready_;
  Response write_buffer_;
  bool write_in_flight_ = false;
  bool write_failed_ = false;
  bool metadata_send_ok_ = false;
  std::deque<Response> queued_writes_;  // behind write_buffer_, in order
  ReadType read_buffer_{};
  bool read_in_flight_ = false;
  bool reads_finished_ = false;
  std::deque<ReadType> received_;
};

template <typename Request, typename Response>
using BidiBase = grpc::ServerBidiReactor<Request, Response>;

template <typename Response>
using WriteBase = grpc::ServerWriteReactor<Response>;

class UnaryCall final : public grpc::ServerUnaryReactor {
 public:
  using Handler = std::function<Status(GrpcServerCallContext&)>;

  UnaryCall(FlightServerBase* server, CallExecutor* executor, CallCounter* counter,
            grpc::CallbackServerContext* context, std::string method)
      : server_(server), executor_(executor), counter_(counter), context_(context, std::move(method), &state_) {
    counter_->Add();
  }
  ~UnaryCall() override { counter_->Remove(); }

  UnaryCall* Launch(Handler handler) {
    const bool admitted = executor_->Submit([this, handler = std::move(handler)]() mutable {
      Status status = RunServerCall(server_, context_, [&] { return handler(context_); });
      handler = nullptr;
      grpc::Status final_status = ToGrpcStatus(status, context_.grpc_context());
      executor_->FinishingTask();
      Finish(final_status);  // last touch of `this`
    });
    if (!admitted) Finish(ServerBusyStatus(executor_->max_threads()));  // OnDone deletes `this`
    return this;
  }

  void OnCancel() override { state_.cancelled.store(true); }
  void OnDone() override { delete this; }

 private:
  FlightServerBase* server_;
  CallExecutor* executor_;
  CallCounter* counter_;
  CallState state_;
  GrpcServerCallContext context_;
};

// The handler's view of a data call: FlightData framing on top of the reactor.
// Detach() cuts it off when the handler returns, so a reader or writer that
// outlives the handler fails cleanly instead of touching a finished call.
template <typename Call>
class GrpcServerDataCall final : public ServerDataCall {
 public:
  GrpcServerDataCall(Call* call, MemoryPool* pool) : call_(call), pool_(pool) {}

  void Detach() {
    std::lock_guard<std::mutex> lock(mutex_);
    call_ = nullptr;
  }

  Result<std::optional<FlightDataMessage>> Read() override {
    if constexpr (Call::kReads) {
      QUIVER_ASSIGN_OR_RAISE(Call * call, Get());
      std::optional<grpc::ByteBuffer> message = call->Read();
      if (!message.has_value()) {
        // An upload that ends must have been ended by the client, not cut off: a
        // handler that took a cut-off upload for a complete one would commit it.
        const std::optional<bool> alive = call->ConfirmClientFinished();
        if (call->context().is_cancelled() || (alive.has_value() && !*alive)) {
          return MakeFlightError(FlightStatusCode::Cancelled,
                                 "the client cancelled the call or went away before finishing its messages");
        }
        return std::optional<FlightDataMessage>();
      }
      QUIVER_ASSIGN_OR_RAISE(FlightDataMessage data, DeserializeFlightData(*message, pool_));
      return std::optional<FlightDataMessage>(std::move(data));
    } else {
      return Status::Invalid("this call does not read client messages");
    }
  }

  Status Write(const FlightPayload& payload) override {
    QUIVER_ASSIGN_OR_RAISE(grpc::ByteBuffer message, SerializeFlightData(payload, nullptr));
    QUIVER_ASSIGN_OR_RAISE(Call * call, Get());
    return call->Write(std::move(message));
  }

  Status WritePutResult(std::shared_ptr<Buffer> app_metadata) override {
    QUIVER_ASSIGN_OR_RAISE(grpc::ByteBuffer message, SerializePutResult(app_metadata));
    QUIVER_ASSIGN_OR_RAISE(Call * call, Get());
    return call->Write(std::move(message));
  }

 private:
  Result<Call*> Get() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (call_ == nullptr) return Status::Invalid("the call has ended: its readers and writers are no longer usable");
    return call_;
  }

  std::mutex mutex_;
  Call* call_;
  MemoryPool* pool_;
};

template <typename Call>
class GrpcServerHandshakeStream final : public ServerHandshakeStream {
 public:
  explicit GrpcServerHandshakeStream(Call* call) : call_(call) {}
  Result<std::optional<std::string>> Read() override {
    std::optional<pb::HandshakeRequest> request = call_->Read();
    if (!request.has_value()) return std::optional<std::string>();
    return std::optional<std::string>(std::move(*request->mutable_payload()));
  }
  Status Write(std::string payload) override {
    pb::HandshakeResponse response;
    response.set_payload(std::move(payload));
    return call_->Write(std::move(response));
  }

 private:
  Call* call_;
};

// Parses a small raw request (DoGet's Ticket).
template <typename Message>
Status ParseRawRequest(const grpc::ByteBuffer* request, const char* type_name, Message* out) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (request != nullptr && request->Valid() && request->Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return ParseMessage(bytes, type_name, out);
}

// Every method but Handshake is raw: requests are parsed here (ParseRawRequest),
// so a malformed one is refused with INVALID_ARGUMENT naming the message, rather
// than the bare UNIMPLEMENTED gRPC's generated handlers answer a failed parse with.
using ServiceBase = pb::FlightService::WithCallbackMethod_Handshake<
    pb::FlightService::WithRawCallbackMethod_ListFlights<
        pb::FlightService::WithRawCallbackMethod_GetFlightInfo<
            pb::FlightService::WithRawCallbackMethod_PollFlightInfo<
                pb::FlightService::WithRawCallbackMethod_GetSchema<
                    pb::FlightService::WithRawCallbackMethod_DoGet<
                        pb::FlightService::WithRawCallbackMethod_DoPut<
                            pb::FlightService::WithRawCallbackMethod_DoExchange<
                                pb::FlightService::WithRawCallbackMethod_DoAction<
                                    pb::FlightService::WithRawCallbackMethod_ListActions<
                                        pb::FlightService::Service>>>>>>>>>>;

// Serializes a response message for a raw method.
template <typename Message>
Result<grpc::ByteBuffer> SerializeResponse(const Message& message) {
  grpc::ByteBuffer buffer;
  bool own_buffer = false;
  grpc::Status status = grpc::SerializationTraits<Message>::Serialize(message, &buffer, &own_buffer);
  if (!status.ok()) {
    return Status::SerializationError("cannot serialize the ", message.GetTypeName(), ": ", status.error_message());
  }
  return buffer;
}

using RawWriteCall = ServerCall<WriteBase<grpc::ByteBuffer>, void, grpc::ByteBuffer>;
using RawBidiCall = ServerCall<BidiBase<grpc::ByteBuffer, grpc::ByteBuffer>, grpc::ByteBuffer, grpc::ByteBuffer>;
using HandshakeCall = ServerCall<BidiBase<pb::HandshakeRequest, pb::HandshakeResponse>, pb::HandshakeRequest,
                                 pb::HandshakeResponse>;

class FlightGrpcService final : public ServiceBase {
 public:
  FlightGrpcService(FlightServerBase* server, CallExecutor* executor, CallCounter* counter, MemoryPool* pool)
      : server_(server), executor_(executor), counter_(counter), pool_(pool) {}

  grpc::ServerBidiReactor<pb::HandshakeRequest, pb::HandshakeResponse>* Handshake(
      grpc::CallbackServerContext* context) override {
    auto* call = new HandshakeCall(server_, executor_, counter_, context, "Handshake");
    return call->Launch([server = server_](HandshakeCall* self) {
      GrpcServerHandshakeStream<HandshakeCall> stream(self);
      return ServeHandshake(server, self->context(), &stream);
    });
  }

  grpc::ServerWriteReactor<grpc::ByteBuffer>* ListFlights(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request) override {
    auto* call = new RawWriteCall(server_, executor_, counter_, context, "ListFlights");
    pb::Criteria message;
    Status parsed = ParseRawRequest(request, "Criteria", &message);
    Result<Criteria> criteria = parsed.ok() ? FromProto(message) : Result<Criteria>(parsed);
    return call->Launch([server = server_, criteria = std::move(criteria)](RawWriteCall* self) -> Status {
      if (!criteria.ok()) return criteria.status().WithContext("invalid Criteria");
      QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<FlightListing> listing, server->ListFlights(self->context(), *criteria));
      if (listing == nullptr) return Status::OK();
      while (true) {
        QUIVER_ASSIGN_OR_RAISE(std::optional<FlightInfo> info, listing->Next());
        if (!info.has_value()) return Status::OK();
        pb::FlightInfo response;
        QUIVER_RETURN_NOT_OK(ToProto(*info, &response));
        QUIVER_ASSIGN_OR_RAISE(grpc::ByteBuffer bytes, SerializeResponse(response));
        QUIVER_RETURN_NOT_OK(self->Write(std::move(bytes)));
      }
    });
  }

  grpc::ServerUnaryReactor* GetFlightInfo(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    return Unary(context, "GetFlightInfo", request, [this, response](GrpcServerCallContext& ctx,
                                                              const FlightDescriptor& descriptor) -> Status {
      QUIVER_ASSIGN_OR_RAISE(FlightInfo info, server_->GetFlightInfo(ctx, descriptor));
      pb::FlightInfo message;
      QUIVER_RETURN_NOT_OK(ToProto(info, &message));
      QUIVER_ASSIGN_OR_RAISE(*response, SerializeResponse(message));
      return Status::OK();
    });
  }


  grpc::ServerUnaryReactor* PollFlightInfo(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    return Unary(context, "PollFlightInfo", request, [this, response](GrpcServerCallContext& ctx,
                                                              const FlightDescriptor& descriptor) -> Status {
      QUIVER_ASSIGN_OR_RAISE(PollInfo info, server_->PollFlightInfo(ctx, descriptor));
      pb::PollInfo message;
      QUIVER_RETURN_NOT_OK(ToProto(info, &message));
      QUIVER_ASSIGN_OR_RAISE(*response, SerializeResponse(message));
      return Status::OK();
    });
  }


  grpc::ServerUnaryReactor* GetSchema(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    return Unary(context, "GetSchema", request, [this, response](GrpcServerCallContext& ctx,
                                                              const FlightDescriptor& descriptor) -> Status {
      QUIVER_ASSIGN_OR_RAISE(SchemaResult info, server_->GetSchema(ctx, descriptor));
      pb::SchemaResult message;
      QUIVER_RETURN_NOT_OK(ToProto(info, &message));
      QUIVER_ASSIGN_OR_RAISE(*response, SerializeResponse(message));
      return Status::OK();
    });
  }


  grpc::ServerWriteReactor<grpc::ByteBuffer>* DoGet(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request) override {
    auto* call = new RawWriteCall(server_, executor_, counter_, context, "DoGet");
    pb::Ticket ticket;
    Status parsed = ParseRawRequest(request, "Ticket", &ticket);
    return call->Launch([server = server_, parsed, ticket = Ticket{ticket.ticket()}, pool = pool_](RawWriteCall* self) {
      if (!parsed.ok()) return parsed;
      auto data_call = std::make_shared<GrpcServerDataCall<RawWriteCall>>(self, pool);
      Status status = ServeDoGet(server, self->context(), ticket, data_call);
      data_call->Detach();
      return status;
    });
  }

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* DoPut(grpc::CallbackServerContext* context) override {
    auto* call = new RawBidiCall(server_, executor_, counter_, context, "DoPut");
    return call->Launch([server = server_, pool = pool_](RawBidiCall* self) {
      auto data_call = std::make_shared<GrpcServerDataCall<RawBidiCall>>(self, pool);
      Status status = ServeDoPut(server, self->context(), data_call);
      data_call->Detach();
      return status;
    });
  }

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* DoExchange(
      grpc::CallbackServerContext* context) override {
    auto* call = new RawBidiCall(server_, executor_, counter_, context, "DoExchange");
    return call->Launch([server = server_, pool = pool_](RawBidiCall* self) {
      auto data_call = std::make_shared<GrpcServerDataCall<RawBidiCall>>(self, pool);
      Status status = ServeDoExchange(server, self->context(), data_call);
      data_call->Detach();
      return status;
    });
  }

  grpc::ServerWriteReactor<grpc::ByteBuffer>* DoAction(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request) override {
    auto* call = new RawWriteCall(server_, executor_, counter_, context, "DoAction");
    pb::Action message;
    Status parsed = ParseRawRequest(request, "Action", &message);
    Result<Action> action = parsed.ok() ? FromProto(message) : Result<Action>(parsed);
    return call->Launch([server = server_, action = std::move(action)](RawWriteCall* self) -> Status {
      if (!action.ok()) return action.status().WithContext("invalid Action");
      QUIVER_ASSIGN_OR_RAISE(std::unique_ptr<ResultStream> results, ServeDoAction(server, self->context(), *action));
      while (true) {
        QUIVER_ASSIGN_OR_RAISE(std::optional<FlightResult> result, results->Next());
        if (!result.has_value()) return Status::OK();
        pb::Result response;
        QUIVER_RETURN_NOT_OK(ToProto(*result, &response));
        QUIVER_ASSIGN_OR_RAISE(grpc::ByteBuffer bytes, SerializeResponse(response));
        QUIVER_RETURN_NOT_OK(self->Write(std::move(bytes)));
      }
    });
  }

  grpc::ServerWriteReactor<grpc::ByteBuffer>* ListActions(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request) override {
    auto* call = new RawWriteCall(server_, executor_, counter_, context, "ListActions");
    pb::Empty empty;
    Status parsed = ParseRawRequest(request, "Empty", &empty);
    return call->Launch([server = server_, parsed](RawWriteCall* self) -> Status {
      if (!parsed.ok()) return parsed.WithContext("invalid ListActions request");
      QUIVER_ASSIGN_OR_RAISE(std::vector<ActionType> types, server->ListActions(self->context()));
      for (const ActionType& type : types) {
        pb::ActionType response;
        QUIVER_RETURN_NOT_OK(ToProto(type, &response));
        QUIVER_ASSIGN_OR_RAISE(grpc::ByteBuffer bytes, SerializeResponse(response));
        QUIVER_RETURN_NOT_OK(self->Write(std::move(bytes)));
      }
      return Status::OK();
    });
  }

 private:
  template <typename Body>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const char* method,
                                  const grpc::ByteBuffer* request, Body body) {
    auto* call = new UnaryCall(server_, executor_, counter_, context, method);
    pb::FlightDescriptor message;
    Status parsed = ParseRawRequest(request, "FlightDescriptor", &message);
    Result<FlightDescriptor> descriptor = parsed.ok() ? FromProto(message) : Result<FlightDescriptor>(parsed);
    return call->Launch([descriptor = std::move(descriptor), body = std::move(body)](GrpcServerCallContext& ctx) {
      if (!descriptor.ok()) return descriptor.status().WithContext("invalid FlightDescriptor");
      return body(ctx, *descriptor);
    });
  }

  FlightServerBase* server_;
  CallExecutor* executor_;
  CallCounter* counter_;
  MemoryPool* pool_;
};

class GrpcServerTransport final : public ServerTransport {
 public:
  GrpcServerTransport(FlightServerBase* server, MemoryPool* pool, Location location, int max_handler_threads)
      : executor_(max_handler_threads),
        service_(server, &executor_, &counter_, pool),
        location_(std::move(location)) {}

  ~GrpcServerTransport() override { (void)Shutdown(std::nullopt); }

  Status Start(const FlightServerOptions& options) {
    grpc::ServerBuilder builder;
    std::shared_ptr<grpc::ServerCredentials> credentials;
    const std::string& scheme = location_.scheme();
    std::string address;
    if (scheme == kSchemeGrpcTls) {
      if (options.tls_certificates.empty()) {
        return Status::Invalid("a grpc+tls location needs FlightServerOptions::tls_certificates");
      }
      grpc::SslServerCredentialsOptions ssl(options.verify_client
                                                ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                                : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
      ssl.pem_root_certs = options.root_certificates;
      for (const CertKeyPair& pair : options.tls_certificates) {
        ssl.pem_key_cert_pairs.push_back({pair.pem_key, pair.pem_cert});
      }
      credentials = grpc::SslServerCredentials(ssl);
    } else if (scheme == kSchemeGrpc || scheme == kSchemeGrpcTcp || scheme == kSchemeGrpcUnix) {
      credentials = grpc::InsecureServerCredentials();
    } else {
      return Status::NotImplemented("cannot serve a ", scheme, " location (grpc, grpc+tcp, grpc+tls or grpc+unix)");
    }
    if (scheme == kSchemeGrpcUnix) {
      if (location_.path().empty()) return Status::Invalid("expected a socket path in '", location_.uri(), "'");
      address = "unix:" + location_.path();
    } else {
      if (location_.host().empty() || location_.port() < 0) {
        return Status::Invalid("expected host and port in the location '", location_.uri(), "'");
      }
      const std::string& host = location_.host();
      address = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(location_.port());
    }

    int selected_port = 0;
    builder.AddListeningPort(address, credentials, scheme == kSchemeGrpcUnix ? nullptr : &selected_port);
    builder.RegisterService(&service_);
    const int64_t max_receive = options.max_receive_message_bytes;
    builder.SetMaxReceiveMessageSize(max_receive < 0 || max_receive > INT_MAX ? -1 : static_cast<int>(max_receive));
    builder.SetMaxSendMessageSize(-1);
    for (const auto& [key, value] : options.generic_options) {
      if (const int* number = std::get_if<int>(&value)) {
        builder.AddChannelArgument(key, *number);
      } else {
        builder.AddChannelArgument(key, std::get<std::string>(value));
      }
    }
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || (scheme != kSchemeGrpcUnix && selected_port == 0)) {
      server_.reset();
      return Status::IOError("could not listen on ", address, " (in use, or not a local address?)");
    }
    if (scheme == kSchemeGrpcUnix) {
      port_ = -1;
    } else {
      port_ = selected_port;
      QUIVER_ASSIGN_OR_RAISE(location_, scheme == kSchemeGrpcTls ? Location::ForGrpcTls(location_.host(), port_)
                                                                  : Location::ForGrpcTcp(location_.host(), port_));
    }
    return Status::OK();
  }

  int port() const override { return port_; }
  const Location& location() const override { return location_; }

  Status Shutdown(std::optional<std::chrono::system_clock::time_point> deadline) override {
    std::lock_guard<std::mutex> lock(shutdown_mutex_);
    if (server_ == nullptr || shut_down_) return Status::OK();
    shut_down_ = true;
    if (deadline.has_value()) {
      server_->Shutdown(*deadline);
    } else {
      server_->Shutdown();
    }
    // Every reactor ends with its handler's Finish; wait for the last OnDone, then
    // for the handler threads.
    counter_.WaitIdle();
    executor_.Shutdown();
    return Status::OK();
  }

 private:
  CallExecutor executor_;
  CallCounter counter_;
  FlightGrpcService service_;
  std::unique_ptr<grpc::Server> server_;
  Location location_;
  int port_ = -1;
  std::mutex shutdown_mutex_;
  bool shut_down_ = false;
};

}  // namespace

Result<std::unique_ptr<ServerTransport>> MakeGrpcServerTransport(FlightServerBase* server,
                                                                 const FlightServerOptions& options) {
  // Large messages: see quiver/flight/malloc_tuning.h. Before gRPC starts its
  // threads, so that they share malloc's one arena with the rest.
  TuneMallocForLargeMessages();
  KeepGrpcInitialized();
  if (options.max_handler_threads < 0) {
    return Status::Invalid("FlightServerOptions::max_handler_threads must be 0 (no limit) or more, not ",
                           options.max_handler_threads);
  }
  auto transport = std::make_unique<GrpcServerTransport>(server, options.read_options.pool, options.location,
                                                         options.max_handler_threads);
  QUIVER_RETURN_NOT_OK(transport->Start(options));
  return std::unique_ptr<ServerTransport>(std::move(transport));
}

}  // namespace quiver::flight::internal
