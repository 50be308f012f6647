// A progress bar with an ETA on standard error, for commands that take long (regress, run, synth,
// sweep): on a terminal one line rewritten in place, in a log at most a line per tenth.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace ernsim {

// "1h02m", "3m05s", "7s".
std::string format_duration(double seconds);

class Progress {
 public:
  // `enabled` false (--quiet) prints nothing; the ETA extrapolates the time per unit done so far.
  Progress(size_t total, bool enabled);
  // `detail` follows the count ("  pass 3  fail 0", " layers").
  void update(size_t done, const std::string& detail = "");
  // A line above the bar (a failure), keeping the bar last on a terminal.
  void message(const std::string& text);
  // Ends the bar's line on a terminal.
  void finish();

 private:
  size_t total_;
  bool enabled_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  size_t last_printed_ = 0;
};

}  // namespace ernsim
