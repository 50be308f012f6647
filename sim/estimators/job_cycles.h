// The timing model of the engine: cycles of a job from the start pulse to the done pulse, in closed
// form (docs/rtl.md, "Timing"). Every test that runs the engine checks it against the RTL.
#pragma once

#include <cstdint>

#include "job_descriptor.h"

namespace ernsim {

uint64_t predicted_job_cycles(const JobDescriptor& desc);

}  // namespace ernsim
