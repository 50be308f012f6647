// The golden model: runs an integer network on one image with either the reference kernels or the
// packed fast path, and keeps the value of every tensor so that the RTL can be compared layer by
// layer.
#pragma once

#include <utility>
#include <vector>

#include "models/network.h"
#include "models/tensor.h"

namespace ernsim {

enum class KernelPath { kReference, kPacked };

const char* to_string(KernelPath path);
KernelPath parse_kernel_path(const std::string& name);

struct GoldenResult {
  // By tensor id: act[id] for kImage and kAct tensors, ints[id] for kInt tensors; the others are
  // empty. With keep_tensors false only the image and the class sums are kept.
  std::vector<ActTensor> act;
  std::vector<IntTensor> ints;
  std::vector<int32_t> class_sums;
  std::vector<float> logits;
  // By layer: the range [min, max] of the value a conv layer's post-processing sees (acc plus
  // residual), observed on this image; {0, 0} for the pixel embedding.
  std::vector<std::pair<int32_t, int32_t>> stream_range;
};

struct GoldenOptions {
  KernelPath path = KernelPath::kPacked;
  bool keep_tensors = true;
};

GoldenResult run_golden(const Network& net, const ActTensor& image, const GoldenOptions& options = {});

// Index of the largest logit (the first on ties).
int top1(const std::vector<float>& logits);

}  // namespace ernsim
