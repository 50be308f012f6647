// The Verilated layer engine in the SystemC testbench, on the small configuration (CI speed):
// every layer of the fixtures and of zoo models bit-exact, hundreds of random layers, the timing
// model, the scoreboard, the watchdog, the stream-width check and the traces. Each test runs in a
// process of its own, since SystemC elaborates once per process.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "models/error.h"
#include "models/golden.h"
#include "models/kernels/binary_conv.h"
#include "models/kernels/class_sum.h"
#include "models/kernels/threshold_activation.h"
#include "models/onnx_import.h"
#include "models/random_layer_case.h"
#include "models/zoo.h"
#include "sim/compiler/tiling.h"
#include "sim/drivers/golden_layers.h"
#include "sim/hw_config.h"
#include "sim/testbench/sc_testbench.h"
#include "tests/fixtures.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

const char* const kConfig = "small";

std::vector<int> all_layers(const Network& net) {
  std::vector<int> layers(net.layers.size());
  for (size_t i = 0; i < layers.size(); ++i) layers[i] = static_cast<int>(i);
  return layers;
}

// Runs every layer of a network on the engine for each image; asserts bit-exactness and that
// every layer took exactly the cycles the timing model predicts.
void expect_network_bit_exact(const Network& net, const std::vector<ActTensor>& images) {
  const HwConfig config = load_hw_config(kConfig);
  Scoreboard scoreboard;
  std::vector<LayerReport> reports;
  run_sc_engine(config, {}, [&](EnginePort& port) {
    check_engine_config(port, config);
    for (const ActTensor& image : images) {
      const GoldenResult golden = run_golden(net, image);
      const auto r = run_network_layers(port, config, net, golden, all_layers(net), scoreboard);
      reports.insert(reports.end(), r.begin(), r.end());
    }
  });
  EXPECT_TRUE(scoreboard.passed()) << scoreboard.report();
  EXPECT_GT(scoreboard.compared(), 0);
  for (const LayerReport& r : reports) {
    EXPECT_EQ(r.stats.cycles, r.stats.predicted_cycles) << r.name;
    EXPECT_GT(r.stats.jobs, 0) << r.name;
  }
}

class FixtureOnEngine : public ::testing::TestWithParam<const char*> {};

TEST_P(FixtureOnEngine, EveryLayerBitExact) {
  const std::string base = fixture_path(GetParam());
  if (base.empty()) GTEST_SKIP() << "../shared/fixtures/ern is absent";
  std::vector<ActTensor> images = fixture_images(base + ".input.npy");
  // The first (noise) and the last (a smooth gradient) image.
  images = {images.front(), images.back()};
  expect_network_bit_exact(import_onnx(base + ".onnx"), images);
}

INSTANTIATE_TEST_SUITE_P(Ern, FixtureOnEngine, ::testing::ValuesIn(kFixtureNames));

class ZooOnEngine : public ::testing::TestWithParam<const char*> {};

TEST_P(ZooOnEngine, EveryLayerBitExact) {
  const Network net = build_zoo_network(find_zoo_model(GetParam()), 32);
  expect_network_bit_exact(net, zoo_images(1, 32, 7));
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooOnEngine, ::testing::Values("ERNs18", "ERNs50"));

// Random layers in batches, so that ctest runs them in parallel: 3 x 120 = 360.
class RandomLayers : public ::testing::TestWithParam<int> {};

TEST_P(RandomLayers, BitExactWithPredictedCycles) {
  const HwConfig config = load_hw_config(kConfig);
  const int batch = GetParam();
  constexpr int kPerBatch = 120;
  int passed = 0, tiled = 0, sum_cases = 0;
  run_sc_engine(config, {}, [&](EnginePort& port) {
    for (int i = 0; i < kPerBatch; ++i) {
      const RandomLayerCase c =
          make_random_layer(static_cast<uint64_t>(batch * kPerBatch + i), config.random_layer_bounds());
      LayerRunStats stats;
      const LayerOutputs got = run_layer(port, config, c.view(), stats);
      Scoreboard sb;
      if (c.layer.out_act >= 0) sb.compare("random", "act", c.expected.act, got.act);
      if (c.layer.out_int >= 0) sb.compare("random", "stream", c.expected.stream, got.stream);
      if (c.layer.out_sum >= 0) sb.compare("random", "sums", c.expected.sums, got.sums);
      EXPECT_TRUE(sb.passed()) << "seed " << c.seed << ": " << c.description << "\n" << sb.report();
      EXPECT_EQ(stats.cycles, stats.predicted_cycles) << "seed " << c.seed;
      EXPECT_EQ(stats.overflows, 0u) << "seed " << c.seed;
      EXPECT_FALSE(stats.tile_error) << "seed " << c.seed;
      passed += sb.passed();
      tiled += stats.jobs > 1;
      sum_cases += c.layer.out_sum >= 0;
    }
  });
  EXPECT_EQ(passed, kPerBatch);
  // Every batch exercises tiling and class sums, not only single-job layers.
  EXPECT_GE(tiled, 3);
  EXPECT_GE(sum_cases, 3);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomLayers, ::testing::Values(0, 1, 2));

