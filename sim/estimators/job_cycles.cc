#include "sim/estimators/job_cycles.h"

namespace ernsim {

namespace {

// Fixed pipeline latency of a job beyond its steps (docs/rtl.md, "Timing").
constexpr uint64_t kConvLatency = 7;
constexpr uint64_t kEmbedLatency = 4;

}  // namespace

uint64_t predicted_job_cycles(const JobDescriptor& d) {
  if (d.op == static_cast<uint64_t>(JobOp::kEmbed)) return d.out_rows * d.in_width + kEmbedLatency;
  const uint64_t taps = d.paired ? 6 : d.kernel3 ? 9 : 1;
  return d.og_count * d.out_rows * d.out_pgs * taps * d.in_blocks + kConvLatency;
}

}  // namespace ernsim
