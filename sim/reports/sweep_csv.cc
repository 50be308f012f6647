#include "sim/reports/sweep_csv.h"

#include <fmt/core.h>

#include "sim/reports/escape.h"

namespace ernsim {

std::string sweep_csv(const std::vector<const SweepPoint*>& points, bool with_device) {
  std::string csv = "pe_out,pe_pix,mem_bytes,bytes_per_cycle,fits,cycles,fps,utilization,lut,ff,bram18,uram,dsp,"
                    "fps_per_klut,pareto,extrapolated,fits_device,reason\n";
  for (const SweepPoint* p : points) {
    const std::string fits_device = !with_device || !p->fits ? "" : p->fits_device ? "1" : "0";
    csv += fmt::format("{},{},{},{:g},{},{},{:.3f},{:.4f},{:.0f},{:.0f},{:.0f},{:.0f},{:.0f},{:.4f},{},{},{},{}\n",
                       p->pe_out, p->pe_pix, p->mem_bytes, p->bandwidth, p->fits ? 1 : 0, p->cycles, p->fps,
                       p->utilization, p->resources.lut, p->resources.ff, p->resources.bram18, p->resources.uram,
                       p->resources.dsp, p->fits ? p->fps * 1000 / p->resources.lut : 0.0, p->pareto ? 1 : 0,
                       p->extrapolated.empty() ? 0 : 1, fits_device, csv_field(p->reason));
  }
  return csv;
}

}  // namespace ernsim