// A layer whose output is computed by hand: cycles = og * rows * pixel groups * taps * blocks + 7.
TEST(EngineTiming, HandComputedCycles) {
  const HwConfig config = load_hw_config(kConfig);  // 8 channels x 2 pixels
  ASSERT_EQ(config.pe_out, 8);
  ASSERT_EQ(config.pe_pix, 2);
  Layer layer;
  layer.kind = LayerKind::kConv;
  layer.stride = 1;
  layer.pad = 1;
  layer.weights = BinaryWeights(16, 100, 3);  // 2 channel groups, 2 input blocks
  layer.out_act = 0;
  layer.quantizers.assign(16, Quantizer{ActMode::kIncreasing, {-1, 0, 1}, 0});
  const ActTensor input(100, 8, 7, 1);  // 7 columns: 4 pixel groups of 2
  const LayerCase lc{"hand", &layer, &input, nullptr};
  LayerRunStats stats;
  run_sc_engine(config, {}, [&](EnginePort& port) { run_layer(port, config, lc, stats); });
  EXPECT_EQ(stats.jobs, 1);
  EXPECT_EQ(stats.cycles, 2u * 8 * 4 * 9 * 2 + 7);
}

TEST(EngineTiming, HandComputedEmbeddingCycles) {
  const HwConfig config = load_hw_config(kConfig);
  const Network net = build_zoo_network(find_zoo_model("ERNs18"), 32);
  const GoldenResult golden = run_golden(net, zoo_images(1, 32, 1).front());
  LayerRunStats stats;
  run_sc_engine(config, {},
                [&](EnginePort& port) { run_layer(port, config, network_layer_case(net, 0, golden), stats); });
  // 32 x 32 pixels, one per cycle: ImgDepth 1024 holds all 32 rows.
  EXPECT_EQ(stats.jobs, 1);
  EXPECT_EQ(stats.cycles, 32u * 32 + 4);
}

// Layers larger than the buffers are tiled by rows and by channel groups, class sums accumulate
// across row tiles, and the result is still exact.
TEST(EngineTiling, LargeLayersAreTiledAndExact) {
  const HwConfig config = load_hw_config(kConfig);
  std::mt19937_64 rng(9);
  auto make = [&](int in_c, int out_c, bool sums) {
    Layer l;
    l.kind = LayerKind::kConv;
    l.stride = 1;
    l.pad = 1;
    l.weights = BinaryWeights(out_c, in_c, 3);
    for (int o = 0; o < out_c; ++o) {
      for (int i = 0; i < in_c; ++i) {
        for (int t = 0; t < 9; ++t) l.weights.set_sign(o, i, t / 3, t % 3, (rng() & 1) ? 1 : -1);
      }
    }
    if (sums) {
      l.out_sum = 0;
    } else {
      l.out_act = 0;
      l.quantizers.assign(out_c, Quantizer{ActMode::kDecreasing, {20, 0, -20}, 0});
    }
    return l;
  };
  const Layer wide = make(128, 600, false);  // needs row tiles and channel ranges
  const Layer sums = make(64, 40, true);     // class sums over several row tiles
  ActTensor in_wide(128, 28, 28), in_sums(64, 48, 48);
  for (auto& v : in_wide.data()) v = static_cast<uint8_t>(rng() & 3);
  for (auto& v : in_sums.data()) v = static_cast<uint8_t>(rng() & 3);
  LayerRunStats wide_stats, sums_stats;
  LayerOutputs wide_out, sums_out;
  run_sc_engine(config, {}, [&](EnginePort& port) {
    wide_out = run_layer(port, config, {"wide", &wide, &in_wide, nullptr}, wide_stats);
    sums_out = run_layer(port, config, {"sums", &sums, &in_sums, nullptr}, sums_stats);
  });
  const IntTensor wide_acc = binary_conv_reference(in_wide, wide.weights, {1, 1});
  EXPECT_EQ(wide_out.act, threshold_activation(wide_acc, wide.quantizers));
  // Tiled both ways: several row tiles and several channel ranges.
  std::set<int> row_tiles, channel_ranges;
  for (const JobPlan& j : plan_layer(config, {"wide", &wide, &in_wide, nullptr}, full_budget(config))) {
    row_tiles.insert(j.out_y0);
    channel_ranges.insert(j.og0);
  }
  EXPECT_GE(row_tiles.size(), 2u);
  EXPECT_GE(channel_ranges.size(), 2u);
  EXPECT_EQ(sums_out.sums, class_sum(binary_conv_reference(in_sums, sums.weights, {1, 1})));
  EXPECT_GT(sums_stats.jobs, 1);
  EXPECT_EQ(wide_stats.cycles, wide_stats.predicted_cycles);
  EXPECT_EQ(sums_stats.cycles, sums_stats.predicted_cycles);
}

