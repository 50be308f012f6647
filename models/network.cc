#include "models/network.h"

#include <cmath>
#include <limits>

#include "models/error.h"

namespace ernsim {

namespace {
// The largest 2-bit activation value; every accumulator bound is a multiple of it.
constexpr int64_t kMaxActivation = 3;
// Bounds must leave room for the clamped thresholds (bound + 1) in int32.
constexpr int64_t kMaxBound = std::numeric_limits<int32_t>::max() - 1;
}  // namespace

const char* to_string(TensorKind kind) {
  switch (kind) {
    case TensorKind::kImage: return "image";
    case TensorKind::kAct: return "act2";
    case TensorKind::kInt: return "int32";
  }
  return "?";
}

std::vector<int> Layer::outputs() const {
  std::vector<int> ids;
  for (int id : {out_act, out_int, out_sum}) {
    if (id >= 0) ids.push_back(id);
  }
  return ids;
}

int64_t Network::layer_macs(const Layer& layer) const {
  if (!layer.is_conv()) return 0;
  const TensorInfo& in = tensor(layer.input);
  const int out_h = conv_out_size(in.height, layer.kernel(), layer.stride, layer.pad);
  const int out_w = conv_out_size(in.width, layer.kernel(), layer.stride, layer.pad);
  return int64_t{out_h} * out_w * layer.weights.count();
}

int64_t Network::macs() const {
  int64_t total = 0;
  for (const Layer& layer : layers) total += layer_macs(layer);
  return total;
}

int64_t Network::weight_bits() const {
  int64_t total = 0;
  for (const Layer& layer : layers) {
    if (layer.is_conv()) total += layer.weights.count();
  }
  return total;
}

int64_t Network::accumulator_bound(const Layer& layer) const {
  return kMaxActivation * layer.weights.in_channels() * layer.weights.taps();
}

void Network::validate() const {
  auto check_tensor = [&](const Layer& layer, int id, TensorKind kind, const char* role) {
    if (id < 0 || id >= static_cast<int>(tensors.size())) {
      fail("layer {}: {} tensor id {} does not exist", layer.name, role, id);
    }
    if (tensors[id].kind != kind) {
      fail("layer {}: {} tensor {} is {}, expected {}", layer.name, role, tensors[id].name, to_string(tensors[id].kind),
           to_string(kind));
    }
  };
  if (input < 0 || input >= static_cast<int>(tensors.size()) || tensors[input].kind != TensorKind::kImage) {
    fail("network {}: no image input", name);
  }
  if (output < 0 || output >= static_cast<int>(tensors.size())) {
    fail("network {}: no class-sum output", name);
  }
  for (const TensorInfo& t : tensors) {
    if (t.channels <= 0 || t.height <= 0 || t.width <= 0) {
      fail("tensor {}: empty shape {}x{}x{}", t.name, t.channels, t.height, t.width);
    }
    if (static_cast<int>(t.scale.size()) != t.channels) {
      fail("tensor {}: {} scales for {} channels", t.name, t.scale.size(), t.channels);
    }
    if (t.bound > kMaxBound) {
      fail("tensor {}: worst-case value bound {} does not fit in 32 bits", t.name, t.bound);
    }
  }
  // Tensors are written once, by their producer, before any layer reads them.
  std::vector<bool> ready(tensors.size(), false);
  ready[input] = true;
  auto check_ready = [&](const Layer& layer, int id) {
    if (!ready[id]) fail("layer {} reads tensor {} before it is written", layer.name, tensors[id].name);
  };
  for (size_t index = 0; index < layers.size(); ++index) {
    const Layer& layer = layers[index];
    if (layer.kind == LayerKind::kPixelEmbedding) {
      check_tensor(layer, layer.input, TensorKind::kImage, "input");
      check_tensor(layer, layer.out_act, TensorKind::kAct, "output");
      const TensorInfo& in = tensors[layer.input];
      const TensorInfo& out = tensors[layer.out_act];
      if (static_cast<int>(layer.table.size()) != out.channels ||
          static_cast<int>(layer.source_channel.size()) != out.channels) {
        fail("layer {}: {} tables for {} output channels", layer.name, layer.table.size(), out.channels);
      }
      for (int src : layer.source_channel) {
        if (src < 0 || src >= in.channels) fail("layer {}: source channel {} out of range", layer.name, src);
      }
      for (const auto& table : layer.table) {
        for (uint8_t q : table) {
          if (q > kMaxActivation) fail("layer {}: table entry {} is not 2-bit", layer.name, q);
        }
      }
      if (out.height != in.height || out.width != in.width) {
        fail("layer {}: output size differs from the image", layer.name);
      }
    } else {
      check_tensor(layer, layer.input, TensorKind::kAct, "input");
      check_ready(layer, layer.input);
      const TensorInfo& in = tensors[layer.input];
      const BinaryWeights& w = layer.weights;
      if (w.in_channels() != in.channels) {
        fail("layer {}: weights have {} input channels, input tensor {} has {}", layer.name, w.in_channels(), in.name,
             in.channels);
      }
      if (w.kernel() != 1 && w.kernel() != 3) fail("layer {}: kernel {} not supported", layer.name, w.kernel());
      if (layer.stride != 1 && layer.stride != 2) fail("layer {}: stride {} not supported", layer.name, layer.stride);
      if (layer.pad != (w.kernel() - 1) / 2) {
        fail("layer {}: padding {} with a {}x{} kernel (expected same padding)", layer.name, layer.pad, w.kernel(),
             w.kernel());
      }
      const int out_h = conv_out_size(in.height, w.kernel(), layer.stride, layer.pad);
      const int out_w = conv_out_size(in.width, w.kernel(), layer.stride, layer.pad);
      if (out_h <= 0 || out_w <= 0) fail("layer {}: input {}x{} too small", layer.name, in.height, in.width);
      auto check_map = [&](int id, const char* role) {
        const TensorInfo& t = tensors[id];
        if (!t.same_size(w.out_channels(), out_h, out_w)) {
          fail("layer {}: {} tensor {} is {}x{}x{}, expected {}x{}x{}", layer.name, role, t.name, t.channels, t.height,
               t.width, w.out_channels(), out_h, out_w);
        }
      };
      if (layer.residual >= 0) {
        check_tensor(layer, layer.residual, TensorKind::kInt, "residual");
        check_ready(layer, layer.residual);
        check_map(layer.residual, "residual");
      }
      if (layer.out_int >= 0) {
        check_tensor(layer, layer.out_int, TensorKind::kInt, "stream");
        check_map(layer.out_int, "stream");
      }
      if (layer.out_act >= 0) {
        check_tensor(layer, layer.out_act, TensorKind::kAct, "activation");
        check_map(layer.out_act, "activation");
        if (static_cast<int>(layer.quantizers.size()) != w.out_channels()) {
          fail("layer {}: {} quantizers for {} channels", layer.name, layer.quantizers.size(), w.out_channels());
        }
      }
      if (layer.out_sum >= 0) {
        check_tensor(layer, layer.out_sum, TensorKind::kInt, "class sum");
        if (!tensors[layer.out_sum].same_size(w.out_channels(), 1, 1)) {
          fail("layer {}: class-sum tensor must be {}x1x1", layer.name, w.out_channels());
        }
        if (layer.residual >= 0) fail("layer {}: a classifier cannot add a residual", layer.name);
      }
      if (layer.outputs().empty()) fail("layer {}: output is never used", layer.name);
    }
    for (int id : layer.outputs()) {
      if (ready[id]) fail("layer {}: tensor {} is written twice", layer.name, tensors[id].name);
      if (tensors[id].producer != static_cast<int>(index)) {
        fail("layer {}: tensor {} names another producer", layer.name, tensors[id].name);
      }
      ready[id] = true;
    }
  }
  if (tensors[output].producer < 0 || layers[tensors[output].producer].out_sum != output) {
    fail("network {}: output {} is not a class sum", name, tensors[output].name);
  }
}

NetworkBuilder::NetworkBuilder(std::string name) { net_.name = std::move(name); }

int NetworkBuilder::add_tensor(const std::string& name, TensorKind kind, int channels, int height, int width,
                               std::vector<double> scale, int64_t bound, int producer) {
  TensorInfo t;
  t.name = name;
  t.kind = kind;
  t.channels = channels;
  t.height = height;
  t.width = width;
  t.scale = std::move(scale);
  t.bound = bound;
  t.producer = producer;
  net_.tensors.push_back(std::move(t));
  return static_cast<int>(net_.tensors.size()) - 1;
}

int NetworkBuilder::add_image(int channels, int height, int width) {
  net_.input =
      add_tensor("image", TensorKind::kImage, channels, height, width, std::vector<double>(channels, 1.0), 255, -1);
  return net_.input;
}

int NetworkBuilder::add_pixel_embedding(const std::string& name, int image, std::vector<int> source_channel,
                                        std::vector<std::array<uint8_t, 256>> table) {
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kPixelEmbedding;
  layer.input = image;
  const int channels = static_cast<int>(table.size());
  layer.source_channel = std::move(source_channel);
  layer.table = std::move(table);
  const TensorInfo& in = tensor(image);
  const int index = num_layers();
  layer.out_act = add_tensor(name, TensorKind::kAct, channels, in.height, in.width, std::vector<double>(channels, 1.0),
                             kMaxActivation, index);
  net_.layers.push_back(std::move(layer));
  stream_scale_.emplace_back();
  stream_bound_.push_back(0);
  return net_.layers.back().out_act;
}

int NetworkBuilder::add_conv(const std::string& name, int input, BinaryWeights weights, int stride, int pad,
                             const std::vector<double>& alpha) {
  const TensorInfo& in = tensor(input);
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kConv;
  layer.input = input;
  layer.stride = stride;
  layer.pad = pad;
  layer.weights = std::move(weights);
  std::vector<double> scale(alpha.size());
  for (size_t o = 0; o < alpha.size(); ++o) scale[o] = alpha[o] * in.scale.at(0);
  stream_scale_.push_back(std::move(scale));
  stream_bound_.push_back(in.bound * layer.weights.in_channels() * layer.weights.taps());
  net_.layers.push_back(std::move(layer));
  return num_layers() - 1;
}

int NetworkBuilder::stream_height(int index) const {
  const Layer& l = layer(index);
  return conv_out_size(tensor(l.input).height, l.kernel(), l.stride, l.pad);
}

int NetworkBuilder::stream_width(int index) const {
  const Layer& l = layer(index);
  return conv_out_size(tensor(l.input).width, l.kernel(), l.stride, l.pad);
}

int NetworkBuilder::add_int_output(int index) {
  Layer& l = net_.layers.at(index);
  if (l.out_int < 0) {
    const int id = add_tensor(l.name + ".stream", TensorKind::kInt, l.weights.out_channels(), stream_height(index),
                              stream_width(index), stream_scale_[index], stream_bound_[index], index);
    net_.layers.at(index).out_int = id;
  }
  return net_.layers.at(index).out_int;
}

void NetworkBuilder::add_residual(int index, int residual_layer) {
  if (residual_layer >= index) fail("layer {}: residual must come from an earlier layer", layer(index).name);
  const int stream = add_int_output(residual_layer);
  Layer& l = net_.layers.at(index);
  if (l.residual >= 0) fail("layer {}: already adds a residual", l.name);
  if (l.out_int >= 0 || l.out_act >= 0 || l.out_sum >= 0) {
    fail("layer {}: its pre-add value is already used", l.name);
  }
  l.residual = stream;
  stream_bound_[index] += tensor(stream).bound;
}

int NetworkBuilder::add_activation(int index, std::vector<Quantizer> quantizers, double out_scale) {
  Layer& l = net_.layers.at(index);
  if (l.out_act >= 0) fail("layer {}: already has an activation", l.name);
  const int channels = l.weights.out_channels();
  const int id = add_tensor(l.name + ".act", TensorKind::kAct, channels, stream_height(index), stream_width(index),
                            std::vector<double>(channels, out_scale), kMaxActivation, index);
  Layer& updated = net_.layers.at(index);
  updated.out_act = id;
  updated.quantizers = std::move(quantizers);
  return id;
}

int NetworkBuilder::add_class_sum(int index) {
  const Layer& l = layer(index);
  if (l.out_sum >= 0) fail("layer {}: already pooled", l.name);
  const int pixels = stream_height(index) * stream_width(index);
  std::vector<double> scale = stream_scale_[index];
  for (double& s : scale) s /= pixels;
  const int id = add_tensor(l.name + ".sum", TensorKind::kInt, l.weights.out_channels(), 1, 1, std::move(scale),
                            stream_bound_[index] * pixels, index);
  net_.layers.at(index).out_sum = id;
  return id;
}

Network NetworkBuilder::finish(int output) {
  net_.output = output;
  net_.validate();
  return std::move(net_);
}

}  // namespace ernsim
