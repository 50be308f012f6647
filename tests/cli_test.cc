// The ernsim command line as users meet it: the fixtures through `ernsim infer`, and every kind of
// bad input answered with one clear line and a non-zero exit.
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "models/npy.h"
#include "tests/cli_helpers.h"
#include "tests/fixtures.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

class FixtureCli : public ::testing::TestWithParam<const char*> {};

TEST_P(FixtureCli, InferReproducesTheLibraryLogits) {
  const std::string base = fixture_path(GetParam());
  if (base.empty()) GTEST_SKIP() << "../shared/fixtures/ern is absent";
  TempDir dir;
  const CommandResult r =
      run_ernsim("infer --model " + base + ".onnx --input " + base + ".input.npy --output " + dir.file("logits.npy"));
  ASSERT_EQ(r.status, 0) << r.output;
  const std::vector<float> got = read_npy(dir.file("logits.npy")).values<float>();
  const NpyArray expected_array = read_npy(base + ".output.npy");
  const std::vector<float> expected = expected_array.values<float>();
  ASSERT_EQ(got.size(), expected.size());
  double max_err = 0, max_abs = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    max_err = std::max(max_err, std::fabs(static_cast<double>(got[i]) - expected[i]));
    max_abs = std::max(max_abs, std::fabs(static_cast<double>(expected[i])));
  }
  EXPECT_LT(max_err / max_abs, 1e-5);
  // The printed top-1 classes are the reference's.
  const int classes = static_cast<int>(expected_array.shape[1]);
  for (int64_t i = 0; i < expected_array.shape[0]; ++i) {
    const float* row = &expected[i * classes];
    const int best = static_cast<int>(std::max_element(row, row + classes) - row);
    EXPECT_THAT(r.output, HasSubstr(fmt::format("image {:>3}: top-1 class {:>4}", i, best)));
  }
}

INSTANTIATE_TEST_SUITE_P(Ern, FixtureCli, ::testing::ValuesIn(kFixtureNames));

TEST(Cli, DumpLayersWritesEveryTensor) {
  const std::string base = fixture_path("mini_basic_32_s3");
  if (base.empty()) GTEST_SKIP() << "../shared/fixtures/ern is absent";
  TempDir dir;
  const CommandResult r =
      run_ernsim("infer --model " + base + ".onnx --input " + base + ".input.npy --dump-layers " + dir.file("layers"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir.file("layers/index.json")));
  // The pixel embedding output: 3 images x 30 channels, 2-bit values.
  const NpyArray pe = read_npy(dir.file("layers/001_pixel_embedding.npy"));
  EXPECT_EQ(pe.shape, (std::vector<int64_t>{3, 30, 32, 32}));
  for (uint8_t v : pe.bytes) ASSERT_LE(v, 3);
}

TEST(Cli, ZooModelRunsWithSyntheticImages) {
  const CommandResult r = run_ernsim("infer --model zoo:ERNs18-0.75x --size 32 --images 2");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("image   1: top-1 class"));
}

TEST(Cli, ZooTableListsEveryModel) {
  const CommandResult r = run_ernsim("zoo");
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* name : {"ERNs18-0.75x", "ERNs18 ", "ERNs34", "ERNs50", "ERNs101"}) {
    EXPECT_THAT(r.output, HasSubstr(name));
  }
  EXPECT_THAT(r.output, HasSubstr("1.40"));
  EXPECT_THAT(r.output, HasSubstr("5.31"));
}

