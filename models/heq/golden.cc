#include "models/heq/golden.h"

#include <algorithm>

#include "models/error.h"
#include "models/heq/kernels/bitplane_conv.h"
#include "models/heq/kernels/global_sum.h"
#include "models/heq/kernels/level_thresholds.h"
#include "models/heq/kernels/max_pool.h"
#include "models/heq/kernels/multilevel_conv.h"
#include "models/heq/kernels/or_skips.h"

namespace ernsim::heq {

namespace {

std::pair<int32_t, int32_t> value_range(const IntTensor& t) {
  const auto [lo, hi] = std::minmax_element(t.data().begin(), t.data().end());
  return {*lo, *hi};
}

// Bits of the largest value a tensor holds (its planes in the packed path).
int value_bits(int64_t bound) {
  int bits = 1;
  while ((int64_t{1} << bits) <= bound) ++bits;
  return bits;
}

std::vector<int32_t> flat_input(const Network& net, const Layer& l, const GoldenResult& r) {
  return net.tensor(l.input).kind == TensorKind::kInt ? flatten_chw(r.ints[l.input]) : flatten_chw(r.act[l.input]);
}

}  // namespace

GoldenResult run_golden(const Network& net, const ActTensor& image, const GoldenOptions& options) {
  const TensorInfo& in = net.tensor(net.input);
  if (!image.same_shape(in.channels, in.height, in.width)) {
    fail("image is {}x{}x{}, network {} expects {}x{}x{}", image.channels(), image.height(), image.width(), net.name,
         in.channels, in.height, in.width);
  }
  const bool packed = options.path == KernelPath::kPacked;
  GoldenResult r;
  r.act.resize(net.tensors.size());
  r.ints.resize(net.tensors.size());
  r.act[net.input] = image;
  r.acc_range.assign(net.layers.size(), {0, 0});
  // The last layer reading each tensor, to free maps early without keep_tensors.
  std::vector<size_t> last_use(net.tensors.size(), 0);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    last_use[net.layers[i].input] = i;
    if (net.layers[i].input2 >= 0) last_use[net.layers[i].input2] = i;
  }
  for (size_t index = 0; index < net.layers.size(); ++index) {
    const Layer& l = net.layers[index];
    const TensorInfo& src = net.tensor(l.input);
    switch (l.kind) {
      case LayerKind::kConv: {
        const IntTensor acc =
            packed ? multilevel_conv_packed(pack_planes(r.act[l.input], bits_of(src.kind)), l.weights, l.pad)
                   : multilevel_conv_reference(r.act[l.input], l.weights, l.pad);
        r.acc_range[index] = value_range(acc);
        const int levels = net.tensor(l.output).kind == TensorKind::kBinary ? 1 : 3;
        r.act[l.output] = level_thresholds(acc, l.thresholds, levels);
        break;
      }
      case LayerKind::kOr: r.act[l.output] = or_skip(r.act[l.input], r.act[l.input2]); break;
      case LayerKind::kMuxOr: r.act[l.output] = mux_or_skip(r.act[l.input], r.act[l.input2], r.act[l.gate]); break;
      case LayerKind::kMaxPool: r.act[l.output] = max_pool_2x2(r.act[l.input]); break;
      case LayerKind::kGlobalSum: r.ints[l.output] = global_sum(r.act[l.input]); break;
      case LayerKind::kFc: {
        const std::vector<int32_t> flat = flat_input(net, l, r);
        r.ints[l.output] = packed ? fully_connected_packed(pack_planes(flat, value_bits(src.bound)), l.weights)
                                  : fully_connected_reference(flat, l.weights);
        r.acc_range[index] = value_range(r.ints[l.output]);
        break;
      }
    }
    if (!options.keep_tensors) {
      for (int id : {l.input, l.input2}) {
        if (id >= 0 && id != net.input && last_use[id] == index) {
          r.act[id] = {};
          r.ints[id] = {};
        }
      }
    }
  }
  const IntTensor& sums = r.ints[net.output];
  const std::vector<double>& scale = net.tensor(net.output).scale;
  r.class_sums = sums.data();
  for (int k = 0; k < sums.channels(); ++k) {
    r.logits.push_back(static_cast<float>(scale[k] * sums.at(k, 0, 0) + net.bias[k]));
  }
  return r;
}

}  // namespace ernsim::heq
