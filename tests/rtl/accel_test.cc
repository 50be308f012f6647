// Whole networks on the accelerator RTL (controller, DMA, engine) with the SystemC memory model,
// on the small configuration: fixtures and zoo models end to end, bit-exact at every layer with
// the golden model's logits; the memory model's effect; the stream-width check; the watchdog; the
// command line. Each test runs in a process of its own (SystemC elaborates once per process).
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/golden.h"
#include "models/npy.h"
#include "models/onnx_import.h"
#include "models/zoo.h"
#include "sim/compiler/program.h"
#include "sim/drivers/layer_mode.h"
#include "sim/drivers/program_mode.h"
#include "sim/testbench/sc_testbench.h"
#include "tests/fixtures.h"

namespace ernsim {
namespace {

using ::testing::HasSubstr;

struct EndToEnd {
  NetworkRunReport report;
  std::vector<GoldenResult> golden;
  Scoreboard scoreboard;
};

EndToEnd run_end_to_end(const Network& net, const std::vector<ActTensor>& images, int max_rows = 4) {
  const HwConfig config = load_hw_config("small");
  EndToEnd e;
  for (const ActTensor& image : images) e.golden.push_back(run_golden(net, image));
  CompileOptions options;
  options.max_rows = max_rows;
  const Program program = compile_program(net, config, options);
  Memory memory;
  write_model(memory, program, net, config);
  run_sc_sim(config, {}, memory, [&](SimPorts& ports) {
    check_engine_config(ports, config);
    e.report = run_network(ports, config, net, program, images, e.golden, e.scoreboard);
  });
  return e;
}

void expect_bit_exact(const EndToEnd& e, const Network& net) {
  EXPECT_TRUE(e.scoreboard.passed()) << e.scoreboard.report();
  EXPECT_GT(e.scoreboard.compared(), 0);
  ASSERT_EQ(e.report.logits.size(), e.golden.size());
  for (size_t i = 0; i < e.golden.size(); ++i) {
    // The host's one scale per class applied to the accelerator's sums: the golden logits exactly.
    EXPECT_EQ(e.report.logits[i], e.golden[i].logits) << "image " << i;
  }
  // Every cycle of the run is some layer's: the per-layer counters add up to the total.
  uint64_t sum = 0;
  for (const LayerRunReport& l : e.report.layers) {
    sum += l.cycles;
    EXPECT_LE(l.compute_cycles + l.load_stall_cycles + l.store_stall_cycles, l.cycles) << l.name;
    if (net.layers[static_cast<size_t>(l.index)].is_conv()) {
      EXPECT_GT(l.compute_cycles, 0u) << l.name;
    }
    EXPECT_GT(l.bytes_read, 0u) << l.name;
    EXPECT_GT(l.bytes_written, 0u) << l.name;
  }
  EXPECT_NEAR(static_cast<double>(sum), static_cast<double>(e.report.total_cycles), 2.0);
}

class FixtureEndToEnd : public ::testing::TestWithParam<const char*> {};

TEST_P(FixtureEndToEnd, EveryLayerBitExactAndTheLogits) {
  const std::string base = fixture_path(GetParam());
  if (base.empty()) GTEST_SKIP() << "../shared/fixtures/ern is absent";
  const Network net = import_onnx(base + ".onnx");
  const EndToEnd e = run_end_to_end(net, fixture_images(base + ".input.npy"));
  expect_bit_exact(e, net);
}

INSTANTIATE_TEST_SUITE_P(Ern, FixtureEndToEnd, ::testing::ValuesIn(kFixtureNames));

class ZooEndToEnd : public ::testing::TestWithParam<const char*> {};

TEST_P(ZooEndToEnd, EveryLayerBitExact) {
  const Network net = build_zoo_network(find_zoo_model(GetParam()), 32);
  const EndToEnd e = run_end_to_end(net, zoo_images(2, 32, 5));
  expect_bit_exact(e, net);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooEndToEnd, ::testing::Values("ERNs18", "ERNs50"));

// Whole layers per job (no row tiling) run as exactly as small tiles.
TEST(AccelTiling, UntiledProgramIsBitExactToo) {
  const Network net = build_zoo_network(find_zoo_model("ERNs18-0.75x"), 64);
  const EndToEnd e = run_end_to_end(net, zoo_images(1, 64, 9), 0);
  expect_bit_exact(e, net);
}

// A network whose residual stream outgrows 16 bits: a 3x3 conv over 2,048 channels of activations
// 3 with all weights +1 sums to 55,296. The run must report it, naming the layer.
TEST(AccelChecks, StreamOverflowIsAnErrorNamingTheLayer) {
  NetworkBuilder b("overflow");
  // 8 x 8: a 3x3 tile of 2,048 channels fits half of the small configuration's activation buffer.
  const int image = b.add_image(3, 8, 8);
  std::vector<std::array<uint8_t, 256>> tables(30);
  std::vector<int> source(30);
  for (int c = 0; c < 30; ++c) {
    source[c] = c / 10;
    tables[c].fill(1);
  }
  const int embedded = b.add_pixel_embedding("pixel_embedding", image, source, tables);
  // A projection whose stream the big conv adds: small values.
  const int proj =
      b.add_conv("projection", embedded, BinaryWeights(64, 30, 1), 1, 0, std::vector<double>(64, 1.0 / 32));
  // 2,048 channels at level 3 everywhere.
  const int wide = b.add_conv("wide", embedded, BinaryWeights(2048, 30, 1), 1, 0, std::vector<double>(2048, 0.01));
  const int wide_act = b.add_activation(wide, std::vector<Quantizer>(2048, Quantizer{ActMode::kConstant, {}, 3}), 1.0);
  BinaryWeights plus(64, 2048, 3);
  for (int o = 0; o < 64; ++o) {
    for (int i = 0; i < 2048; ++i) {
      for (int t = 0; t < 9; ++t) plus.set_sign(o, i, t / 3, t % 3, 1);
    }
  }
  const int big = b.add_conv("big", wide_act, plus, 1, 1, std::vector<double>(64, 1.0 / 32));
  b.add_residual(big, proj);
  const int act =
      b.add_activation(big, std::vector<Quantizer>(64, Quantizer{ActMode::kIncreasing, {0, 1, 2}, 0}), 2.0 / 3);
  b.add_int_output(big);
  const int cls = b.add_conv("classifier", act, BinaryWeights(10, 64, 1), 1, 0, std::vector<double>(10, 0.01));
  const Network net = b.finish(b.add_class_sum(cls));
  ActTensor pixels(3, 8, 8);
  for (size_t i = 0; i < pixels.size(); ++i) pixels.data()[i] = static_cast<uint8_t>(i * 41);
  const EndToEnd e = run_end_to_end(net, {pixels});
  ASSERT_FALSE(e.scoreboard.passed());
  EXPECT_GT(e.report.overflows, 0u);
  ASSERT_FALSE(e.scoreboard.errors().empty());
  EXPECT_THAT(e.scoreboard.errors().front(),
              HasSubstr("do not fit the configured 16-bit stream (first in layer 3, big)"));
}

// A job that waits for stores that never come: the watchdog names the stage it hangs in.
TEST(AccelChecks, WatchdogNamesTheStuckStage) {
  const HwConfig config = load_hw_config("small");
  const Network net = build_zoo_network(find_zoo_model("ERNs18-0.75x"), 32);
  Program program = compile_program(net, config);
  program.jobs[3].wait_stored = 1000;
  Memory memory;
  write_model(memory, program, net, config);
  SimOptions options;
  options.watchdog_cycles = 20000;
  const std::vector<ActTensor> images = zoo_images(1, 32, 1);
  const std::vector<GoldenResult> golden = {run_golden(net, images[0])};
  try {
    run_sc_sim(config, options, memory, [&](SimPorts& ports) {
      Scoreboard sb;
      run_network(ports, config, net, program, images, golden, sb);
    });
    FAIL() << "the watchdog did not fire";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("watchdog: the accelerator made no progress for 20000 cycles "
                                                 "(load stage waiting for stores it reads"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("3 jobs loaded, 3 computed, 3 stored"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("memory port: idle"));
  }
}

// Runs ERNs18-0.75x at 32x32 on `config` with `options`; returns the error the run must end with.
std::string error_of_erns18x075_run(const HwConfig& config, const SimOptions& options) {
  const Network net = build_zoo_network(find_zoo_model("ERNs18-0.75x"), 32);
  const Program program = compile_program(net, config);
  Memory memory;
  write_model(memory, program, net, config);
  const std::vector<ActTensor> images = zoo_images(1, 32, 1);
  const std::vector<GoldenResult> golden = {run_golden(net, images[0])};
  try {
    run_sc_sim(config, options, memory, [&](SimPorts& ports) {
      Scoreboard sb;
      run_network(ports, config, net, program, images, golden, sb);
    });
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "the run ended without an error";
  return "";
}

// A program that keeps moving but runs past its cycle limit (ernsim run: four times the latency
// model's cycles) is stopped with the same diagnosis: a looping DMA or engine never stalls.
TEST(AccelChecks, ProgramPastItsCycleLimitIsStopped) {
  SimOptions options;
  options.watchdog_cycles = 1000;
  options.program_cycle_limit = 3000;
  const std::string error = error_of_erns18x075_run(load_hw_config("small"), options);
  EXPECT_THAT(error, HasSubstr("watchdog: the program has run for more than 3000 cycles without "
                               "finishing, a loop that moves but never ends (load stage"));
  EXPECT_THAT(error, HasSubstr("memory port:"));
}

// A memory that answers later than the watchdog allows: the diagnosis names the pending handshake.
TEST(AccelChecks, WatchdogNamesAMemoryPortStall) {
  HwConfig config = load_hw_config("small");
  config.memory.latency_cycles = 5000;
  SimOptions options;
  options.watchdog_cycles = 1000;
  const std::string error = error_of_erns18x075_run(config, options);
  EXPECT_THAT(error, HasSubstr("watchdog: the accelerator made no progress for 1000 cycles "
                               "(load stage fetching a descriptor"));
  EXPECT_THAT(error, HasSubstr("memory port: 1 read burst(s) in flight (0 beats read, 0 written)"));
}

// ------------------------------------------------------------------------------------------------
// Through the command line.

struct CommandResult {
  int status;
  std::string output;
};

CommandResult run(const std::string& args, const std::string& cwd = ".") {
  FILE* pipe = popen(("cd " + cwd + " && " + std::string(ERNSIM_BINARY) + " " + args + " 2>&1").c_str(), "r");
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
  char tmpl[] = "/tmp/ernsim_accel_XXXXXX";
  return mkdtemp(tmpl);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(RunCli, ReportKeysAndLogitsEqualInfer) {
  const std::string dir = temp_dir();
  const std::string model = "--model zoo:ERNs18-0.75x --size 32 --images 2 ";
  const CommandResult r =
      run("run " + model + "--config small --clock-mhz 250 --output " + dir + "/run.npy --report " + dir + "/r.json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASSED: every layer bit-exact"));
  ASSERT_EQ(run("infer " + model + "--output " + dir + "/infer.npy").status, 0);
  const std::vector<float> a = read_npy(dir + "/run.npy").values<float>();
  const std::vector<float> b = read_npy(dir + "/infer.npy").values<float>();
  EXPECT_EQ(a, b);
  const nlohmann::json j = read_json(dir + "/r.json");
  for (const char* key : {"total_cycles", "mismatches", "clock_mhz", "fps", "layers"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["mismatches"], 0);
  EXPECT_EQ(j["clock_mhz"], 250.0);
  EXPECT_NEAR(j["fps"].get<double>(), 250e6 / j["total_cycles"].get<double>(), 1e-6);
  for (const auto& l : j["layers"]) {
    for (const char* key : {"name", "cycles", "macs", "utilization"}) EXPECT_TRUE(l.contains(key)) << key;
  }
  std::filesystem::remove_all(dir);
}

// The memory model matters, as the design's formula says: a layer takes about
// max(compute cycles, bytes moved / bandwidth) (docs/accelerator.md). Halving the bandwidth B
// adds about bytes / B cycles to a memory-bound layer (bytes / B well above its compute) and
// nothing to a compute-bound one (bytes / (B/2) well below its compute). "About" (0.5 to 1.5
// times): a layer's bytes are counted where its jobs load them, its weights load while the layer
// before computes, and the next layer's weights share the bandwidth while it runs.
TEST(RunCli, HalvingBandwidthSlowsMemoryBoundLayersOnly) {
  const std::string dir = temp_dir();
  for (int bandwidth : {16, 8}) {
    const CommandResult r = run(fmt::format("run --model zoo:ERNs18 --size 64 --config small --mem-bytes-per-cycle {} "
                                            "--report {}/bw{}.json",
                                            bandwidth, dir, bandwidth));
    ASSERT_EQ(r.status, 0) << r.output;
  }
  const nlohmann::json full = read_json(dir + "/bw16.json"), half = read_json(dir + "/bw8.json");
  ASSERT_EQ(full["layers"].size(), half["layers"].size());
  int memory_bound = 0, compute_bound = 0;
  for (size_t i = 0; i < full["layers"].size(); ++i) {
    const auto& a = full["layers"][i];
    const auto& b = half["layers"][i];
    const double compute = a["compute_cycles"].get<double>();
    const double memory = (a["bytes_read"].get<double>() + a["bytes_written"].get<double>()) / 16;  // at B
    const double extra = b["cycles"].get<double>() - a["cycles"].get<double>();
    const std::string name = a["name"];
    if (memory >= 2 * compute) {
      ++memory_bound;
      EXPECT_GT(b["cycles"].get<double>(), 1.5 * a["cycles"].get<double>()) << name;
      EXPECT_GE(extra, 0.5 * memory) << name;
      EXPECT_LE(extra, 1.5 * memory) << name;
    } else if (2 * memory <= 0.35 * compute) {
      ++compute_bound;
      EXPECT_LT(b["cycles"].get<double>(), 1.02 * a["cycles"].get<double>()) << name;
    }
  }
  EXPECT_GE(memory_bound, 3);
  EXPECT_GE(compute_bound, 3);
  EXPECT_GT(half["total_cycles"].get<double>(), full["total_cycles"].get<double>());
  std::filesystem::remove_all(dir);
}

// The trace's times are real times at --clock-mhz: at two clocks, the traced layer starts at its
// start cycle times the period and lasts about its cycles, and the timescale is the kernel's 1 ps.
TEST(RunCli, TraceOfOneLayerIsInRealTimeAtTheClock) {
  const std::string dir = temp_dir();
  for (const int mhz : {250, 400}) {
    const std::string trace = fmt::format("{}/layer5_{}.vcd", dir, mhz), report = fmt::format("{}/r{}.json", dir, mhz);
    const CommandResult r = run(fmt::format("run --model zoo:ERNs18-0.75x --size 32 --config small --clock-mhz {} "
                                            "--trace {} --trace-layer 5 --report {}",
                                            mhz, trace, report));
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream file(trace);
    const std::string vcd((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    EXPECT_THAT(vcd, HasSubstr("layer_o"));
    const size_t timescale = vcd.find("$timescale");
    ASSERT_NE(timescale, std::string::npos);
    std::istringstream scale(vcd.substr(timescale + 10, 40));
    std::string unit;
    scale >> unit;
    EXPECT_EQ(unit, "1ps") << vcd.substr(timescale, 40);
    uint64_t first = 0, last = 0;
    std::istringstream in(vcd);
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] != '#') continue;
      const uint64_t t = std::stoull(line.substr(1));
      if (first == 0) first = t;
      last = t;
    }
    const double period_ps = 1e6 / mhz;
    const nlohmann::json layer = read_json(report)["layers"][5];
    EXPECT_NEAR(static_cast<double>(first) / period_ps, layer["start_cycle"].get<double>(), 1) << mhz;
    const double cycles = layer["cycles"].get<double>();
    EXPECT_NEAR(static_cast<double>(last - first) / period_ps, cycles, 0.05 * cycles + 5) << mhz;
  }
  std::filesystem::remove_all(dir);
}

// The VCD conversion gets the trace's name as an argument, never through a shell: a quote in it does
// not break the conversion, and a command in it does not run.
TEST(RunCli, VcdTraceNameIsNotAShellCommand) {
  const std::string dir = temp_dir();
  const std::string name = "it's $(touch ran).vcd";  // run in `dir`, where the command would leave "ran"
  const std::string trace = dir + "/" + name;
  std::string quoted = "'";  // for the test's own shell (popen) only
  for (char c : name) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const CommandResult r =
      run("run --model zoo:ERNs18-0.75x --size 32 --config small --trace " + quoted + " --trace-window 0:300", dir);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/ran")) << "a command in the trace's name ran";
  std::ifstream in(trace);
  const std::string vcd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(vcd, HasSubstr("$var"));
  EXPECT_FALSE(std::filesystem::exists(trace + ".tmp.fst"));
  std::filesystem::remove_all(dir);
}

TEST(RunCli, OptionErrors) {
  CommandResult r = run("run --model zoo:ERNs18 --size 32 --config small --trace-layer 3");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("--trace-layer needs --trace FILE"));
  r = run("run --model zoo:ERNs18 --size 32 --config small --mem-bytes-per-cycle 0");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("--mem-bytes-per-cycle 0"));
  r = run("run --model zoo:ERNs18 --size 32 --config small --watchdog 1000 --mem-latency 500");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("--watchdog 1000: must be longer than twice the memory latency (500 cycles)"));
  for (const char* mhz : {"0.5", "10001", "nan"}) {
    r = run(std::string("run --model zoo:ERNs18 --size 32 --config small --clock-mhz ") + mhz);
    EXPECT_EQ(r.status, kExitUsage) << mhz;
    EXPECT_THAT(r.output, HasSubstr(std::string("--clock-mhz ") + mhz)) << mhz;
  }
  r = run("run --model zoo:ERNs18 --size 32 --config small --trace /tmp/x.fst --trace-layer 99");
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.output, HasSubstr("--trace-layer 99"));
}

}  // namespace
}  // namespace ernsim
