// Per-layer results as a table and a picture: `run --csv/--plot` and `estimate --csv/--plot`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/drivers/program_mode.h"

namespace ernsim::cli {

// One extra column: its header and a value per layer.
using LayerColumn = std::pair<std::string, std::vector<double>>;

// CSV, one row per layer: index, name, jobs, cycles, compute and stall cycles, bytes, MACs,
// utilization, then `extra` columns.
std::string layer_csv(const std::vector<LayerRunReport>& layers, const std::vector<LayerColumn>& extra = {});

// SVG: per layer a bar of its cycles split into compute, load stall and store stall, and its PE
// utilization as a line on the right-hand axis; the bars get narrower and the labels sparser as
// layers grow, so a 109-layer network stays readable.
std::string layer_plot_svg(const std::vector<LayerRunReport>& layers, const std::string& title);

}  // namespace ernsim::cli
