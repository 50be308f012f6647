// The integer HEQ network (heq-semantics.md): logic-gated residual networks with multi-level
// weights (n = 3, 5, 7 codes, or binary), 1-, 2- and 8-bit activations, OR and MUX-OR skips, 2x2
// max pools, a global sum and a fully connected classifier. What the QONNX importer and the HEQ zoo
// produce, what the HEQ golden model runs, and what the accelerator's HEQ mode will be lowered from.
//
// It lives beside the ERN network (models/network.h) rather than inside it: ERN's layer is one fused
// pass with a residual integer stream, HEQ's are small separate operators over bit maps. Both
// share the tensor containers (models/tensor.h) and the 64-lane blocking (models/weights.h).
//
// A network is a list of layers in execution order over numbered tensors:
//   kConv      acc = conv(act, codes) (3x3 pad 1 or 1x1 pad 0, stride 1); act = thresholds(acc)
//   kOr        y = a | b                      (binary maps of equal shape)
//   kMuxOr     g[c] = [2 * popcount(x1[c]) > pixels];  y = x3 | (g & x1)
//   kMaxPool   2x2, stride 2
//   kGlobalSum s[c] = sum over pixels of a[c]
//   kFc        sum[k] = sum_j K[k, j] * in[j]   (in flattened C, H, W)
// and the logits are `scale[k] * sum[k] + bias[k]`, applied by the host in float64.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/quantizer.h"

namespace ernsim::heq {

enum class TensorKind : uint8_t {
  kImage,   // uint8 pixels, 8 bit planes
  kBinary,  // 0 or 1
  kAct2,    // 0..3
  kInt,     // int32: global sums, FC sums
};
const char* to_string(TensorKind kind);
// Bits of an activation of this kind (8, 1, 2); 32 for kInt.
int bits_of(TensorKind kind);

struct TensorInfo {
  std::string name;
  TensorKind kind = TensorKind::kBinary;
  int channels = 0;
  int height = 0;
  int width = 0;
  // Real value of channel c is scale[c] * integer value.
  std::vector<double> scale;
  // Worst case value over every possible input image (values are never negative except FC sums,
  // whose bound is on |value|).
  int64_t bound = 0;
  int producer = -1;  // the layer writing it; -1 for the input image

  int64_t elements() const { return int64_t{channels} * height * width; }
  bool same_size(const TensorInfo& o) const { return channels == o.channels && height == o.height && width == o.width; }
};

// Integer weight codes k[o][i][ky][kx] in [min_code, max_code], the real weight being k times the
// layer's code scale. HEQ's n levels are [-(n-1)/2, (n-1)/2]; BipolarQuant's binary weights are
// {-1, +1}. A fully connected layer is a 1x1 kernel over the flattened input.
class CodeWeights {
 public:
  CodeWeights() = default;
  CodeWeights(int out_channels, int in_channels, int kernel, int min_code, int max_code);

  int out_channels() const { return out_; }
  int in_channels() const { return in_; }
  int kernel() const { return kernel_; }
  int taps() const { return kernel_ * kernel_; }
  int min_code() const { return min_code_; }
  int max_code() const { return max_code_; }
  // Largest |code|: the sign-magnitude weight needs bit_width(max_magnitude) magnitude planes.
  int max_magnitude() const;
  int magnitude_planes() const;
  int64_t count() const { return static_cast<int64_t>(codes_.size()); }

  int code(int o, int i, int ky, int kx) const { return codes_[index(o, i, ky, kx)]; }
  void set_code(int o, int i, int ky, int kx, int code);
  const std::vector<int8_t>& codes() const { return codes_; }

  friend bool operator==(const CodeWeights& a, const CodeWeights& b) {
    return a.out_ == b.out_ && a.in_ == b.in_ && a.kernel_ == b.kernel_ && a.codes_ == b.codes_;
  }

