#include "sim/progress.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>

namespace ernsim {

std::string format_duration(double seconds) {
  const int s = static_cast<int>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02}m", s / 3600, s / 60 % 60)
         : s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60)
                   : fmt::format("{}s", s);
}

Progress::Progress(size_t total, bool enabled)
    : total_(total), enabled_(enabled), tty_(isatty(2) != 0), start_(std::chrono::steady_clock::now()) {}

void Progress::update(size_t done, const std::string& detail) {
  if (!enabled_) return;
  if (done > total_) done = total_;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = done ? elapsed / static_cast<double>(done) * static_cast<double>(total_ - done) : 0;
  const int width = 30;
  const int filled = total_ ? static_cast<int>(width * done / total_) : width;
  const std::string line =
      fmt::format("[{}{}] {}/{}{}  {} elapsed, ETA {}", std::string(static_cast<size_t>(filled), '#'),
                  std::string(static_cast<size_t>(width - filled), '.'), done, total_, detail, format_duration(elapsed),
                  done ? format_duration(eta) : std::string("?"));
  if (tty_) {
    fmt::print(stderr, "\r{}\033[K", line);
  } else if (done != last_printed_ && (done == total_ || done * 10 / total_ != last_printed_ * 10 / total_)) {
    fmt::print(stderr, "{}\n", line);  // logs get a line per tenth, not a carriage-return stream
    last_printed_ = done;
  }
  std::fflush(stderr);
}

void Progress::message(const std::string& text) {
  if (tty_ && enabled_) fmt::print(stderr, "\r\033[K");
  fmt::print(stderr, "{}", text);
}

void Progress::finish() {
  if (tty_ && enabled_) fmt::print(stderr, "\n");
}

}  // namespace ernsim
