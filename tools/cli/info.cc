// `ernsim info`: every layer of a model with its shape, post-processing and value ranges: the
// worst case from the shapes (what a hardware width must hold) and the range observed on images.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/golden.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/heq_model.h"

namespace ernsim::cli {

namespace {

// Bits of a two's-complement integer holding every value in [-bound, bound].
int signed_bits(int64_t bound) {
  int bits = 1;
  while ((int64_t{1} << (bits - 1)) - 1 < bound) ++bits;
  return bits;
}

template <typename T>
std::string shape(const T& t) {
  return fmt::format("{}x{}x{}", t.channels, t.height, t.width);
}

// HEQ networks: per layer the operator, shapes, weight codes, the worst-case accumulator bound
// and its bits, the observed accumulator range, and the bits of the output.
int info_heq(const po::variables_map& vm) {
  const heq::Network net = load_heq_model(vm);
  const std::vector<ActTensor> images = load_heq_images(vm, net);
  std::vector<int32_t> lo(net.layers.size(), std::numeric_limits<int32_t>::max());
  std::vector<int32_t> hi(net.layers.size(), std::numeric_limits<int32_t>::min());
  GoldenOptions golden;
  golden.keep_tensors = false;
  for (const ActTensor& image : images) {
    const heq::GoldenResult r = heq::run_golden(net, image, golden);
    for (size_t index = 0; index < net.layers.size(); ++index) {
      lo[index] = std::min(lo[index], r.acc_range[index].first);
      hi[index] = std::max(hi[index], r.acc_range[index].second);
    }
  }
  fmt::print("{}: {}x{} input, {} classes, {} layers, {} MACs, {} conv weights, {} FC weights\n\n", net.name,
             net.input_height(), net.input_width(), net.num_classes(), net.layers.size(), net.macs(), net.conv_params(),
             net.fc_params());
  fmt::print("{:>3} {:<18} {:<9} {:<12} {:<12} {:<8} {:>9} {:>4} {:>17} {:<6}\n", "#", "layer", "op", "input", "output",
             "weights", "|acc|<=", "bits", "observed acc", "out");
  for (size_t index = 0; index < net.layers.size(); ++index) {
    const heq::Layer& l = net.layers[index];
    const heq::TensorInfo& out = net.tensor(l.output);
    std::string input = shape(net.tensor(l.input));
    if (l.input2 >= 0) input += "," + net.tensor(l.input2).name;
    const bool weighted = l.kind == heq::LayerKind::kConv || l.kind == heq::LayerKind::kFc;
    std::string codes, bound, bits, observed;
    if (weighted) {
      codes = fmt::format("[{},{}]", l.weights.min_code(), l.weights.max_code());
      const int64_t b = net.accumulator_bound(l);
      bound = std::to_string(b);
      bits = std::to_string(signed_bits(b));
      observed = fmt::format("[{}, {}]", lo[index], hi[index]);
    }
    fmt::print("{:>3} {:<18} {:<9} {:<12} {:<12} {:<8} {:>9} {:>4} {:>17} {:<6}\n", index, l.name, to_string(l.kind),
               input, shape(out), codes, bound, bits, observed, to_string(out.kind));
  }
  fmt::print("\nBounds are worst cases over every input (|acc| <= max|code| * max input * fan-in);\n"
             "'observed' is the accumulator range on {} image(s). Logits = scale * sum + bias (host).\n",
             images.size());
  return 0;
}

}  // namespace

int run_info(int argc, char** argv) {
  po::options_description options("info options");
  add_model_options(options);
  // clang-format off
  options.add_options()
      ("input", po::value<std::string>(), "images for the observed ranges (default: synthetic)")
      ("images", po::value<std::string>(), with_range("number of synthetic images (default 2)", kImagesRange).c_str());
  // clang-format on
  po::variables_map vm;
  if (!parse_command(argc, argv,
                     "usage: ernsim info [--model FILE.onnx|zoo:NAME] [--size N] [--input IMAGES.npy]\n\n"
                     "ERN and HEQ models (HEQ: per layer the operator, codes, accumulator bound and bits).\n"
                     "Layers with shapes, kernels, the residual structure, and per layer the worst-case\n"
                     "bound of the accumulator and of the residual stream (and the bits they need),\n"
                     "beside the range observed on the images.",
                     options, vm)) {
    return 0;
  }
  if (is_heq_model(vm)) return info_heq(vm);
  const Network net = load_model(vm);
  const std::vector<ActTensor> images = load_images(vm, net);

  // Observed range of the value each layer's post-processing sees (acc + residual).
  std::vector<int32_t> lo(net.layers.size(), std::numeric_limits<int32_t>::max());
  std::vector<int32_t> hi(net.layers.size(), std::numeric_limits<int32_t>::min());
  GoldenOptions golden;
  golden.keep_tensors = false;
  for (const ActTensor& image : images) {
    const GoldenResult r = run_golden(net, image, golden);
    for (size_t index = 0; index < net.layers.size(); ++index) {
      lo[index] = std::min(lo[index], r.stream_range[index].first);
      hi[index] = std::max(hi[index], r.stream_range[index].second);
    }
  }

  fmt::print("{}: {}x{} input, {} classes, {} layers, {} MACs, {} binary weights\n\n", net.name, net.input_height(),
             net.input_width(), net.num_classes(), net.layers.size(), net.macs(), net.weight_bits());
  fmt::print("{:>3} {:<34} {:<12} {:<12} {:>4} {:<15} {:>9} {:>4} {:>10} {:>4} {:>17}\n", "#", "layer", "input",
             "output", "k/s", "outputs", "|acc|<=", "bits", "|stream|<=", "bits", "observed stream");
  for (size_t index = 0; index < net.layers.size(); ++index) {
    const Layer& l = net.layers[index];
    const TensorInfo& in = net.tensor(l.input);
    if (!l.is_conv()) {
      fmt::print("{:>3} {:<34} {:<12} {:<12} {:>4} {:<15}\n", index, l.name, shape(in), shape(net.tensor(l.out_act)),
                 "LUT", "act");
      continue;
    }
    std::string outs;
    if (l.residual >= 0) outs += "+res ";
    if (l.out_act >= 0) outs += "act ";
    if (l.out_int >= 0) outs += "int ";
    if (l.out_sum >= 0) outs += "sum ";
    const int64_t acc_bound = net.accumulator_bound(l);
    const int64_t stream_bound = acc_bound + (l.residual >= 0 ? net.tensor(l.residual).bound : 0);
    const TensorInfo& out = net.tensor(l.outputs().front());
    const std::string observed = fmt::format("[{}, {}]", lo[index], hi[index]);
    fmt::print("{:>3} {:<34} {:<12} {:<12} {:>4} {:<15} {:>9} {:>4} {:>10} {:>4} {:>17}\n", index, l.name, shape(in),
               fmt::format("{}x{}x{}", l.weights.out_channels(), out.height, out.width),
               fmt::format("{}/{}", l.kernel(), l.stride), outs, acc_bound, signed_bits(acc_bound), stream_bound,
               signed_bits(stream_bound), observed);
  }
  fmt::print("\nBounds are worst cases over every input (|acc| <= 3 * k^2 * Cin; a stream adds its\n"
             "residual's bound); 'observed' is the range of acc (+ residual) on {} image(s).\n",
             images.size());
  return 0;
}

}  // namespace ernsim::cli