 private:
  size_t index(int o, int i, int ky, int kx) const {
    return ((static_cast<size_t>(o) * in_ + i) * kernel_ + ky) * kernel_ + kx;
  }
  int out_ = 0, in_ = 0, kernel_ = 0;
  int min_code_ = 0, max_code_ = 0;
  std::vector<int8_t> codes_;
};

// A binary or 2-bit activation of one channel as thresholds on the integer accumulator: the ERN
// Quantizer (models/quantizer.h) with as many thresholds as the output has levels above 0
// (1 for binary, 3 for 2-bit); unused thresholds are ignored.
uint8_t apply_thresholds(const Quantizer& q, int levels, int32_t acc);

enum class LayerKind : uint8_t { kConv, kOr, kMuxOr, kMaxPool, kGlobalSum, kFc };
const char* to_string(LayerKind kind);

struct Layer {
  std::string name;
  LayerKind kind = LayerKind::kConv;
  int input = -1;   // kOr: a; kMuxOr: x3 (the block's last conv output)
  int input2 = -1;  // kOr: b; kMuxOr: x1 (the skip source, whose channels are gated)
  int output = -1;
  int gate = -1;  // kMuxOr: the C x 1 x 1 binary gate tensor

  // kConv and kFc.
  CodeWeights weights;
  int pad = 0;
  std::vector<Quantizer> thresholds;  // kConv: one per output channel

  std::vector<int> outputs() const;
};

struct Network {
  std::string name;
  std::vector<TensorInfo> tensors;
  std::vector<Layer> layers;
  int input = -1;
  int output = -1;           // the FC sums
  std::vector<double> bias;  // per class, added by the host to scale * sum

  const TensorInfo& tensor(int id) const { return tensors.at(id); }
  int num_classes() const { return tensor(output).channels; }
  int input_height() const { return tensor(input).height; }
  int input_width() const { return tensor(input).width; }

  int64_t layer_macs(const Layer& layer) const;
  int64_t macs() const;
  // Weights of the convolutions (the FC excluded, as the paper counts) and of the FC.
  int64_t conv_params() const;
  int64_t fc_params() const;
  // Bound on |acc| of a conv or FC layer: max|code| * max input * fan-in.
  int64_t accumulator_bound(const Layer& layer) const;

  // Checks every structural invariant; throws Error naming the layer.
  void validate() const;
};

// Builds a Network layer by layer; the QONNX importer and the zoo both go through it.
class NetworkBuilder {
 public:
  explicit NetworkBuilder(std::string name);

  int add_image(int channels, int height, int width);
  // A conv whose real weight is code * code_scale[o]; returns the layer index. Its activation is
  // added by add_activation once the batch norm is known.
  int add_conv(const std::string& name, int input, CodeWeights weights, std::vector<double> code_scale);
  // Scale (real value of one unit of acc, per channel) and bound of a conv's accumulator.
  const std::vector<double>& acc_scale(int layer) const { return acc_scale_.at(layer); }
  int64_t acc_bound(int layer) const { return acc_bound_.at(layer); }
  // Thresholds the conv's accumulator to `kind` (kBinary or kAct2) whose real value is
  // scale * integer (0 for the default: 1 binary, 1/3 2-bit); returns the tensor.
  int add_activation(int layer, TensorKind kind, std::vector<Quantizer> thresholds, double scale = 0);
  int add_or(const std::string& name, int a, int b);
  int add_mux_or(const std::string& name, int x3, int x1);
  int add_max_pool(const std::string& name, int input);
  int add_global_sum(const std::string& name, int input);
  // The classifier over the flattened input; logit[k] = code_scale[k] * in_scale * sum[k] + bias[k].
  int add_fc(const std::string& name, int input, CodeWeights weights, const std::vector<double>& code_scale,
             std::vector<double> bias);

  const Layer& layer(int index) const { return net_.layers.at(index); }
  const TensorInfo& tensor(int id) const { return net_.tensors.at(id); }
  int num_layers() const { return static_cast<int>(net_.layers.size()); }

  Network finish(int output);

 private:
  int add_tensor(const std::string& name, TensorKind kind, int channels, int height, int width,
                 std::vector<double> scale, int64_t bound, int producer);
  int add_layer(Layer layer);

  Network net_;
  std::vector<std::vector<double>> acc_scale_;
  std::vector<int64_t> acc_bound_;
};

}  // namespace ernsim::heq
