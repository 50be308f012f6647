// The estimators without the RTL: the latency model's invariants and its skipping of compute-only
// stretches, the resource model's memory mapping rule against Yosys's and its fit against Yosys on
// configurations not used for calibration (tests/rtl/estimate_test.cc compares the latency model
// with the RTL itself).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/zoo.h"
#include "sim/compiler/program.h"
#include "sim/drivers/layer_mode.h"
#include "sim/estimators/latency_model.h"
#include "sim/estimators/resource_model.h"
#include "sim/estimators/sweep.h"
#include "sim/hw_config.h"
#include "sim/reports/sweep_csv.h"
#include "tests/cli_helpers.h"

namespace ernsim {
namespace {

void expect_same_counters(const LatencyEstimate& a, const LatencyEstimate& b, const std::string& where) {
  EXPECT_EQ(a.total_cycles, b.total_cycles) << where;
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t l = 0; l < a.layers.size(); ++l) {
    EXPECT_EQ(a.layers[l].cycles, b.layers[l].cycles) << where << " layer " << l;
    EXPECT_EQ(a.layers[l].compute_cycles, b.layers[l].compute_cycles) << where << " layer " << l;
    EXPECT_EQ(a.layers[l].load_stall_cycles, b.layers[l].load_stall_cycles) << where << " layer " << l;
    EXPECT_EQ(a.layers[l].store_stall_cycles, b.layers[l].store_stall_cycles) << where << " layer " << l;
    EXPECT_EQ(a.layers[l].bytes_read, b.layers[l].bytes_read) << where << " layer " << l;
    EXPECT_EQ(a.layers[l].bytes_written, b.layers[l].bytes_written) << where << " layer " << l;
  }
}

TEST(LatencyModel, SkippingComputeOnlyStretchesChangesNothing) {
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    const RandomNetwork r = make_random_network(seed);
    HwConfig config = load_hw_config(seed % 2 ? "small" : "default");
    config.memory.bytes_per_cycle = 4.0 + static_cast<double>(seed % 7) * 9;
    config.memory.latency_cycles = static_cast<uint32_t>(seed * 37 % 250);
    CompileOptions options;
    options.max_rows = static_cast<int>(seed % 5);
    const Program program = compile_program(r.net, config, options);
    LatencyOptions stepped;
    stepped.skip_compute = false;
    const LatencyEstimate fast = estimate_latency(r.net, program, config);
    const LatencyEstimate slow = estimate_latency(r.net, program, config, stepped);
    expect_same_counters(fast, slow, r.description);
    EXPECT_EQ(slow.modelled_cycles, slow.total_cycles) << r.description;
    EXPECT_LE(fast.modelled_cycles, slow.modelled_cycles) << r.description;
  }
}

TEST(LatencyModel, CountersAddUpAndRespectTheBounds) {
  for (const char* name : {"ERNs18-0.75x", "ERNs50"}) {
    const Network net = build_zoo_network(find_zoo_model(name), 64, 1, 1000, ZooDetail::kStructure);
    for (const char* config_name : {"small", "default"}) {
      const HwConfig config = load_hw_config(config_name);
      const Program program = compile_program(net, config, {4});
      const LatencyEstimate e = estimate_latency(net, program, config);
      const std::string where = fmt::format("{} on {}", name, config_name);
      uint64_t sum = 0, compute = 0;
      double bytes = 0;
      for (size_t l = 0; l < e.layers.size(); ++l) {
        const LayerRunReport& r = e.layers[l];
        sum += r.cycles;
        compute += e.bounds[l].compute_cycles;
        bytes += static_cast<double>(r.bytes_read + r.bytes_written);
        EXPECT_LE(r.compute_cycles + r.load_stall_cycles + r.store_stall_cycles, r.cycles) << where << " " << r.name;
        // The engine runs each job for its closed-form time.
        EXPECT_EQ(r.compute_cycles, e.bounds[l].compute_cycles) << where << " " << r.name;
      }
      EXPECT_NEAR(static_cast<double>(sum), static_cast<double>(e.total_cycles), 2.0) << where;
      // Neither the engine nor the memory can do better than its own bound.
      EXPECT_GE(e.total_cycles, compute) << where;
      EXPECT_GE(static_cast<double>(e.total_cycles), bytes / config.memory.bytes_per_cycle) << where;
    }
  }
}

