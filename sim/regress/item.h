// What `ernsim regress` knows about one item of a suite, shared by the local runner (runner.cc),
// the cycle baselines (baseline.cc), the Slurm submission (slurm.cc) and the reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ernsim {

enum class Status { kPassed, kFailed, kSkipped };

// How an item failed, as JUnit tells them apart: a mismatch or failed check (exit status 1), a
// timeout, a crash (killed by a signal) or an error (the item could not run: exit status 2 or 3).
enum class FailureKind { kMismatch, kTimeout, kCrash, kError };

struct Failure {
  FailureKind kind = FailureKind::kMismatch;
  std::string what;
  std::string repro;                    // one command line
  std::vector<std::string> repro_args;  // the same, as ernsim arguments (for --keep-failing)
  uint64_t seed = 0;                    // random-layers only: the failing layer
};

struct LayerCycles {
  int index = 0;
  std::string name;
  uint64_t cycles = 0;
};

struct Item {
  std::string id;  // unique in the suite, e.g. "random-layers/small/1000-1049"
  std::string kind;
  std::string config;
  std::vector<std::string> args;  // ernsim arguments
  std::string skip_reason;        // non-empty: not run
  uint64_t first_seed = 0;
  int count = 0;
  // Results.
  Status status = Status::kSkipped;
  double seconds = 0;
  std::string output;
  std::vector<Failure> failures;
  // Fixtures and zoo models that ran to the end: the RTL's cycles (0 and empty otherwise).
  uint64_t total_cycles = 0;
  std::vector<LayerCycles> layer_cycles;
};

const char* status_name(Status status);
// "mismatch", "timeout", "crash" or "error".
const char* failure_kind_name(FailureKind kind);

// `args` as one line that a shell runs as ernsim with exactly these arguments.
std::string command_line(const std::vector<std::string>& args);

}  // namespace ernsim
