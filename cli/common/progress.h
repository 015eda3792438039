// A one-line progress bar on stderr for get and put:
//
//   get sales/2024 [##########..........]  48%  1.2 MiB / 2.5 MiB  10000 / 20834 rows  3.1 MiB/s  ETA 0:01
//
// Drawn only when stderr is a terminal and -q was not given (enabled == false draws
// nothing), redrawn at most ten times a second, and ended with a newline
// by Finish(). Totals come from the FlightInfo (get) or the input file (put); an
// unknown total (-1) shows counts and rate without a bar or ETA. The fraction done is
// by rows when their total is known (exact), else by bytes. Thread-safe: get's
// parallel endpoint fetches add to one bar.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace quiver::cli {

class Progress {
 public:
  Progress(std::string label, int64_t total_bytes, int64_t total_rows, bool enabled);
  ~Progress();

  /// True when stderr is a terminal: the default for `enabled` unless -q.
  static bool StderrIsTerminal();

  void Add(int64_t bytes, int64_t rows);
  /// Draws the final state and ends the line. Idempotent. `complete` says the
  /// transfer finished: the bar then shows the totals reached (the bytes counted
  /// along the way are the batches' sizes, a little less than a file's size).
  void Finish(bool complete = false);

  /// The line as it would be drawn at `now` (counts are kept even when not drawing).
  std::string Render(std::chrono::steady_clock::time_point now) const;

 private:
  std::string RenderLocked(std::chrono::steady_clock::time_point now) const;
  void Draw(bool final);

  mutable std::mutex mutex_;
  std::string label_;
  int64_t total_bytes_;
  int64_t total_rows_;
  bool enabled_;
  bool finished_ = false;
  int64_t bytes_ = 0;
  int64_t rows_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// "1.5 KiB", "12.0 MiB", "512 B".
std::string HumanBytes(double bytes);

}  // namespace quiver::cli