TEST(LatencyModel, MoreBandwidthNeverHurtsAMemoryBoundNetwork) {
  const Network net = build_zoo_network(find_zoo_model("ERNs50"), 64, 1, 1000, ZooDetail::kStructure);
  HwConfig config = load_hw_config("default");
  const Program program = compile_program(net, config, {4});
  uint64_t previous = ~uint64_t{0};
  for (double bandwidth : {4.0, 8.0, 16.0, 32.0, 64.0}) {
    config.memory.bytes_per_cycle = bandwidth;
    const uint64_t cycles = estimate_latency(net, program, config).total_cycles;
    EXPECT_LT(cycles, previous) << bandwidth << " B/cycle";
    previous = cycles;
  }
}

// ---------------------------------------------------------------------------------------------
// Resources.

double relative(double estimate, double measured) { return std::abs(estimate - measured) / measured; }

TEST(ResourceModel, MemoryMappingRuleMatchesYosys) {
  const ResourceCalibration& cal = resource_calibration();
  ASSERT_GE(cal.rams.size(), 90u);
  for (const auto& ram : cal.rams) {
    const Resources r = ram_cost(ram.width, ram.depth, ram.slice);
    const std::string what = fmt::format("{} x {} in slices of {}", ram.width, ram.depth, ram.slice);
    EXPECT_EQ(r.bram18, ram.measured.bram18) << what;
    // LUTs: LUT-RAM and the multiplexers of stacked block RAMs (a few LUTs of glue aside).
    EXPECT_NEAR(r.lut, ram.measured.lut, 0.15 * ram.measured.lut + 20) << what;
  }
}

// The same for UltraScale+ with UltraRAM (synth_xilinx -family xcup -uram): Yosys's memory_libmap
// weighs URAM288 against block RAM by cost; the rule must pick the same kind and count.
TEST(ResourceModel, UltraRamMappingRuleMatchesYosys) {
  const ResourceCalibration& cal = resource_calibration();
  ASSERT_GE(cal.rams_xcup.size(), 60u);
  int urams = 0, brams = 0;
  for (const auto& ram : cal.rams_xcup) {
    const Resources r = ram_cost(ram.width, ram.depth, ram.slice, DeviceFamily::kUltraScalePlus);
    const std::string what = fmt::format("{} x {} in slices of {}", ram.width, ram.depth, ram.slice);
    EXPECT_EQ(r.uram, ram.measured.uram) << what;
    EXPECT_EQ(r.bram18, ram.measured.bram18) << what;
    EXPECT_NEAR(r.lut, ram.measured.lut, 0.15 * ram.measured.lut + 20) << what;
    urams += ram.measured.uram > 0;
    brams += ram.measured.bram18 > 0;
  }
  // The grid straddles the choice: both kinds occur.
  EXPECT_GE(urams, 10);
  EXPECT_GE(brams, 10);
  // No UltraRAM on the 7-series default.
  for (const auto& ram : cal.rams) EXPECT_EQ(ram_cost(ram.width, ram.depth, ram.slice).uram, 0);
}

// The sweep rings the points whose logic estimate leaves the calibration's range.
TEST(ResourceModel, SaysWhenItExtrapolates) {
  for (const CalibrationEntry& e : resource_calibration().entries) {
    if (e.role == "calibration") EXPECT_EQ(resource_extrapolation(e.config), "") << e.name;
  }
  HwConfig big = load_hw_config("default");
  big.pe_out = 64;
  big.pe_pix = 16;
  EXPECT_THAT(resource_extrapolation(big), ::testing::HasSubstr("(calibrated "));
}

