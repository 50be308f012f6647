// One point of a design-space sweep (`ernsim sweep`): a configuration derived from a base one, and
// what the latency and resource estimators say of a model on it; the Pareto front of the points.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/network.h"
#include "sim/compiler/program.h"
#include "sim/device.h"
#include "sim/estimators/resource_model.h"
#include "sim/hw_config.h"

namespace ernsim {

struct SweepPoint {
  int pe_out = 0, pe_pix = 0, mem_bytes = 0;
  double bandwidth = 0;
  std::string config_name;
  bool fits = false;
  std::string reason;
  uint64_t cycles = 0;
  double fps = 0, utilization = 0;
  Resources resources;
  bool pareto = false;
  std::string extrapolated;  // why the resource estimate extrapolates its calibration, or ""
  bool fits_device = true;   // within the device's budget (every resource), when there is one
};

// `base` with the array and memory of one point (buffer depths stay per bank, so they scale with
// the array), named "BASE-oPEOUT-pPEPIX-mMEMBYTES-bBANDWIDTH", and `net` estimated on it at `mhz`.
// A configuration that is invalid or that the model does not fit gives fits = false and the reason.
SweepPoint estimate_sweep_point(const Network& net, const HwConfig& base, int pe_out, int pe_pix, int mem_bytes,
                                double bandwidth, const CompileOptions& compile, const Device* device, double mhz);

// Marks the Pareto front of FPS against LUTs among the points that fit: a point is on it when no
// other has at most its LUTs and at least its FPS, and fewer LUTs or more FPS.
void mark_pareto(std::vector<SweepPoint>& points);

}  // namespace ernsim
