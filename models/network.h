// The integer ERN network: what the ONNX importer and the zoo produce, what the golden model runs
// and what later stages lower to the accelerator.
//
// A network is a list of layers in execution order over numbered tensors. A layer is either the
// pixel embedding (8-bit image -> 2-bit channels) or a binary convolution whose accumulator goes
// through optional post-processing, exactly the work one pass of the accelerator does:
//
//   acc = conv(input act, binary weights)            integer, scale alpha_o * s_in per channel
//   v   = acc + residual stream (optional)           the integer residual stream (section 2.4)
//   out_int = v            (optional)                kept when a later layer adds it
//   out_act = quantize(v)  (optional)                3 thresholds and a mode per channel
//   out_sum = sum over pixels of acc  (optional)     the classifier's per-class sum
//
// Every tensor carries a per-channel scale (its real value is scale[c] * integer) and a worst-case
// bound on |value| derived from the shapes, so that hardware widths can be checked per layer.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/quantizer.h"
#include "models/weights.h"

namespace ernsim {

enum class TensorKind : uint8_t {
  kImage,  // uint8 pixels
  kAct,    // 2-bit activations, 0..3
  kInt,    // int32: accumulators, residual stream, class sums
};

const char* to_string(TensorKind kind);

struct TensorInfo {
  std::string name;
  TensorKind kind = TensorKind::kAct;
  int channels = 0;
  int height = 0;
  int width = 0;
  // Real value of channel c is scale[c] * integer value.
  std::vector<double> scale;
  // Worst case |value| over every possible input image.
  int64_t bound = 0;
  // Index of the layer that writes the tensor; -1 for the network input.
  int producer = -1;

  int64_t elements() const { return int64_t{channels} * height * width; }
  bool same_size(int c, int h, int w) const { return channels == c && height == h && width == w; }
};

enum class LayerKind : uint8_t { kPixelEmbedding, kConv };

struct Layer {
  std::string name;
  LayerKind kind = LayerKind::kConv;
  int input = -1;

  // kPixelEmbedding: output channel c is table[c][pixel of image channel source_channel[c]].
  std::vector<int> source_channel;
  std::vector<std::array<uint8_t, 256>> table;

  // kConv.
  int stride = 1;
  int pad = 0;
  BinaryWeights weights;
  int residual = -1;  // kInt tensor added to the accumulator
  int out_int = -1;   // kInt: acc + residual
  int out_act = -1;   // kAct: quantizers[c](acc + residual); the embedding's output too
  std::vector<Quantizer> quantizers;
  int out_sum = -1;  // kInt, C x 1 x 1: per-channel sum of acc over all pixels

  int kernel() const { return weights.kernel(); }
  bool is_conv() const { return kind == LayerKind::kConv; }
  // Tensors this layer writes, in a fixed order (act, int, sum).
  std::vector<int> outputs() const;
};

struct Network {
  std::string name;
  std::vector<TensorInfo> tensors;
  std::vector<Layer> layers;
  int input = -1;   // the kImage tensor
  int output = -1;  // class sums: logit[k] = tensors[output].scale[k] * sum[k]

  const TensorInfo& tensor(int id) const { return tensors.at(id); }
  int num_classes() const { return tensor(output).channels; }
  int input_height() const { return tensor(input).height; }
  int input_width() const { return tensor(input).width; }

  int64_t layer_macs(const Layer& layer) const;
  int64_t macs() const;
  int64_t weight_bits() const;
  // Bound on |acc| of a conv layer (before the residual add).
  int64_t accumulator_bound(const Layer& layer) const;

  // Checks every structural invariant (ids, shapes, order, bounds); throws Error naming the layer.
  void validate() const;
};

// Builds a Network layer by layer, creating output tensors on demand. The ONNX importer and the
// zoo both go through it so that fusion and bookkeeping live in one place.
class NetworkBuilder {
 public:
  explicit NetworkBuilder(std::string name);

  int add_image(int channels, int height, int width);
  // Returns the 2-bit output tensor (scale 1).
  int add_pixel_embedding(const std::string& name, int image, std::vector<int> source_channel,
                          std::vector<std::array<uint8_t, 256>> table);
  // A conv on a kAct tensor; alpha is the weight scale per output channel. Returns the layer index.
  int add_conv(const std::string& name, int input, BinaryWeights weights, int stride, int pad,
               const std::vector<double>& alpha);
  // Adds the stream of `residual_layer` (materialised as its out_int) to `layer`'s accumulator.
  void add_residual(int layer, int residual_layer);
  // Quantizes the layer's stream to 2 bits; returns the kAct tensor.
  int add_activation(int layer, std::vector<Quantizer> quantizers, double out_scale);
  // Keeps the layer's stream as a kInt tensor (idempotent); returns it.
  int add_int_output(int layer);
  // Sums the layer's accumulator over pixels; returns the class-sum tensor (scale / pixels).
  int add_class_sum(int layer);

  const Layer& layer(int index) const { return net_.layers.at(index); }
  const TensorInfo& tensor(int id) const { return net_.tensors.at(id); }
  int num_layers() const { return static_cast<int>(net_.layers.size()); }
  // Scale and bound of the value the layer's post-processing sees (acc + residual).
  const std::vector<double>& stream_scale(int layer) const { return stream_scale_.at(layer); }
  int64_t stream_bound(int layer) const { return stream_bound_.at(layer); }
  int stream_height(int layer) const;
  int stream_width(int layer) const;

  Network finish(int output);

 private:
  int add_tensor(const std::string& name, TensorKind kind, int channels, int height, int width,
                 std::vector<double> scale, int64_t bound, int producer);

  Network net_;
  std::vector<std::vector<double>> stream_scale_;
  std::vector<int64_t> stream_bound_;
};

// Output size of a convolution along one axis.
inline int conv_out_size(int in, int kernel, int stride, int pad) { return (in + 2 * pad - kernel) / stride + 1; }

}  // namespace ernsim