TEST(ResourceModel, WithinTenPercentOfYosysOnConfigurationsNotUsedForCalibration) {
  const ResourceCalibration& cal = resource_calibration();
  int validated = 0;
  for (const CalibrationEntry& e : cal.entries) {
    if (e.role != "validation") continue;
    ++validated;
    const ResourceEstimate est = estimate_resources(e.config);
    EXPECT_LE(relative(est.total.lut, e.whole.lut), 0.10)
        << e.name << ": LUT estimate " << est.total.lut << ", Yosys " << e.whole.lut;
    EXPECT_LE(relative(est.total.ff, e.whole.ff), 0.10)
        << e.name << ": FF estimate " << est.total.ff << ", Yosys " << e.whole.ff;
    EXPECT_EQ(est.total.dsp, 0) << e.name;
    fmt::print("{}: LUT {} vs Yosys {} ({:+.1f}%), FF {} vs {} ({:+.1f}%), BRAM18 {} vs {}\n", e.name, est.total.lut,
               e.whole.lut, 100 * (est.total.lut - e.whole.lut) / e.whole.lut, est.total.ff, e.whole.ff,
               100 * (est.total.ff - e.whole.ff) / e.whole.ff, est.total.bram18, e.whole.bram18);
  }
  EXPECT_GE(validated, 3);
}

// On UltraScale+ the logic is the 7-series fit scaled per module (docs/estimators.md, "Devices"),
// checked against whole-design runs for that family that no factor is taken from; the memories
// follow the UltraScale+ mapping rule, so block RAM and UltraRAM are exact.
TEST(ResourceModel, UltraScaleEstimateMatchesYosys) {
  const ResourceCalibration& cal = resource_calibration();
  ASSERT_GE(cal.ultrascale_validation.size(), 1u);
  for (const std::string& module : resource_modules()) {
    ASSERT_TRUE(cal.family_scale.count(module)) << module;
    for (const char* resource : {"lut", "ff"}) {
      // A factor far from 1 would be a measurement of the wrong thing, not a family difference.
      EXPECT_GT(cal.family_scale.at(module).at(resource), 0.5) << module << " " << resource;
      EXPECT_LT(cal.family_scale.at(module).at(resource), 2.0) << module << " " << resource;
    }
  }
  for (const ResourceCalibration::WholeRun& run : cal.ultrascale_validation) {
    const ResourceEstimate est = estimate_resources(run.config, DeviceFamily::kUltraScalePlus);
    const ResourceEstimate series7 = estimate_resources(run.config);
    EXPECT_LE(relative(est.total.lut, run.whole.lut), 0.10)
        << run.name << ": LUT estimate " << est.total.lut << ", Yosys " << run.whole.lut;
    EXPECT_LE(relative(est.total.ff, run.whole.ff), 0.10)
        << run.name << ": FF estimate " << est.total.ff << ", Yosys " << run.whole.ff;
    EXPECT_EQ(est.total.bram18, run.whole.bram18) << run.name;
    EXPECT_EQ(est.total.uram, run.whole.uram) << run.name;
    EXPECT_EQ(run.whole.dsp, 0) << run.name;
    // The scaling is what closes the gap: the 7-series estimate of the same design is further off.
    EXPECT_LT(relative(est.total.lut, run.whole.lut), relative(series7.total.lut, run.whole.lut)) << run.name;
    fmt::print(
        "{} (xcup): LUT {} vs Yosys {} ({:+.1f}%; 7-series estimate {}), FF {} vs {}, BRAM18 {} vs {}, URAM {} vs {}\n",
        run.name, est.total.lut, run.whole.lut, 100 * (est.total.lut - run.whole.lut) / run.whole.lut,
        series7.total.lut, est.total.ff, run.whole.ff, est.total.bram18, run.whole.bram18, est.total.uram,
        run.whole.uram);
  }
}

TEST(ResourceModel, NoConfigurationNeedsADsp) {
  for (const CalibrationEntry& e : resource_calibration().entries) {
    EXPECT_EQ(e.whole.dsp, 0) << e.name << " (Yosys)";
    EXPECT_EQ(estimate_resources(e.config).total.dsp, 0) << e.name << " (estimate)";
  }
}

