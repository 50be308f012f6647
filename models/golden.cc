#include "models/golden.h"

#include <algorithm>

#include "models/error.h"
#include "models/kernels/binary_conv.h"
#include "models/kernels/class_sum.h"
#include "models/kernels/packed.h"
#include "models/kernels/packed_kernels.h"
#include "models/kernels/pixel_embedding.h"
#include "models/kernels/residual_add.h"
#include "models/kernels/threshold_activation.h"

namespace ernsim {

const char* to_string(KernelPath path) { return path == KernelPath::kReference ? "reference" : "packed"; }

KernelPath parse_kernel_path(const std::string& name) {
  if (name == "reference") return KernelPath::kReference;
  if (name == "packed") return KernelPath::kPacked;
  fail("unknown kernel path '{}' (expected reference or packed)", name);
}

namespace {

std::pair<int32_t, int32_t> value_range(const IntTensor& t) {
  const auto [lo, hi] = std::minmax_element(t.data().begin(), t.data().end());
  return {*lo, *hi};
}

void run_reference_layer(const Layer& layer, size_t index, GoldenResult& r) {
  if (layer.kind == LayerKind::kPixelEmbedding) {
    r.act[layer.out_act] = pixel_embedding(r.act[layer.input], layer.source_channel, layer.table);
    return;
  }
  const IntTensor acc = binary_conv_reference(r.act[layer.input], layer.weights, {layer.stride, layer.pad});
  const IntTensor stream = layer.residual >= 0 ? residual_add(acc, r.ints[layer.residual]) : acc;
  r.stream_range[index] = value_range(stream);
  if (layer.out_int >= 0) r.ints[layer.out_int] = stream;
  if (layer.out_act >= 0) r.act[layer.out_act] = threshold_activation(stream, layer.quantizers);
  if (layer.out_sum >= 0) r.ints[layer.out_sum] = class_sum(acc);
}

// The packed path keeps activations packed between layers and unpacks them only when asked to
// keep every tensor.
void run_packed_layer(const Layer& layer, size_t index, std::vector<PackedAct>& packed, GoldenResult& r) {
  if (layer.kind == LayerKind::kPixelEmbedding) {
    packed[layer.out_act] = pixel_embedding_packed(r.act[layer.input], layer.source_channel, layer.table);
    return;
  }
  IntTensor stream = binary_conv_packed(packed[layer.input], layer.weights, {layer.stride, layer.pad});
  if (layer.out_sum >= 0) r.ints[layer.out_sum] = class_sum(stream);
  if (layer.residual >= 0) add_residual_in_place(stream, r.ints[layer.residual]);
  r.stream_range[index] = value_range(stream);
  if (layer.out_act >= 0) packed[layer.out_act] = threshold_activation_packed(stream, layer.quantizers);
  if (layer.out_int >= 0) r.ints[layer.out_int] = std::move(stream);
}

}  // namespace

GoldenResult run_golden(const Network& net, const ActTensor& image, const GoldenOptions& options) {
  const TensorInfo& in = net.tensor(net.input);
  if (!image.same_shape(in.channels, in.height, in.width)) {
    fail("image is {}x{}x{}, network {} expects {}x{}x{}", image.channels(), image.height(), image.width(), net.name,
         in.channels, in.height, in.width);
  }
  GoldenResult r;
  r.act.resize(net.tensors.size());
  r.ints.resize(net.tensors.size());
  r.act[net.input] = image;
  r.stream_range.assign(net.layers.size(), {0, 0});
  std::vector<PackedAct> packed(net.tensors.size());
  for (size_t index = 0; index < net.layers.size(); ++index) {
    const Layer& layer = net.layers[index];
    if (options.path == KernelPath::kReference) {
      run_reference_layer(layer, index, r);
    } else {
      run_packed_layer(layer, index, packed, r);
    }
  }
  if (options.path == KernelPath::kPacked && options.keep_tensors) {
    for (size_t id = 0; id < packed.size(); ++id) {
      if (net.tensors[id].kind == TensorKind::kAct) r.act[id] = unpack(packed[id]);
    }
  }
  const IntTensor& sums = r.ints[net.output];
  r.class_sums = sums.data();
  r.logits = class_logits(sums, net.tensor(net.output).scale);
  if (!options.keep_tensors) {
    for (size_t id = 0; id < net.tensors.size(); ++id) {
      if (static_cast<int>(id) != net.output && static_cast<int>(id) != net.input) r.ints[id] = {};
    }
  }
  return r;
}

int top1(const std::vector<float>& logits) {
  return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

}  // namespace ernsim
