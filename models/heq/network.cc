#include "models/heq/network.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "models/error.h"

namespace ernsim::heq {

namespace {
// Thresholds are clamped to bound + 1, which must fit in int32.
constexpr int64_t kMaxBound = std::numeric_limits<int32_t>::max() - 1;

int64_t max_value(TensorKind kind) {
  switch (kind) {
    case TensorKind::kImage: return 255;
    case TensorKind::kBinary: return 1;
    case TensorKind::kAct2: return 3;
    case TensorKind::kInt: break;
  }
  return 0;
}

bool is_map(TensorKind kind) { return kind != TensorKind::kInt; }
}  // namespace

const char* to_string(TensorKind kind) {
  switch (kind) {
    case TensorKind::kImage: return "image";
    case TensorKind::kBinary: return "act1";
    case TensorKind::kAct2: return "act2";
    case TensorKind::kInt: return "int32";
  }
  return "?";
}

int bits_of(TensorKind kind) {
  switch (kind) {
    case TensorKind::kImage: return 8;
    case TensorKind::kBinary: return 1;
    case TensorKind::kAct2: return 2;
    case TensorKind::kInt: break;
  }
  return 32;
}

const char* to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv: return "conv";
    case LayerKind::kOr: return "or";
    case LayerKind::kMuxOr: return "mux-or";
    case LayerKind::kMaxPool: return "maxpool";
    case LayerKind::kGlobalSum: return "globalsum";
    case LayerKind::kFc: return "fc";
  }
  return "?";
}

CodeWeights::CodeWeights(int out_channels, int in_channels, int kernel, int min_code, int max_code)
    : out_(out_channels),
      in_(in_channels),
      kernel_(kernel),
      min_code_(min_code),
      max_code_(max_code),
      codes_(static_cast<size_t>(out_channels) * in_channels * kernel * kernel, 0) {
  if (min_code < -7 || max_code > 7 || min_code > max_code) {
    fail("weight codes [{}, {}] are not supported (at most 3 magnitude bits)", min_code, max_code);
  }
  // Code 0 may lie outside [min, max] (binary {-1, +1}); the initial value is overwritten.
  std::fill(codes_.begin(), codes_.end(), static_cast<int8_t>(std::clamp(0, min_code, max_code)));
}

int CodeWeights::max_magnitude() const { return std::max(std::abs(min_code_), std::abs(max_code_)); }

int CodeWeights::magnitude_planes() const {
  int planes = 0;
  for (int m = max_magnitude(); m > 0; m >>= 1) ++planes;
  return planes;
}

void CodeWeights::set_code(int o, int i, int ky, int kx, int code) {
  if (code < min_code_ || code > max_code_) {
    fail("weight code {} outside [{}, {}]", code, min_code_, max_code_);
  }
  codes_[index(o, i, ky, kx)] = static_cast<int8_t>(code);
}

uint8_t apply_thresholds(const Quantizer& q, int levels, int32_t acc) {
  switch (q.mode) {
    case ActMode::kIncreasing: {
      uint8_t n = 0;
      for (int m = 0; m < levels; ++m) n += acc >= q.threshold[m];
      return n;
    }
    case ActMode::kDecreasing: {
      uint8_t n = 0;
      for (int m = 0; m < levels; ++m) n += acc <= q.threshold[m];
      return n;
    }
    case ActMode::kConstant: break;
  }
  return q.level;
}

std::vector<int> Layer::outputs() const {
  std::vector<int> ids{output};
  if (gate >= 0) ids.push_back(gate);
  return ids;
}

int64_t Network::layer_macs(const Layer& layer) const {
  if (layer.kind == LayerKind::kFc) return layer.weights.count();
  if (layer.kind != LayerKind::kConv) return 0;
  const TensorInfo& out = tensor(layer.output);
  return int64_t{out.height} * out.width * layer.weights.count();
}

int64_t Network::macs() const {
  int64_t total = 0;
  for (const Layer& layer : layers) total += layer_macs(layer);
  return total;
}