// Each RAM on its own matches Yosys exactly (MemoryMappingRuleMatchesYosys), written in the slices
// the RTL writes it in: the stream outputs whole (a 512 x 2,048 entry takes 57 RAMB18 then, 64 in
// 64-bit slices; that was most of this test's former 5% slack). In the whole design Yosys still
// needs up to 2% fewer block RAMs in the configurations with 4,096-entry buffers (cal-c 566
// against 574, val-b 395 against 403), for a reason not yet found; the estimate is an upper bound
// within 2.5%, and exact on the configurations with buffers of at most 2,048 entries.
TEST(ResourceModel, BlockRamsOfEveryMeasuredConfiguration) {
  for (const CalibrationEntry& e : resource_calibration().entries) {
    const double estimate = estimate_resources(e.config).total.bram18;
    EXPECT_GE(estimate, e.whole.bram18) << e.name;
    EXPECT_LE(estimate, 1.025 * e.whole.bram18) << e.name;
    if (e.config.act_depth <= 2048 && e.config.str_depth <= 2048 && e.config.img_depth <= 2048) {
      EXPECT_EQ(estimate, e.whole.bram18) << e.name;
    }
  }
}

// Every per-module measurement is keyed by the files it reads and its parameters
// (tools/calibrate_resources.py); the check elaborates the design with Yosys (seconds) and names
// the stale modules with the command that refreshes them.
TEST(ResourceModel, CalibrationIsOfTheCurrentRtl) {
  const CommandResult r =
      run_command(fmt::format("python3 {}/tools/calibrate_resources.py --check", ERNSIM_SOURCE_DIR));
  EXPECT_EQ(r.status, 0) << r.output;
}

// The names of the modules a --check output calls stale.
std::set<std::string> stale_modules(const std::string& output) {
  std::set<std::string> modules;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("stale: ", 0) == 0) modules.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return modules;
}

// An edit of one RTL file, in a copy of the tree, makes exactly the modules whose measurement reads
// it stale (the file's own module and those that flatten it inside), and the check names them.
TEST(ResourceModel, FreshnessCheckNamesExactlyTheModulesAnEditTouches) {
  namespace fs = std::filesystem;
  const struct {
    const char* file;
    std::set<std::string> stale;
  } cases[] = {
      {"ern_span_walker.sv", {"ern_dma_rd", "ern_dma_wr"}},  // instantiated by both DMAs
      {"ern_pe.sv", {"ern_pe_array"}},                       // inside the PE array only
      {"ern_postproc.sv", {"ern_postproc"}},                 // the engine instantiates it, but as a black box
  };
  TempDir tree;
  for (const char* folder : {"rtl", "tools", "configs"}) {
    fs::copy(fs::path(ERNSIM_SOURCE_DIR) / folder, fs::path(tree.path()) / folder, fs::copy_options::recursive);
  }
  const std::string script = tree.file("tools/calibrate_resources.py");
  const CommandResult fresh = run_command("python3 " + script + " --check");
  ASSERT_EQ(fresh.status, 0) << "the copy is fresh before the edits";
  EXPECT_THAT(fresh.output, ::testing::Not(::testing::HasSubstr("UltraScale+"))) << fresh.output;
  for (const auto& c : cases) {
    const std::string path = tree.file(std::string("rtl/") + c.file);
    const std::string original = slurp(path);
    std::ofstream(path, std::ios::app) << "// an edit\n";
    const CommandResult r = run_command("python3 " + script + " --check");
    std::ofstream(path, std::ios::trunc) << original;
    EXPECT_EQ(r.status, 3) << c.file << ":\n" << r.output;
    EXPECT_EQ(stale_modules(r.output), c.stale) << c.file << ":\n" << r.output;
    EXPECT_THAT(r.output, ::testing::HasSubstr(fmt::format("rtl/{} changed", c.file)));
    std::string modules;
    for (const std::string& m : c.stale) modules += " " + m;
    EXPECT_THAT(r.output,
                ::testing::HasSubstr("refresh it with: tools/calibrate_resources.py --jobs 2 --modules" + modules));
    // The UltraScale+ runs of those modules at the five calibration configurations, and the whole
    // kv260, are now of an older RTL: kept (the model uses their ratios), and named.
    EXPECT_THAT(r.output,
                ::testing::HasSubstr(fmt::format("note: {} UltraScale+ measurement(s) are missing or of an older RTL",
                                                 5 * c.stale.size() + 1)));
  }
}

