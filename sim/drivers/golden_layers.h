// Runs chosen layers of a network on the engine, each fed the golden input of that layer, and
// scores every output tensor against the golden model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/golden.h"
#include "models/network.h"
#include "sim/drivers/layer_mode.h"
#include "sim/drivers/scoreboard.h"
#include "sim/hw_config.h"
#include "sim/testbench/engine_port.h"

namespace ernsim {

struct LayerReport {
  int index = 0;
  std::string name;
  std::string shape;  // "Cin x H x W -> Cout x H' x W'"
  std::string kind;   // "3x3/s2", "1x1/s1", "embed"
  LayerRunStats stats;
  int64_t macs = 0;
  double utilization = 0;  // MACs / (cycles x peak MACs per cycle)
  int64_t mismatches = 0;
};

// The layer case of network layer `index` with its golden inputs.
LayerCase network_layer_case(const Network& net, int index, const GoldenResult& golden);

// Compares a layer's engine outputs with the golden tensors; returns the mismatching elements and
// records overflows and tile errors as scoreboard errors.
int64_t score_layer(Scoreboard& scoreboard, const Network& net, int index, const GoldenResult& golden,
                    const LayerOutputs& outputs, const LayerRunStats& stats);

std::vector<LayerReport> run_network_layers(EnginePort& port, const HwConfig& config, const Network& net,
                                            const GoldenResult& golden, const std::vector<int>& layers,
                                            Scoreboard& scoreboard);

}  // namespace ernsim