int64_t Network::conv_params() const {
  int64_t total = 0;
  for (const Layer& layer : layers) total += layer.kind == LayerKind::kConv ? layer.weights.count() : 0;
  return total;
}

int64_t Network::fc_params() const {
  int64_t total = 0;
  for (const Layer& layer : layers) total += layer.kind == LayerKind::kFc ? layer.weights.count() : 0;
  return total;
}

int64_t Network::accumulator_bound(const Layer& layer) const {
  const TensorInfo& in = tensor(layer.input);
  const int64_t fan_in = int64_t{layer.weights.in_channels()} * layer.weights.taps();
  return layer.weights.max_magnitude() * in.bound * fan_in;
}

void Network::validate() const {
  const int count = static_cast<int>(tensors.size());
  auto check_id = [&](const Layer& layer, int id, const char* role) -> const TensorInfo& {
    if (id < 0 || id >= count) fail("layer {}: {} tensor id {} does not exist", layer.name, role, id);
    return tensors[id];
  };
  if (input < 0 || input >= count || tensors[input].kind != TensorKind::kImage) {
    fail("network {}: no image input", name);
  }
  if (output < 0 || output >= count || tensors[output].kind != TensorKind::kInt || tensors[output].producer < 0 ||
      layers.at(tensors[output].producer).kind != LayerKind::kFc) {
    fail("network {}: the output is not the classifier's sums", name);
  }
  if (static_cast<int>(bias.size()) != tensors[output].channels) {
    fail("network {}: {} biases for {} classes", name, bias.size(), tensors[output].channels);
  }
  for (const TensorInfo& t : tensors) {
    if (t.channels <= 0 || t.height <= 0 || t.width <= 0) {
      fail("tensor {}: empty shape {}x{}x{}", t.name, t.channels, t.height, t.width);
    }
    if (static_cast<int>(t.scale.size()) != t.channels) {
      fail("tensor {}: {} scales for {} channels", t.name, t.scale.size(), t.channels);
    }
    if (t.bound > kMaxBound) fail("tensor {}: worst-case bound {} does not fit in 32 bits", t.name, t.bound);
  }
  std::vector<bool> ready(tensors.size(), false);
  ready[input] = true;
  for (size_t index = 0; index < layers.size(); ++index) {
    const Layer& l = layers[index];
    const TensorInfo& in = check_id(l, l.input, "input");
    const TensorInfo& out = check_id(l, l.output, "output");
    if (!ready[l.input]) fail("layer {} reads tensor {} before it is written", l.name, in.name);
    if (l.kind != LayerKind::kFc && l.kind != LayerKind::kGlobalSum && !is_map(out.kind)) {
      fail("layer {}: output {} must be an activation map", l.name, out.name);
    }
    switch (l.kind) {
      case LayerKind::kConv: {
        if (!is_map(in.kind)) fail("layer {}: input {} is not an activation map", l.name, in.name);
        const CodeWeights& w = l.weights;
        if (w.in_channels() != in.channels) {
          fail("layer {}: weights have {} input channels, {} has {}", l.name, w.in_channels(), in.name, in.channels);
        }
        if ((w.kernel() != 1 && w.kernel() != 3) || l.pad != (w.kernel() - 1) / 2) {
          fail("layer {}: kernel {} pad {} is not supported (3x3 pad 1 or 1x1 pad 0)", l.name, w.kernel(), l.pad);
        }
        if (out.kind != TensorKind::kBinary && out.kind != TensorKind::kAct2) {
          fail("layer {}: output must be binary or 2-bit", l.name);
        }
        if (out.channels != w.out_channels() || out.height != in.height || out.width != in.width) {
          fail("layer {}: output {} has the wrong shape", l.name, out.name);
        }
        if (static_cast<int>(l.thresholds.size()) != out.channels) {
          fail("layer {}: {} thresholds for {} channels", l.name, l.thresholds.size(), out.channels);
        }
        break;
      }
      case LayerKind::kOr:
      case LayerKind::kMuxOr: {
        const TensorInfo& b = check_id(l, l.input2, "second input");
        if (!ready[l.input2]) fail("layer {} reads tensor {} before it is written", l.name, b.name);
        if (in.kind != TensorKind::kBinary || b.kind != TensorKind::kBinary || out.kind != TensorKind::kBinary) {
          fail("layer {}: OR skips take and give binary maps", l.name);
        }
        if (!in.same_size(b) || !in.same_size(out)) fail("layer {}: operand shapes differ", l.name);
        if (l.kind == LayerKind::kMuxOr) {
          const TensorInfo& g = check_id(l, l.gate, "gate");
          if (g.kind != TensorKind::kBinary || g.channels != b.channels || g.height != 1 || g.width != 1) {
            fail("layer {}: gate must be a binary {}x1x1 tensor", l.name, b.channels);
          }
        }
        break;
      }
      case LayerKind::kMaxPool:
        if (!is_map(in.kind) || in.kind == TensorKind::kImage || out.kind != in.kind) {
          fail("layer {}: pools binary or 2-bit maps only", l.name);
        }
        if (in.height % 2 || in.width % 2 || out.channels != in.channels || out.height * 2 != in.height ||
            out.width * 2 != in.width) {
          fail("layer {}: 2x2 pool of {}x{} needs even sizes", l.name, in.height, in.width);
        }
        break;
      case LayerKind::kGlobalSum:
        if (!is_map(in.kind) || out.kind != TensorKind::kInt || out.channels != in.channels || out.height != 1 ||
            out.width != 1) {
          fail("layer {}: sums a map into a Cx1x1 integer tensor", l.name);
        }
        break;
      case LayerKind::kFc:
        if (l.weights.in_channels() != in.elements() || l.weights.kernel() != 1) {
          fail("layer {}: {} weights per class for {} inputs", l.name, l.weights.in_channels(), in.elements());
        }
        if (out.kind != TensorKind::kInt || out.channels != l.weights.out_channels() || out.height != 1 ||
            out.width != 1) {
          fail("layer {}: output must be {}x1x1 sums", l.name, l.weights.out_channels());
        }
        break;
    }
    if (l.kind != LayerKind::kMuxOr && l.gate >= 0) fail("layer {}: only MUX-OR has a gate", l.name);
    for (int id : l.outputs()) {
      if (ready[id]) fail("layer {}: tensor {} is written twice", l.name, tensors[id].name);
      if (tensors[id].producer != static_cast<int>(index)) {
        fail("layer {}: tensor {} names another producer", l.name, tensors[id].name);
      }
      ready[id] = true;
    }
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

int NetworkBuilder::add_layer(Layer layer) {
  net_.layers.push_back(std::move(layer));
  acc_scale_.emplace_back();
  acc_bound_.push_back(0);
  return num_layers() - 1;
}

int NetworkBuilder::add_image(int channels, int height, int width) {
  net_.input =
      add_tensor("image", TensorKind::kImage, channels, height, width, std::vector<double>(channels, 1.0), 255, -1);
  return net_.input;
}

int NetworkBuilder::add_conv(const std::string& name, int input, CodeWeights weights, std::vector<double> code_scale) {
  const TensorInfo& in = tensor(input);
  if (!is_map(in.kind)) fail("layer {}: input {} is not an activation map", name, in.name);
  if (static_cast<int>(code_scale.size()) != weights.out_channels()) {
    fail("layer {}: {} weight scales for {} channels", name, code_scale.size(), weights.out_channels());
  }
  for (size_t o = 0; o < code_scale.size(); ++o) code_scale[o] *= in.scale.at(0);
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kConv;
  layer.input = input;
  layer.pad = (weights.kernel() - 1) / 2;
  layer.weights = std::move(weights);
  const int index = add_layer(std::move(layer));
  acc_scale_[index] = std::move(code_scale);
  acc_bound_[index] = net_.accumulator_bound(net_.layers[index]);
  return index;
}

int NetworkBuilder::add_activation(int index, TensorKind kind, std::vector<Quantizer> thresholds, double scale) {
  Layer& l = net_.layers.at(index);
  if (l.kind != LayerKind::kConv || l.output >= 0) fail("layer {}: already has an activation", l.name);
  if (kind != TensorKind::kBinary && kind != TensorKind::kAct2)
    fail("layer {}: activation must be 1 or 2 bits", l.name);
  const TensorInfo& in = tensor(l.input);
  const int channels = l.weights.out_channels();
  if (scale == 0) scale = kind == TensorKind::kBinary ? 1.0 : 1.0 / 3;
  const int id = add_tensor(l.name, kind, channels, in.height, in.width, std::vector<double>(channels, scale),
                            max_value(kind), index);
  net_.layers[index].output = id;
  net_.layers[index].thresholds = std::move(thresholds);
  return id;
}

int NetworkBuilder::add_or(const std::string& name, int a, int b) {
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kOr;
  layer.input = a;
  layer.input2 = b;
  const TensorInfo& t = tensor(a);
  const int index = add_layer(std::move(layer));
  net_.layers[index].output = add_tensor(name, TensorKind::kBinary, t.channels, t.height, t.width, t.scale, 1, index);
  return net_.layers[index].output;
}

int NetworkBuilder::add_mux_or(const std::string& name, int x3, int x1) {
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kMuxOr;
  layer.input = x3;
  layer.input2 = x1;
  const TensorInfo& t = tensor(x3);
  const int index = add_layer(std::move(layer));
  net_.layers[index].output = add_tensor(name, TensorKind::kBinary, t.channels, t.height, t.width, t.scale, 1, index);
  const int gate_channels = tensor(x1).channels;
  net_.layers[index].gate = add_tensor(name + ".gate", TensorKind::kBinary, gate_channels, 1, 1,
                                       std::vector<double>(gate_channels, 1.0), 1, index);
  return net_.layers[index].output;
}

int NetworkBuilder::add_max_pool(const std::string& name, int input) {
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kMaxPool;
  layer.input = input;
  const TensorInfo t = tensor(input);
  const int index = add_layer(std::move(layer));
  net_.layers[index].output = add_tensor(name, t.kind, t.channels, t.height / 2, t.width / 2, t.scale, t.bound, index);
  return net_.layers[index].output;
}

int NetworkBuilder::add_global_sum(const std::string& name, int input) {
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kGlobalSum;
  layer.input = input;
  const TensorInfo t = tensor(input);
  const int index = add_layer(std::move(layer));
  net_.layers[index].output =
      add_tensor(name, TensorKind::kInt, t.channels, 1, 1, t.scale, t.bound * t.height * t.width, index);
  return net_.layers[index].output;
}

int NetworkBuilder::add_fc(const std::string& name, int input, CodeWeights weights,
                           const std::vector<double>& code_scale, std::vector<double> bias) {
  const TensorInfo in = tensor(input);
  const int classes = weights.out_channels();
  if (static_cast<int>(code_scale.size()) != classes || static_cast<int>(bias.size()) != classes) {
    fail("layer {}: {} scales and {} biases for {} classes", name, code_scale.size(), bias.size(), classes);
  }
  // One input scale: the flattened input's channels must share it.
  for (double s : in.scale) {
    if (s != in.scale.at(0)) fail("layer {}: input {} has per-channel scales", name, in.name);
  }
  std::vector<double> scale(classes);
  for (int k = 0; k < classes; ++k) scale[k] = code_scale[k] * in.scale.at(0);
  Layer layer;
  layer.name = name;
  layer.kind = LayerKind::kFc;
  layer.input = input;
  layer.weights = std::move(weights);
  const int index = add_layer(std::move(layer));
  const int64_t bound = net_.accumulator_bound(net_.layers[index]);
  net_.layers[index].output = add_tensor(name, TensorKind::kInt, classes, 1, 1, std::move(scale), bound, index);
  net_.bias = std::move(bias);
  return net_.layers[index].output;
}

Network NetworkBuilder::finish(int output) {
  net_.output = output;
  net_.validate();
  return std::move(net_);
}

}  // namespace ernsim::heq
