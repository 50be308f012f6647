#include "sim/estimators/sweep.h"

#include <fmt/core.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "sim/estimators/latency_model.h"

namespace ernsim {

SweepPoint estimate_sweep_point(const Network& net, const HwConfig& base, int pe_out, int pe_pix, int mem_bytes,
                                double bandwidth, const CompileOptions& compile, const Device* device, double mhz) {
  SweepPoint p;
  p.pe_out = pe_out;
  p.pe_pix = pe_pix;
  p.mem_bytes = mem_bytes;
  p.bandwidth = bandwidth;
  p.config_name = fmt::format("{}-o{}-p{}-m{}-b{:g}", base.name, pe_out, pe_pix, mem_bytes, bandwidth);
  nlohmann::json j;
  j["name"] = p.config_name;
  j["rtl"] = base.rtl;
  j["rtl"]["PeOut"] = pe_out;
  j["rtl"]["PePix"] = pe_pix;
  j["rtl"]["MemBytes"] = mem_bytes;
  j["memory"] = {{"bytes_per_cycle", bandwidth}, {"latency_cycles", base.memory.latency_cycles}};
  try {
    const HwConfig config = hw_config_from_json(j, p.config_name);
    const Program program = compile_program(net, config, compile);
    const LatencyEstimate latency = estimate_latency(net, program, config);
    p.resources = estimate_resources(config, device ? device->family : DeviceFamily::kSeries7).total;
    p.extrapolated = resource_extrapolation(config);
    if (device) p.fits_device = fits(device_use(p.resources, *device));
    p.cycles = latency.total_cycles;
    p.fps = mhz * 1e6 / static_cast<double>(p.cycles);
    p.utilization = config.utilization(net.macs(), p.cycles);
    p.fits = true;
  } catch (const Error& e) {
    p.reason = e.what();
  }
  return p;
}

void mark_pareto(std::vector<SweepPoint>& points) {
  for (SweepPoint& p : points) {
    p.pareto = p.fits && std::none_of(points.begin(), points.end(), [&](const SweepPoint& q) {
                 return q.fits && &q != &p && q.resources.lut <= p.resources.lut && q.fps >= p.fps &&
                        (q.resources.lut < p.resources.lut || q.fps > p.fps);
               });
  }
}

}  // namespace ernsim