// The flattening term comes from the whole-design runs, which take hours and may be of an older
// RTL than the per-module runs (docs/estimators.md). Its use stays sound only while the modules
// have not moved far since: their sum may differ from the sum at the whole-design run by at most
// 2% of the whole design's LUTs and FFs, and not in block RAMs. Beyond that, the whole-design runs
// must be redone (tools/calibrate_resources.py --whole) before the change lands.
TEST(ResourceModel, WholeDesignRunsDescribeTheCurrentModules) {
  int compared = 0;
  for (const CalibrationEntry& e : resource_calibration().entries) {
    if (e.role != "calibration") continue;
    ++compared;
    Resources now, then;
    for (const auto& [module, counts] : e.modules) now += counts;
    for (const auto& [module, counts] : e.modules_at_whole) then += counts;
    ASSERT_EQ(e.modules.size(), e.modules_at_whole.size()) << e.name;
    const std::string redo = " (the modules moved since the whole-design run: tools/calibrate_resources.py --whole)";
    EXPECT_LE(std::abs(now.lut - then.lut), 0.02 * e.whole.lut) << e.name << redo;
    EXPECT_LE(std::abs(now.ff - then.ff), 0.02 * e.whole.ff) << e.name << redo;
    EXPECT_EQ(now.bram18, then.bram18) << e.name << redo;
  }
  EXPECT_EQ(compared, 5);
}

// Five points of three candidates (a constant, a size, and a quantity unrelated to the size).
TEST(ResourceModel, ChoosesTheTermsThatPredictEachPointFromTheOthers) {
  const std::vector<double> size = {8, 32, 32, 64, 64}, other = {3, -1, 4, 1, -5};
  std::vector<std::vector<double>> x;
  std::vector<double> line, plane;
  for (size_t i = 0; i < size.size(); ++i) {
    x.push_back({1, size[i], other[i]});
    line.push_back(500 + 400 * size[i]);
    plane.push_back(500 + 400 * size[i] + 1000 * other[i]);
  }
  // A line in the size: all three terms fit it exactly too, the fewer are chosen.
  const TermChoice exact = choose_terms(x, line, "line");
  EXPECT_EQ(exact.columns, (std::vector<size_t>{0, 1}));
  EXPECT_NEAR(exact.loo_rms, 0, 1e-6);
  // A target that needs the other quantity as well gets all three.
  EXPECT_EQ(choose_terms(x, plane, "plane").columns, (std::vector<size_t>{0, 1, 2}));
  // Without the constant among the candidates, the best is the size alone, and its error shows.
  std::vector<std::vector<double>> no_one;
  for (const auto& row : x) no_one.push_back({row[1], row[2]});
  const TermChoice through_zero = choose_terms(no_one, line, "line");
  EXPECT_EQ(through_zero.columns, (std::vector<size_t>{0}));
  EXPECT_GT(through_zero.loo_rms, 100);
}

// Every module's terms come from its candidates, at most three, and the estimate reports them.
TEST(ResourceModel, ReportsTheChosenTermsOfEveryModule) {
  const ResourceCalibration& cal = resource_calibration();
  const ResourceEstimate e = estimate_resources(load_hw_config("default"));
  for (const ModuleResources& m : e.modules) {
    for (const std::string resource : {"lut", "ff", "dsp"}) {
      const auto& fit = cal.logic.at(m.module).at(resource);
      ASSERT_GE(fit.terms.size(), 1u) << m.module << " " << resource;
      EXPECT_LE(fit.terms.size(), 3u) << m.module << " " << resource;
      std::vector<std::string> names;
      for (const auto& t : fit.terms) names.push_back(t.feature);
      EXPECT_EQ(m.terms.at(resource), names) << m.module << " " << resource;
    }
  }
  const nlohmann::json report = e.to_json();
  ASSERT_EQ(report.size(), e.modules.size());
  for (size_t i = 0; i < e.modules.size(); ++i) {
    EXPECT_EQ(report.at(i).at("terms").at("lut").get<std::vector<std::string>>(), e.modules[i].terms.at("lut"));
  }
}

