// `ernsim infer`: golden inference of an ERN or HEQ model on a batch of images.
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/golden.h"
#include "models/npy.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/heq_model.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim infer [--model FILE.onnx|zoo:NAME] [--size N] [--input IMAGES.npy]\n"
    "                    [--output LOGITS.npy] [--dump-layers DIR] [--kernels packed|reference]\n\n"
    "Bit-exact integer inference of an ERN or HEQ model (HEQ: the HEQ zoo names or a QONNX file;\n"
    "see `ernsim zoo`). Images are uint8 N x 3 x H x W (.npy); without --input a seeded\n"
    "synthetic set is used. Logits are written as float32 N x classes; the top-1 class of each\n"
    "image is printed. --dump-layers writes every tensor (N x C x H x W) and an index.json.";

// Runs the images through `run` (the golden model of either family), prints top-1 and timing,
// writes the logits and the tensors as asked.
template <typename Net, typename Result>
int infer_images(const po::variables_map& vm, const Net& net, const std::vector<ActTensor>& images,
                 const GoldenOptions& golden, Result (*run)(const Net&, const ActTensor&, const GoldenOptions&),
                 void (*dump)(const std::string&, const Net&, const std::vector<Result>&, const std::string&)) {
  std::vector<Result> runs;
  std::vector<std::vector<float>> logits;
  double total_ms = 0;
  for (size_t i = 0; i < images.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    Result r = run(net, images[i], golden);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    total_ms += ms;
    const int best = top1(r.logits);
    fmt::print("image {:>3}: top-1 class {:>4}  logit {:>10.6f}  ({:.1f} ms)\n", i, best, r.logits[best], ms);
    logits.push_back(r.logits);
    if (golden.keep_tensors) runs.push_back(std::move(r));
  }
  fmt::print("{} image(s), {:.1f} ms per image\n", images.size(), total_ms / images.size());
  if (vm.count("output")) {
    write_float_matrix(vm["output"].as<std::string>(), logits);
    fmt::print("logits written to {}\n", vm["output"].as<std::string>());
  }
  if (vm.count("dump-layers")) {
    dump(vm["dump-layers"].as<std::string>(), net, runs, "--dump-layers");
    fmt::print("{} tensors written to {}\n", net.tensors.size(), vm["dump-layers"].as<std::string>());
  }
  return 0;
}

int infer_heq(const po::variables_map& vm, const GoldenOptions& golden) {
  const heq::Network net = load_heq_model(vm);
  const std::vector<ActTensor> images = load_heq_images(vm, net);
  fmt::print("{}: {}x{} input, {} layers, {} conv + {} FC weights, {:.3f} GMAC/image, {} kernels\n", net.name,
             net.input_height(), net.input_width(), net.layers.size(), net.conv_params(), net.fc_params(),
             net.macs() / 1e9, to_string(golden.path));
  return infer_images(vm, net, images, golden, &heq::run_golden, &dump_tensors<heq::Network, heq::GoldenResult>);
}

}  // namespace

int run_infer(int argc, char** argv) {
  po::options_description options("infer options");
  add_model_options(options);
  // clang-format off
  options.add_options()
      ("input", po::value<std::string>(), "images, uint8 N x 3 x H x W .npy")
      ("images", po::value<std::string>(), with_range("number of synthetic images without --input (default 2)", kImagesRange).c_str())
      ("output", po::value<std::string>(), "write logits, float32 N x classes .npy")
      ("dump-layers", po::value<std::string>(), "write every tensor of every image to DIR")
      ("kernels", po::value<std::string>()->default_value("packed"), "packed or reference");
  // clang-format on
  po::variables_map vm;
  if (!parse_command(argc, argv, kUsage, options, vm)) return 0;
  GoldenOptions golden;
  golden.path = parse_kernel_path(vm["kernels"].as<std::string>());
  golden.keep_tensors = vm.count("dump-layers") > 0;
  if (vm.count("output")) check_output_path(vm["output"].as<std::string>(), "--output");
  if (is_heq_model(vm)) return infer_heq(vm, golden);

  const Network net = load_model(vm);
  const std::vector<ActTensor> images = load_images(vm, net);
  fmt::print("{}: {}x{} input, {} layers, {:.2f} MiB binary weights, {:.3f} GMAC/image, {} kernels\n", net.name,
             net.input_height(), net.input_width(), net.layers.size(), net.weight_bits() / 8.0 / (1 << 20),
             net.macs() / 1e9, to_string(golden.path));
  return infer_images(vm, net, images, golden, &run_golden, &dump_tensors<Network, GoldenResult>);
}

}  // namespace ernsim::cli
