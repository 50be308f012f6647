// The SVG pictures of the commands: per-layer cycles (`run --plot`, `estimate --plot`) and the
// design-space sweep (`sweep --svg`).
#pragma once

#include <string>
#include <vector>

#include "sim/device.h"
#include "sim/drivers/program_mode.h"
#include "sim/estimators/resource_model.h"
#include "sim/estimators/sweep.h"

namespace ernsim {

// SVG: per layer a bar of its cycles split into compute, load stall and store stall, and its PE
// utilization as a line on the right-hand axis; the bars get narrower and the labels sparser as
// layers grow, so a 109-layer network stays readable.
std::string layer_plot_svg(const std::vector<LayerRunReport>& layers, const std::string& title);

struct SweepPlotOptions {
  std::string title;
  double paper_lut = 0, paper_fps = 0;  // a reference point (paper_lut 0: none)
  std::string paper_label;
  const Device* device = nullptr;  // draw its LUT budget, fade the points over it
};

// SVG: FPS against LUTs, a point per configuration that fits (coloured by PePix), the Pareto front
// (SweepPoint::pareto) labelled with labels that overlap neither each other nor a point, the
// extrapolated points ringed, the reference point and the device's budget, with a legend.
std::string sweep_plot_svg(const std::vector<SweepPoint>& points, const SweepPlotOptions& options);

}  // namespace ernsim
