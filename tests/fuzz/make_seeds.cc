// Writes the fuzzers' seed corpora: small valid ERN graphs (tests/onnx_graph_writer.h), small QONNX
// graphs of the three HEQ / CNV forms (tests/qonnx_graph_writer.h) and .npy
// files of every supported type and header version, so that fuzzing starts from inputs that get
// deep into the parsers.
#include <fmt/core.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "models/npy.h"
#include "tests/onnx_graph_writer.h"
#include "tests/qonnx_graph_writer.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: make_seeds ONNX_DIR NPY_DIR\n");
    return 2;
  }
  const std::string onnx_dir = argv[1], npy_dir = argv[2];
  for (int width : {4, 8, 16}) {
    for (bool learned : {false, true}) {
      ernsim::GraphWriter g;
      g.build_ern(width, learned);
      std::ofstream(fmt::format("{}/ern_w{}{}.onnx", onnx_dir, width, learned ? "_lut" : ""), std::ios::binary)
          << g.bytes();
    }
  }
  using Variant = ernsim::QonnxGraphWriter::Variant;
  const std::pair<const char*, Variant> variants[] = {
      {"mux_or", Variant::kMuxOr}, {"or_bipolar", Variant::kOrBipolar}, {"vgg_small_w5", Variant::kVggSmallW5}};
  for (const auto& [name, variant] : variants) {
    std::ofstream(fmt::format("{}/qonnx_{}.onnx", onnx_dir, name), std::ios::binary)
        << ernsim::QonnxGraphWriter(variant).bytes();
  }
  // The version-dependent BatchNormalization attributes the importer checks: spatial (opsets 7
  // and 8) and training_mode (from opset 14).
  for (const auto& [opset, attribute] : {std::pair<int64_t, const char*>{8, "spatial"}, {14, "training_mode"}}) {
    ernsim::GraphWriter g;
    g.build_ern(4);
    g.set_opset("", opset);
    for (auto& node : *g.graph().mutable_node()) {
      if (node.op_type() == "BatchNormalization") {
        ernsim::GraphWriter::int_attr(&node, attribute, std::string(attribute) == "spatial" ? 1 : 0);
      }
    }
    std::ofstream(fmt::format("{}/ern_opset{}_{}.onnx", onnx_dir, opset, attribute), std::ios::binary) << g.bytes();
  }
  std::vector<uint8_t> pixels(2 * 3 * 4 * 5);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7);
  ernsim::write_npy(npy_dir + "/images.npy", ernsim::NpyType::kUint8, {2, 3, 4, 5}, pixels.data());
  std::vector<int32_t> ints = {1, -2, 3, -4, 5, -6};
  ernsim::write_npy(npy_dir + "/int32.npy", ernsim::NpyType::kInt32, {2, 3}, ints.data());
  std::vector<float> floats = {0.5f, -1.25f, 3.0f};
  ernsim::write_npy(npy_dir + "/float32.npy", ernsim::NpyType::kFloat32, {3}, floats.data());
  ernsim::write_npy(npy_dir + "/scalar.npy", ernsim::NpyType::kInt32, {}, ints.data());
  ernsim::write_npy(npy_dir + "/empty.npy", ernsim::NpyType::kUint8, {0, 3, 4, 4}, nullptr);
  return 0;
}
