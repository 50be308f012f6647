// The range of every number ernsim takes, on the command line and in suite files (docs/verification.md,
// "Input limits"); the help texts and the errors quote them from here.
#pragma once

#include <cstdint>

#include "sim/testbench/memory.h"

namespace ernsim {

struct UintRange {
  uint64_t lo, hi;
};
struct RealRange {
  double lo, hi;
};
constexpr UintRange kSeedRange{0, UINT64_MAX};
constexpr UintRange kSizeRange{1, 8192};  // input size (a zoo model needs a multiple of 32)
constexpr UintRange kImagesRange{1, 10000};
constexpr UintRange kWatchdogRange{100, 1000000000};
constexpr UintRange kMaxRowsRange{0, 8192};
constexpr RealRange kClockMhzRange{1, 10000};
constexpr RealRange kBandwidthRange{kMinBytesPerCycle, kMaxBytesPerCycle};
constexpr UintRange kLatencyRange{0, kMaxLatencyCycles};
constexpr UintRange kLayerRange{0, 100000};  // a layer index (the model bounds it further)
constexpr UintRange kCountRange{1, 100000};  // random layers or networks per item
constexpr UintRange kJobsRange{1, 1024};
constexpr UintRange kRtlParameterRange{1, 256};  // sweep values; the configuration checks each further
constexpr UintRange kShardsRange{1, 100000};
constexpr UintRange kSlurmShardsRange{1, 1000};  // regress --slurm: array tasks
constexpr RealRange kPollRange{0.2, 600};        // regress --slurm: seconds between squeue queries
constexpr UintRange kBatchRange{1, 10000};       // random layers per regress-layers process
constexpr uint64_t kMaxSuiteItems = 1000000;
constexpr RealRange kTimeoutRange{0.001, 604800};  // seconds: up to a week

}  // namespace ernsim