// The scoreboard is not vacuous: one corrupted expected value is one reported mismatch, with
// its coordinates and values.
TEST(Scoreboard, CatchesOneCorruptedExpectedValue) {
  const HwConfig config = load_hw_config(kConfig);
  const Network net = build_zoo_network(find_zoo_model("ERNs18-0.75x"), 32);
  GoldenResult golden = run_golden(net, zoo_images(1, 32, 3).front());
  const int index = 6;  // a 3x3 conv with a 2-bit output
  const Layer& layer = net.layers[index];
  ASSERT_GE(layer.out_act, 0);
  LayerOutputs outputs;
  LayerRunStats stats;
  run_sc_engine(config, {}, [&](EnginePort& port) {
    outputs = run_layer(port, config, network_layer_case(net, index, golden), stats);
  });
  Scoreboard clean;
  EXPECT_EQ(score_layer(clean, net, index, golden, outputs, stats), 0);
  EXPECT_TRUE(clean.passed());

  ActTensor& expected = golden.act[layer.out_act];
  const uint8_t original = expected.at(5, 3, 2);
  expected.at(5, 3, 2) = static_cast<uint8_t>((original + 1) & 3);
  Scoreboard corrupted;
  EXPECT_EQ(score_layer(corrupted, net, index, golden, outputs, stats), 1);
  ASSERT_FALSE(corrupted.passed());
  ASSERT_EQ(corrupted.first_mismatches().size(), 1u);
  const Mismatch& m = corrupted.first_mismatches().front();
  EXPECT_EQ(m.layer, layer.name);
  EXPECT_EQ(m.tensor, "act");
  EXPECT_EQ(m.channel, 5);
  EXPECT_EQ(m.y, 3);
  EXPECT_EQ(m.x, 2);
  EXPECT_EQ(m.expected, (original + 1) & 3);
  EXPECT_EQ(m.got, original);
  EXPECT_THAT(corrupted.report(), HasSubstr("1 mismatches"));
}

TEST(EngineChecks, StreamOverflowIsReported) {
  // acc + residual beyond 16 bits: the engine counts it and the run reports an error.
  const HwConfig config = load_hw_config(kConfig);
  Layer l;
  l.kind = LayerKind::kConv;
  l.weights = BinaryWeights(8, 64, 1);
  for (int i = 0; i < 64; ++i) {
    for (int o = 0; o < 8; ++o) l.weights.set_sign(o, i, 0, 0, 1);
  }
  l.residual = 0;
  l.out_int = 0;
  const ActTensor input(64, 2, 2, 3);  // acc = 192 everywhere
  IntTensor residual(8, 2, 2, 32700);  // 32,892 does not fit 16 bits
  residual.at(3, 1, 1) = 0;
  LayerRunStats stats;
  run_sc_engine(config, {}, [&](EnginePort& port) {
    run_layer(port, config, {"overflow", &l, &input, &residual}, stats);
  });
  EXPECT_EQ(stats.overflows, 8u * 4 - 1);
}

TEST(EngineChecks, WatchdogNamesTheStuckState) {
  const HwConfig config = load_hw_config(kConfig);
  Layer l;
  l.kind = LayerKind::kConv;
  l.weights = BinaryWeights(8, 64, 1);
  l.out_act = 0;
  l.quantizers.assign(8, Quantizer{});
  const ActTensor input(64, 4, 4, 1);
  SimOptions options;
  options.watchdog_cycles = 500;
  try {
    run_sc_engine(config, options, [&](EnginePort& port) {
      port.set_hold(true);  // the sequencer never issues a step
      LayerRunStats stats;
      run_layer(port, config, {"stuck", &l, &input, nullptr}, stats);
    });
    FAIL() << "the watchdog did not fire";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()),
                HasSubstr("watchdog: the engine made no progress for 500 cycles (state conv, 0 steps"));
  }
}

