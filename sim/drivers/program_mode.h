// Whole-network inference on the accelerator: the host driver writes the image, starts the
// program through the registers, waits for it, reads the performance counters and every tensor
// back from memory, and scores each layer's outputs against the golden model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/golden.h"
#include "models/network.h"
#include "sim/compiler/program.h"
#include "sim/drivers/scoreboard.h"
#include "sim/hw_config.h"
#include "sim/testbench/accel_port.h"

namespace ernsim {

struct LayerRunReport {
  int index = 0;
  std::string name;
  int jobs = 0;
  uint64_t cycles = 0;          // attributed to the layer: its compute and what the engine waited
  uint64_t compute_cycles = 0;  // the engine busy with its jobs
  uint64_t load_stall_cycles = 0;
  uint64_t store_stall_cycles = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  int64_t macs = 0;
  double utilization = 0;  // MACs / (cycles x peak MACs per cycle)
  int64_t mismatches = 0;
  // The cycles [start_cycle, end_cycle) in which the compute stage worked on the layer (the last
  // image's), counted as --trace-window counts them: a layer's window in a waveform.
  uint64_t start_cycle = 0, end_cycle = 0;
};

struct NetworkRunReport {
  uint64_t total_cycles = 0;  // from start to done, per image (the last image's when several)
  std::vector<LayerRunReport> layers;
  std::vector<std::vector<float>> logits;  // per image
  uint64_t overflows = 0;
};

// The error of a run in which `count` residual-stream values of image `image` did not fit the
// stream width, the first of them in layer `layer`.
std::string stream_overflow_error(const HwConfig& config, const Network& net, size_t image, uint64_t count, int layer);

// The same as the golden model predicts it: values of the streams the network writes (out_int)
// outside the configured width, and the first layer holding one (-1: none). Exact as long as no
// later layer reads an overflowing stream.
struct StreamOverflows {
  uint64_t count = 0;
  int first_layer = -1;
};
StreamOverflows golden_stream_overflows(const HwConfig& config, const Network& net, const GoldenResult& golden);

// Runs the program for each image (memory must hold the model: write_model).
NetworkRunReport run_network(AccelPort& accel, const HwConfig& config, const Network& net, const Program& program,
                             const std::vector<ActTensor>& images, const std::vector<GoldenResult>& golden,
                             Scoreboard& scoreboard);

}  // namespace ernsim
