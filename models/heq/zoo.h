// The HEQ model zoo (heq-semantics.md section 3): VGG-Small with n = 3, 5, 7 weight levels and
// 2-bit activations (CIFAR-10), and VGG-11 / ORNet-11 / MUXORNet-11 with ternary weights and binary
// activations (STL-10). Seeded random proxy weights quantized by eq. 1 with the HEQ step of eq. 3;
// thresholds calibrated on seeded synthetic images so that activations are neither all 0 nor all 1
// and MUX gates are mixed. No trained weights exist; accuracy is not claimed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/heq/network.h"

namespace ernsim::heq {

enum class ZooFamily : uint8_t { kVggSmall, kVgg11, kOrNet11, kMuxOrNet11 };

struct ZooModel {
  std::string name;  // "VGG-Small-W3", ..., "MUXORNet-11"
  ZooFamily family;
  int levels;        // weight codes n
  int default_size;  // 32 (CIFAR-10) or 96 (STL-10)
  int64_t paper_conv_params;
  double paper_top1;  // the paper's accuracy, percent
};

const std::vector<ZooModel>& zoo_models();
// Case-insensitive; nullptr when `name` is not an HEQ zoo model.
const ZooModel* find_zoo_model(const std::string& name);

// The network at size x size (a multiple of 8, 8..2048: three 2x2 pools), 10 classes.
Network build_zoo_network(const ZooModel& model, int size, uint64_t seed = 1);

// Conv weights of the model (the FC excluded, as the paper counts), from the structure alone.
int64_t zoo_conv_params(const ZooModel& model);

}  // namespace ernsim::heq