// HEQ zoo models (heq-semantics.md): infer on both kernel paths with the same logits, every tensor
// dumped (the MUX gates too), info's bounds, and the zoo table with the paper's parameter counts.
TEST(Cli, HeqZooModelsInferDumpAndInfo) {
  TempDir dir;
  const std::string model = "infer --model zoo:MUXORNet-11 --size 16 --images 2 ";
  const CommandResult packed =
      run_ernsim(model + "--output " + dir.file("p.npy") + " --dump-layers " + dir.file("layers"));
  ASSERT_EQ(packed.status, 0) << packed.output;
  const CommandResult reference = run_ernsim(model + "--kernels reference --output " + dir.file("r.npy"));
  ASSERT_EQ(reference.status, 0) << reference.output;
  const NpyArray p = read_npy(dir.file("p.npy")), r = read_npy(dir.file("r.npy"));
  EXPECT_EQ(p.shape, (std::vector<int64_t>{2, 10}));
  EXPECT_EQ(p.bytes, r.bytes);
  const std::string index = [&] {
    std::ifstream in(dir.file("layers/index.json"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  EXPECT_THAT(index, HasSubstr("block1.mux_or.gate"));
  EXPECT_THAT(index, HasSubstr("\"act1\""));
  const NpyArray gate = read_npy(dir.file("layers/006_block1.mux_or.gate.npy"));
  EXPECT_EQ(gate.shape, (std::vector<int64_t>{2, 64, 1, 1}));
  for (uint8_t v : gate.bytes) ASSERT_LE(v, 1);

  const CommandResult info = run_ernsim("info --model zoo:VGG-Small-W7 --size 8 --images 1");
  ASSERT_EQ(info.status, 0) << info.output;
  EXPECT_THAT(info.output, HasSubstr("4574592 conv weights"));
  // stage1.conv1 on the image: |acc| <= 3 * 255 * 27 = 20655, 16 signed bits.
  EXPECT_THAT(info.output, HasSubstr("[-3,3]       20655   16"));
  const CommandResult zoo = run_ernsim("zoo");
  ASSERT_EQ(zoo.status, 0) << zoo.output;
  for (const char* name : {"VGG-Small-W3", "VGG-Small-W5", "VGG-Small-W7", "VGG-11 ", "ORNet-11", "MUXORNet-11"}) {
    EXPECT_THAT(zoo.output, HasSubstr(name));
  }
  EXPECT_THAT(zoo.output, HasSubstr("4574592      4574592"));
  EXPECT_THAT(zoo.output, HasSubstr("3135168      3135168"));
}

TEST(Cli, HelpOnEveryCommand) {
  for (const char* command : {"infer", "info", "zoo"}) {
    const CommandResult r = run_ernsim(std::string(command) + " --help");
    EXPECT_EQ(r.status, 0) << command;
    EXPECT_THAT(r.output, HasSubstr(std::string("usage: ernsim ") + command));
  }
  EXPECT_EQ(run_ernsim("--help").status, 0);
}

TEST(Cli, BadArgumentsAreOneLineErrors) {
  expect_error("frobnicate", "unknown command 'frobnicate'");
  expect_error("infer --bogus", "unrecognised option '--bogus'");
  expect_error("infer --model zoo:ERNs19", "unknown zoo model 'ERNs19'");
  expect_error("infer --model zoo:ERNs18 --size 100", "multiple of 32");
  expect_error("infer --model /nonexistent/m.onnx", "/nonexistent/m.onnx: cannot open ONNX model");
  expect_error("infer --model zoo:ERNs18 --size 32 --kernels fast", "unknown kernel path 'fast'");
  expect_error("infer --model zoo:ERNs18 --size 32 --images 0", "--images 0");
}

TEST(Cli, BadImagesAreOneLineErrors) {
  TempDir dir;
  const std::string model = "infer --model zoo:ERNs18-0.75x --size 32 --input ";
  std::vector<float> floats(2 * 3 * 32 * 32);
  write_npy(dir.file("float.npy"), NpyType::kFloat32, {2, 3, 32, 32}, floats.data());
  expect_error(model + dir.file("float.npy"),
               "images must be uint8 N x 3 x H x W, got float32 of shape (2, 3, 32, 32)");
  std::vector<uint8_t> bytes(4 * 3 * 32 * 32);
  write_npy(dir.file("rank3.npy"), NpyType::kUint8, {3, 32, 32}, bytes.data());
  expect_error(model + dir.file("rank3.npy"), "got uint8 of shape (3, 32, 32)");
  write_npy(dir.file("four.npy"), NpyType::kUint8, {1, 4, 32, 32}, bytes.data());
  expect_error(model + dir.file("four.npy"), "got uint8 of shape (1, 4, 32, 32)");
  write_npy(dir.file("size.npy"), NpyType::kUint8, {1, 3, 64, 16}, bytes.data());
  expect_error(model + dir.file("size.npy"), "images are 64x16, the model expects 32x32");
  std::ofstream(dir.file("junk.npy")) << "not a numpy file";
  expect_error(model + dir.file("junk.npy"), "junk.npy");
  expect_error(model + dir.file("missing.npy"), "missing.npy");
}

TEST(Cli, FailedOutputLeavesNoPartialFile) {
  TempDir dir;
  expect_error("infer --model zoo:ERNs18-0.75x --size 32 --output " + dir.file("no/such/dir/out.npy"),
               "directory " + dir.file("no/such/dir") + " does not exist");
  EXPECT_FALSE(std::filesystem::exists(dir.file("no/such/dir/out.npy.tmp")));
}

TEST(Cli, MalformedOnnxIsAOneLineError) {
  TempDir dir;
  std::ofstream(dir.file("bad.onnx")) << std::string(100, '\x07') << "garbage";
  expect_error("infer --model " + dir.file("bad.onnx"), "bad.onnx: not a valid ONNX model");
  std::ofstream(dir.file("empty.onnx")).close();
  expect_error("info --model " + dir.file("empty.onnx"), "empty.onnx: empty file");
  const std::string base = fixture_path("mini_basic_32_s3");
  if (base.empty()) return;
  std::ifstream in(base + ".onnx", std::ios::binary);
  std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(dir.file("cut.onnx"), std::ios::binary) << whole.substr(0, whole.size() / 2);
  expect_error("infer --model " + dir.file("cut.onnx"), "cut.onnx");
}

}  // namespace
}  // namespace ernsim