// The assertions of rtl/assert/ are bound into the accelerator: one that fails ends the run as a
// failed check (exit status 1 in the CLI) with one line naming it.
TEST(EngineChecks, AFailedAssertionIsAOneLineFailedCheck) {
  if (!ERNSIM_ASSERTIONS) GTEST_SKIP() << "built with -DERNSIM_ASSERTIONS=OFF";
  const HwConfig config = load_hw_config(kConfig);
  try {
    // Entry 1030 of the 576-entry weight buffer: its RAM keeps 10 address bits and would write entry 6.
    run_sc_engine(config, {}, [&](EnginePort& port) { port.write(EngineBuffer::kWgt, 0, 1030, 0, 1); });
    FAIL() << "no assertion failed";
  } catch (const CheckFailure& e) {
    const std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("RTL assertion EngWriteInRange failed at cycle "));
    EXPECT_THAT(what, HasSubstr("ern_layer_engine_sva.sv:"));
    EXPECT_THAT(what,
                HasSubstr("host write to buffer 2 bank 0 entry 1030: outside the buffer (1 banks of 576 entries)"));
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

TEST(EngineChecks, ConfigurationMismatchIsAnError) {
  HwConfig config = load_hw_config(kConfig);
  config.pe_out = 16;  // not what the compiled RTL has
  try {
    run_sc_engine(config, {}, [&](EnginePort& port) { check_engine_config(port, config); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("the engine has PeOut = 8, configuration small says 16"));
  }
}

// ------------------------------------------------------------------------------------------------
// Through the command line: tracing, reports and the default (64 x 64) configuration.

struct CommandResult {
  int status;
  std::string output;
};

CommandResult run(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  CommandResult r{-1, ""};
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/ernsim_rtl_XXXXXX";
  return mkdtemp(tmpl);
}

// The timestamps (#...) of a VCD, in simulation time units.
std::vector<uint64_t> vcd_times(const std::string& vcd) {
  std::vector<uint64_t> times;
  std::istringstream in(vcd);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == '#') times.push_back(std::stoull(line.substr(1)));
  }
  return times;
}

TEST(Trace, FstWindowReadsBack) {
  const std::string dir = temp_dir();
  const std::string fst = dir + "/window.fst";
  const CommandResult r =
      run(std::string(ERNSIM_BINARY) + " layers --model zoo:ERNs18-0.75x --size 32 --config small --layer 4 --trace " +
          fst + " --trace-window 300:420");
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(std::filesystem::exists(fst));
  const CommandResult vcd = run("fst2vcd -f " + fst);
  ASSERT_EQ(vcd.status, 0);
  EXPECT_THAT(vcd.output, HasSubstr("$var"));
  EXPECT_THAT(vcd.output, HasSubstr("steps_o"));
  const std::vector<uint64_t> times = vcd_times(vcd.output);
  ASSERT_FALSE(times.empty());
  // 10 ns cycles in picoseconds: the window's first and last edges.
  EXPECT_EQ(times.front(), 300u * 10000);
  EXPECT_LT(times.back(), 420u * 10000);
  EXPECT_GE(times.back(), 419u * 10000);
  std::filesystem::remove_all(dir);
}

TEST(Trace, VcdOnRequest) {
  const std::string dir = temp_dir();
  const std::string vcd = dir + "/window.vcd";
  const CommandResult r =
      run(std::string(ERNSIM_BINARY) + " layers --model zoo:ERNs18-0.75x --size 32 --config small --layer 4 --trace " +
          vcd + " --trace-window 100:150");
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(vcd);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("$enddefinitions"));
  const std::vector<uint64_t> times = vcd_times(text);
  ASSERT_FALSE(times.empty());
  EXPECT_EQ(times.front(), 100u * 10000);
  EXPECT_FALSE(std::filesystem::exists(vcd + ".tmp.fst"));
  std::filesystem::remove_all(dir);
}

TEST(Cli, LayersReportOnTheDefaultConfiguration) {
  const std::string dir = temp_dir();
  const CommandResult r =
      run(std::string(ERNSIM_BINARY) + " layers --model zoo:ERNs18-0.75x --size 64 --config default --report " + dir +
          "/r.json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASSED: every output bit-exact"));
  std::ifstream in(dir + "/r.json");
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* key :
       {"\"total_cycles\"", "\"mismatches\": 0", "\"layers\"", "\"utilization\"", "\"predicted_cycles\""}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  std::filesystem::remove_all(dir);
}

TEST(Cli, RegressLayersPrintsItsSummary) {
  const CommandResult r = run(std::string(ERNSIM_BINARY) + " regress-layers --count 20 --seed 77 --config small");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("20 random layers on configuration small: 20 passed, 0 failed"));
}

TEST(Cli, EngineOptionErrors) {
  const std::string bin = ERNSIM_BINARY;
  CommandResult r = run(bin + " layers --model zoo:ERNs18 --size 32 --config nonesuch");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("unknown hardware configuration 'nonesuch' (known: default, kv260, small, wide)"));
  r = run(bin + " layers --model zoo:ERNs18 --size 32 --config small --trace-window 5:9");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("--trace-window needs --trace FILE"));
  r = run(bin + " layers --model zoo:ERNs18 --size 32 --config small --trace /tmp/x.fst --trace-window 9:5");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("the window is empty"));
  r = run(bin + " layers --model zoo:ERNs18 --size 32 --config small --layer 99");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("--layer 99"));
}

}  // namespace
}  // namespace ernsim
