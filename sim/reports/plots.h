// The SVG pictures of the commands: per-layer cycles (`run --plot`, `estimate --plot`) and the
// design-space sweep (`sweep --svg`).
#pragma once

#include <string>
#include <vector>

#include "sim/drivers/program_mode.h"
#include "sim/estimators/resource_model.h"

namespace ernsim {

// SVG: per layer a bar of its cycles split into compute, load stall and store stall, and its PE
// utilization as a line on the right-hand axis; the bars get narrower and the labels sparser as
// layers grow, so a 109-layer network stays readable.
std::string layer_plot_svg(const std::vector<LayerRunReport>& layers, const std::string& title);

// One configuration of a sweep: its array and memory, and what the estimators say of the model on it.
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
};

// SVG: FPS against LUTs, a point per configuration that fits (coloured by PePix), the Pareto front
// (SweepPoint::pareto) labelled, and a reference point (`paper_lut` 0: none).
std::string sweep_plot_svg(const std::vector<SweepPoint>& points, const std::string& title, double paper_lut,
                           double paper_fps, const std::string& paper_label);

}  // namespace ernsim
