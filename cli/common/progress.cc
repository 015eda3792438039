#include "common/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace quiver::cli {

std::string HumanBytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof(text), "%.0f B", bytes);
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", bytes, kUnits[unit]);
  }
  return text;
}

Progress::Progress(std::string label, int64_t total_bytes, int64_t total_rows, bool enabled)
    : label_(std::move(label)),
      total_bytes_(total_bytes),
      total_rows_(total_rows),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

Progress::~Progress() { Finish(); }

bool Progress::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::Add(int64_t bytes, int64_t rows) {
  std::lock_guard<std::mutex> guard(mutex_);
  bytes_ += bytes;
  rows_ += rows;
  if (enabled_) Draw(false);
}

void Progress::Finish(bool complete) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> guard(mutex_);
  if (finished_) return;
  finished_ = true;
  if (complete) {
    bytes_ = std::max(bytes_, total_bytes_);
    rows_ = std::max(rows_, total_rows_);
  }
  Draw(true);
}

std::string Progress::Render(std::chrono::steady_clock::time_point now) const {
  std::lock_guard<std::mutex> guard(mutex_);
  return RenderLocked(now);
}

std::string Progress::RenderLocked(std::chrono::steady_clock::time_point now) const {
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // The fraction done: by rows when their total is known, else by bytes.
  double fraction = -1;
  double remaining_units = 0;
  double done_units = 0;
  if (total_rows_ > 0) {
    fraction = std::min(1.0, static_cast<double>(rows_) / static_cast<double>(total_rows_));
    done_units = static_cast<double>(rows_);
    remaining_units = std::max(0.0, static_cast<double>(total_rows_ - rows_));
  } else if (total_bytes_ > 0) {
    fraction = std::min(1.0, static_cast<double>(bytes_) / static_cast<double>(total_bytes_));
    done_units = static_cast<double>(bytes_);
    remaining_units = std::max(0.0, static_cast<double>(total_bytes_ - bytes_));
  }
  std::string line = label_;
  char part[96];
  if (fraction >= 0) {
    constexpr int kWidth = 20;
    const int filled = static_cast<int>(fraction * kWidth);
    line += " [" + std::string(static_cast<size_t>(filled), '#') +
            std::string(static_cast<size_t>(kWidth - filled), '.') + "]";
    std::snprintf(part, sizeof(part), " %3d%%", static_cast<int>(fraction * 100));
    line += part;
  }
  line += "  " + HumanBytes(static_cast<double>(bytes_));
  if (total_bytes_ > 0) line += " / " + HumanBytes(static_cast<double>(total_bytes_));
  line += "  " + std::to_string(rows_);
  if (total_rows_ >= 0) line += " / " + std::to_string(total_rows_);
  line += " rows";
  if (seconds > 0) {
    line += "  " + HumanBytes(static_cast<double>(bytes_) / seconds) + "/s";
    if (fraction >= 0 && fraction < 1 && done_units > 0) {
      const auto eta = static_cast<int64_t>(remaining_units / (done_units / seconds));
      std::snprintf(part, sizeof(part), "  ETA %lld:%02lld", static_cast<long long>(eta / 60),
                    static_cast<long long>(eta % 60));
      line += part;
    }
  }
  return line;
}

void Progress::Draw(bool final) {
  const auto now = std::chrono::steady_clock::now();
  if (!final && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::string line = RenderLocked(now);
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 10 &&
      line.size() >= size.ws_col) {
    line.resize(size.ws_col - 1);
  }
  // Carriage return, the line, then erase what a longer previous line left.
  std::cerr << '\r' << line << "\x1b[K";
  if (final) std::cerr << '\n';
  std::cerr << std::flush;
}

}  // namespace quiver::cli
