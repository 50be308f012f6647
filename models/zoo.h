// The ERN model zoo (ern-semantics.md section 3): the five published Efficiera Residual Networks,
// built with exactly the structure of the official ONNX export (same layers, names, order, scales
// and tensors as models/onnx_import.cc produces from it) but with seeded random binary weights and
// thresholds calibrated on synthetic images, so that every 2-bit level occurs.
//
// Everything is deterministic for a seed and independent of the platform: random numbers come
// straight from std::mt19937_64's 64-bit outputs (whose sequence the standard fixes), never from
// the implementation-defined std:: distributions, and calibration is integer-only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/network.h"
#include "models/tensor.h"

namespace ernsim {

struct ZooModel {
  std::string name;           // "ERNs18-0.75x", "ERNs18", "ERNs34", "ERNs50", "ERNs101"
  bool bottleneck;            // bottleneck blocks (expansion 4) instead of basic blocks
  std::array<int, 4> blocks;  // residual blocks per stage
  int last_width;             // width (planes) of stage 4; stages 1-3 are 64, 128, 256
  double paper_weight_mib;    // binary weights / 8 / 2^20, as the paper reports
  double paper_fps_256;       // paper's KV260 frames per second at 256x256
  double paper_top1;          // paper's ImageNet top-1 (TTA), percent
  double paper_gops_256 = 0;  // paper's GOPs at 256x256 (2 x MACs, with a 3x3 fourth stem conv)
};

// The five models, in the order of the paper's table.
const std::vector<ZooModel>& zoo_models();

// Case-insensitive; "ERNs18x075" (the fixture's spelling) is accepted for ERNs18-0.75x. An unknown
// name throws Error listing the valid ones.
const ZooModel& find_zoo_model(const std::string& name);

// The network for size x size uint8 RGB input (size a positive multiple of 32, at most 8192) with
// seeded random binary weights, seeded channel-wise scales (power-of-2 convs use 1/32 exactly) and
// thresholds calibrated on two zoo_images of the same size (a gradient and a noise image, with a
// seed derived from `seed`): per channel, the three thresholds sit at jittered quantiles of the
// observed stream values (strictly inside their range, so that all four levels occur); about 20%
// of the channels use the decreasing mode and about 2% the constant mode. Throws Error on a bad
// size or class count.
// kStructure skips what only inference needs (weights stay all -1, thresholds are placeholders):
// the shapes, scales and bounds are those of the calibrated network, which is what estimators need.
enum class ZooDetail { kCalibrated, kStructure };
Network build_zoo_network(const ZooModel& model, int size, uint64_t seed = 1, int num_classes = 1000,
                          ZooDetail detail = ZooDetail::kCalibrated);

// Shape statistics of build_zoo_network(model, size, *, num_classes), computed from the structure
// alone (no weights, no calibration). conv_layers counts every convolution, the classifier
// included; blocks counts the residual blocks.
struct ZooStats {
  int64_t weight_bits;
  int64_t macs;
  int conv_layers;
  int blocks;
};
ZooStats zoo_stats(const ZooModel& model, int size, int num_classes = 1000);

// A random network of the zoo's family, for regressions: input 8..40 pixels square; the
// thermometer embedding; a 3x3 stem conv (stride 1 or 2) and up to two more (3x3 or 1x1); 1 to 3
// stages of 1 to 3 basic or bottleneck blocks, widths of 8 to 128 (multiples of 64 or not),
// strides 1 or 2, projections or identity shortcuts; a classifier of 1 to 24 classes. Thresholds
// are calibrated as the zoo's, with more of the other modes (about 25% decreasing, 8% constant).
// Deterministic for a seed.
struct RandomNetwork {
  Network net;
  int size = 0;
  std::string description;
};
RandomNetwork make_random_network(uint64_t seed);

// 30 seeded embedding tables (3 colours x 10 channels) as a learned lookup table may hold them:
// smooth random walks or noise over the levels 0..3, with pixel value 0 mapped to a non-zero level
// in at least one channel of every colour. Deterministic for a seed.
std::vector<std::array<uint8_t, 256>> random_embedding_tables(uint64_t seed);

// A network whose residual stream outgrows 16 bits in exactly one layer (named "big", the last one
// that writes a stream), for regressions of the overflow check: a learned embedding, a 1x1
// projection, 1,792 or 2,048 channels of constant level 3, and a 3x3 conv over them with mostly +1
// weights (its interior sums pass 32,767; at the edges, depending on the seed, some do not), its
// stream added to the projection's and written out; then a classifier of 10 classes. Input 5..8
// pixels square. Deterministic for a seed.
struct OverflowNetwork {
  Network net;
  int size = 0;
  std::string description;
};
OverflowNetwork make_overflow_network(uint64_t seed);

// `count` seeded synthetic uint8 images, 3 x size x size: image 0 is smooth colour gradients (one
// linear ramp over the full 0..255 range per colour, in a seeded direction), the others uniform
// noise. Deterministic for a seed.
std::vector<ActTensor> zoo_images(int count, int size, uint64_t seed);

}  // namespace ernsim