TEST(ResourceModel, GrowsWithThePeArray) {
  HwConfig config = load_hw_config("default");
  double previous = 0;
  for (int pe_out : {8, 16, 32, 64}) {
    config.pe_out = pe_out;
    const ResourceEstimate e = estimate_resources(config);
    EXPECT_GT(e.total.lut, previous) << pe_out;
    previous = e.total.lut;
  }
}

}  // namespace
}  // namespace ernsim

namespace ernsim {
namespace {

SweepPoint sweep_point_at(double lut, double fps, bool fits = true) {
  SweepPoint p;
  p.fits = fits;
  p.resources.lut = lut;
  p.fps = fps;
  return p;
}

TEST(Sweep, ParetoFrontKeepsOnlyUndominatedPoints) {
  std::vector<SweepPoint> points = {
      sweep_point_at(100, 10),        // cheapest
      sweep_point_at(150, 9),         // more LUTs, less FPS than the first
      sweep_point_at(200, 20),        // fastest
      sweep_point_at(200, 20),        // the same as the fastest: neither dominates the other
      sweep_point_at(300, 20),        // as fast, more LUTs
      sweep_point_at(50, 100, false)  // does not fit: never on the front, dominates nothing
  };
  mark_pareto(points);
  const std::vector<bool> expected = {true, false, true, true, false, false};
  for (size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].pareto, expected[i]) << i;
}

TEST(Sweep, PointIsTheEstimatorsOnTheDerivedConfiguration) {
  const Network net = build_zoo_network(find_zoo_model("ERNs18"), 64, 1, 1000, ZooDetail::kStructure);
  const HwConfig base = load_hw_config("small");
  const SweepPoint p = estimate_sweep_point(net, base, 16, 2, 32, 16, CompileOptions{}, nullptr, 250);
  ASSERT_TRUE(p.fits) << p.reason;
  HwConfig config = base;
  config.pe_out = 16;
  config.mem_bytes = 32;
  config.memory.bytes_per_cycle = 16;
  const LatencyEstimate latency = estimate_latency(net, compile_program(net, config, CompileOptions{}), config);
  EXPECT_EQ(p.cycles, latency.total_cycles);
  EXPECT_DOUBLE_EQ(p.fps, 250e6 / static_cast<double>(latency.total_cycles));
  EXPECT_EQ(p.resources.lut, estimate_resources(config).total.lut);
  EXPECT_EQ(p.config_name, "small-o16-p2-m32-b16");

  // PeOut 48 does not divide 64: no estimate, and the reason says which parameter.
  const SweepPoint bad = estimate_sweep_point(net, base, 48, 2, 32, 16, CompileOptions{}, nullptr, 250);
  EXPECT_FALSE(bad.fits);
  EXPECT_NE(bad.reason.find("PeOut"), std::string::npos) << bad.reason;
}

TEST(Sweep, CsvHasARowPerPointWithItsReason) {
  SweepPoint fits = sweep_point_at(1000, 50);
  fits.pareto = true;
  SweepPoint over = sweep_point_at(2000, 60);
  over.fits_device = false;
  SweepPoint no = sweep_point_at(0, 0, false);
  no.reason = "the \"act\" buffer is too small";
  const std::string csv = sweep_csv({&fits, &over, &no}, true);
  std::vector<std::string> rows;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].substr(0, 7), "pe_out,");
  EXPECT_NE(rows[1].find(",1000,"), std::string::npos) << rows[1];
  EXPECT_EQ(rows[1].substr(rows[1].size() - 7), ",1,0,1,") << rows[1];  // pareto, extrapolated, fits_device, reason
  EXPECT_EQ(rows[2].substr(rows[2].size() - 7), ",0,0,0,") << rows[2];  // not pareto, over the device
  // The reason as written, its quotes doubled (csv_field, sim/reports/escape.h).
  EXPECT_EQ(rows[3].substr(rows[3].find(",\"")), ",\"the \"\"act\"\" buffer is too small\"") << rows[3];
  // Without a device the fits_device column is empty.
  const std::string without = sweep_csv({&fits}, false);
  EXPECT_EQ(without.substr(without.size() - 7), ",1,0,,\n");
}

}  // namespace
}  // namespace ernsim
