#include "sim/estimators/resource_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "models/error.h"

namespace ernsim {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Block RAM geometries: depth x width, the width without parity bits, and the cost in RAMB18s.
// A RAMB36 (two RAMB18s) is also twice as deep, which saves the read multiplexer of stacking two.
constexpr struct {
  int depth, width, data_width, cost;
} kBramShapes[] = {{512, 36, 32, 1}, {1024, 18, 16, 1}, {2048, 9, 8, 1},   {4096, 4, 4, 1},   {8192, 2, 2, 1},
                   {16384, 1, 1, 1}, {512, 72, 64, 2},  {1024, 36, 32, 2}, {2048, 18, 16, 2}, {4096, 9, 8, 2},
                   {8192, 4, 4, 2},  {16384, 2, 2, 2},  {32768, 1, 1, 2}};

// Primitive columns for `width` bits written in slices of `slice` bits, `primitive` bits wide
// (`data` without parity). Slices at least as wide as a primitive get columns of their own
// (parity bits hold data); narrower slices share a primitive through its byte enables.
int64_t columns(int width, int slice, int primitive, int data) {
  const int slice_bits = std::min(width, slice);
  if (slice_bits >= primitive) return ceil_div(width, slice_bits) * ceil_div(slice_bits, primitive);
  const int64_t slices = ceil_div(width, slice_bits);
  if (data >= slice_bits) return ceil_div(slices, data / slice_bits);
  return slices * ceil_div(slice_bits, data);
}

// What Yosys's memory_libmap weighs when it chooses between block RAM and UltraRAM: the cost of a
// primitive in the library (share/xilinx/brams_xc4v.txt: 129 a RAMB18, 257 a RAMB36;
// urams.txt: 1024 a URAM288 of 4096 x 72 with 8-bit byte writes), plus 0.5 a bit of the read
// multiplexer and of the write-enable demultiplexer that stacking `stack` primitives in depth needs.
constexpr double kRamb18Cost = 129, kRamb36Cost = 257, kUramCost = 1024;
constexpr int kUramDepth = 4096, kUramWidth = 72;
double stacked_libmap_cost(double primitives_cost, int stack, int width, int slice) {
  if (stack <= 1) return primitives_cost;
  const double enables = static_cast<double>(ceil_div(width, std::min(width, slice)));
  return primitives_cost + 0.5 * (stack - 1) * width + 0.5 * stack * enables;
}

// Stacking costs a read multiplexer (a LUT6 per bit selects among up to 4) and a write enable per
// slice and level.
double stack_luts(int stack, int width, int slice) {
  if (stack <= 1) return 0;
  return static_cast<double>(width * ceil_div(stack - 1, 3) + ceil_div(width, slice) * stack);
}

// UltraScale+ LUT-RAM (share/xilinx/lutrams_xcu.txt): RAM32M16 (32 x 14 bits) or RAM64M8 (64 x 7
// bits, stacked for more depth), eight LUTs each.
int64_t lutram_luts_ultrascale(int width, int depth, int slice) {
  const int slice_bits = std::min(width, slice);
  const int64_t per_row = ceil_div(width, slice_bits);
  if (depth <= 32) return 8 * per_row * ceil_div(slice_bits, 14);
  return 8 * ceil_div(depth, 64) * per_row * ceil_div(slice_bits, 7);
}

// LUT-RAM primitives: RAM32M (32 x 6 bits) or RAM64M (64 x 3 bits, stacked for more depth).
int64_t lutram_cells(int width, int depth, int slice) {
  const int slice_bits = std::min(width, slice);
  const int64_t per_row = ceil_div(width, slice_bits);
  if (depth <= 32) return per_row * ceil_div(slice_bits, 6);
  return ceil_div(depth, 64) * per_row * ceil_div(slice_bits, 3);
}

double feature_value(const std::string& name, const HwConfig& c) {
  const double pe = static_cast<double>(c.pe_out) * c.pe_pix;
  if (name == "one") return 1;
  if (name == "pe") return pe;
  if (name == "pe_acc") return pe * c.acc_width();
  if (name == "pe_value") return pe * c.value_width();
  if (name == "pe_pix") return c.pe_pix;
  // Post-processing registers: per PE the sum, the 2-bit and stream outputs and an overflow bit;
  // per output channel the thresholds entry (shared by the pixels).
  if (name == "post_regs") return pe * (c.value_width() + c.stream_width + 3);
  if (name == "thr_regs") return static_cast<double>(c.pe_out) * c.thr_entry_bits();
  if (name == "mem_bits") return 8.0 * c.mem_bytes;
  if (name == "pe_out") return c.pe_out;
  // The activation banks (2 PePix) to pixels (PePix) crossbar.
  if (name == "pix_crossbar") return static_cast<double>(c.banks()) * c.pe_pix;
  fail("resource model: unknown feature '{}'", name);
}

// The quantities that may set each module's logic, by resource. The model fits every subset of
// at most kMaxTerms of them and keeps the one with the smallest leave-one-out error over the
// calibration configurations (fit on all but one, predict that one): the validation
// configurations never take part, and a recalibration reselects the terms with the data.
constexpr size_t kMaxTerms = 3;
using CandidateMap = std::map<std::string, std::map<std::string, std::vector<std::string>>>;
const CandidateMap& candidate_features() {
  static const CandidateMap sets = {
      // PEs: AND + popcount trees and adders as wide as the accumulator, one per output channel
      // and pixel; a popcount of the activations per pixel.
      {"ern_pe_array",
       {{"lut", {"one", "pe", "pe_acc", "pe_pix"}}, {"ff", {"one", "pe", "pe_acc", "pe_pix"}}, {"dsp", {"one"}}}},
      // Residual add and threshold compares, as wide as the values; the registers are counted from
      // the RTL (sum, outputs and overflow per PE, a thresholds entry per output channel).
      {"ern_postproc",
       {{"lut", {"one", "pe", "pe_value", "pe_out"}}, {"ff", {"one", "post_regs", "thr_regs"}}, {"dsp", {"one"}}}},
      // Sequencing, the host port's width, the outputs' lane shifts and the per-pixel buffer ports;
      // registers for the weights, thresholds and outputs of a group in flight.
      {"ern_layer_engine",
       {{"lut", {"one", "pe", "pe_out", "pe_pix", "mem_bits"}},
        {"ff", {"one", "pe_out", "pe_pix", "mem_bits"}},
        {"dsp", {"one"}}}},
      // Beat registers, shifts and the descriptor fetch, as wide as the port.
      {"ern_dma_rd", {{"lut", {"one", "mem_bits"}}, {"ff", {"one", "mem_bits"}}, {"dsp", {"one"}}}},
      {"ern_dma_wr", {{"lut", {"one", "mem_bits"}}, {"ff", {"one", "mem_bits"}}, {"dsp", {"one"}}}},
      // Three descriptor registers, the stages and counters: the same for every configuration.
      {"ern_controller", {{"lut", {"one"}}, {"ff", {"one"}}, {"dsp", {"one"}}}},
      // The top: the engine's ports shared between the DMAs and the debug port.
      {"ern_accel", {{"lut", {"one", "mem_bits"}}, {"ff", {"one", "mem_bits"}}, {"dsp", {"one"}}}},
      // What flattening changes across boundaries: registers a module never reads (a constant
      // number, or as wide as the port) and logic ABC restructures, the bank-to-pixel crossbar
      // together with the PE array.
      {"flattening",
       {{"lut", {"one", "pix_crossbar", "pe", "pe_out", "mem_bits"}},
        {"ff", {"one", "mem_bits", "pe", "pe_out"}},
        {"dsp", {"one"}}}},
  };
  return sets;
}

const std::map<std::string, std::string>& module_descriptions() {
  static const std::map<std::string, std::string> d = {
      {"ern_pe_array", "PE array"},
      {"ern_postproc", "post-processing (residual add, thresholds)"},
      {"ern_layer_engine", "layer engine: sequencing, buffers, embedding"},
      {"ern_dma_rd", "read DMA"},
      {"ern_dma_wr", "write DMA"},
      {"ern_controller", "controller: job pipeline, registers, counters"},
      {"ern_accel", "top: port sharing"},
      {"flattening", "removed by flattening across modules"},
  };
  return d;
}

Resources memory_part(const std::string& module, const HwConfig& config, DeviceFamily family = DeviceFamily::kSeries7) {
  Resources r;
  for (const RamInstance& ram : accelerator_rams(config)) {
    if (ram.module != module) continue;
    Resources one = ram_cost(ram.width, ram.depth, ram.slice, family);
    one.lut *= ram.count;
    one.ff *= ram.count;
    one.bram18 *= ram.count;
    one.uram *= ram.count;
    r += one;
  }
  return r;
}

double get(const Resources& r, const std::string& resource) {
  if (resource == "lut") return r.lut;
  if (resource == "ff") return r.ff;
  if (resource == "bram18") return r.bram18;
  if (resource == "uram") return r.uram;
  return r.dsp;
}
void set(Resources& r, const std::string& resource, double v) {
  if (resource == "lut") r.lut = v;
  else if (resource == "ff") r.ff = v;
  else if (resource == "bram18") r.bram18 = v;
  else if (resource == "uram") r.uram = v;
  else r.dsp = v;
}

// Least squares: the coefficients minimizing |X b - y|, by the normal equations (a handful of
// columns) with partial pivoting.
std::vector<double> least_squares(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                                  const std::string& what) {
  if (x.empty()) fail("resource model: no calibration points for {}", what);
  const size_t k = x.front().size();
  if (k == 0 || k > 16) fail("resource model: {} needs 1 to 16 features", what);
  if (x.size() < k) fail("resource model: {} has {} features but only {} calibration points", what, k, x.size());
  std::vector<std::vector<double>> a(k, std::vector<double>(k + 1, 0.0));
  for (size_t r = 0; r < x.size(); ++r) {
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = 0; j < k; ++j) a[i][j] += x[r][i] * x[r][j];
      a[i][k] += x[r][i] * y[r];
    }
  }
  for (size_t col = 0; col < k; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < k; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    if (std::abs(a[col][col]) < 1e-9) {
      // A feature that does not vary: its coefficient is 0 (the data cannot tell it apart).
      a[col].assign(k + 1, 0.0);
      a[col][col] = 1;
      continue;
    }
    for (size_t r = 0; r < k; ++r) {
      if (r == col) continue;
      const double f = a[r][col] / a[col][col];
      for (size_t j = col; j <= k; ++j) a[r][j] -= f * a[col][j];
    }
  }
  std::vector<double> b(k);
  for (size_t i = 0; i < k; ++i) b[i] = a[i][k] / a[i][i];
  return b;
}

std::vector<double> columns_of(const std::vector<double>& row, const std::vector<size_t>& columns) {
  std::vector<double> out;
  for (size_t c : columns) out.push_back(row[c]);
  return out;
}

}  // namespace

TermChoice choose_terms(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                        const std::string& what) {
  if (x.empty() || x.size() != y.size()) fail("resource model: {} has no calibration points", what);
  const size_t n = x.size(), k = x.front().size();
  TermChoice best;
  double best_sse = INFINITY;
  for (size_t size = 1; size <= std::min(k, kMaxTerms); ++size) {
    // Subsets of `size` columns in lexicographic order (a mask over the candidates).
    std::vector<bool> mask(k, false);
    std::fill(mask.begin(), mask.begin() + static_cast<std::ptrdiff_t>(size), true);
    do {
      std::vector<size_t> columns;
      for (size_t c = 0; c < k; ++c) {
        if (mask[c]) columns.push_back(c);
      }
      double sse = 0;
      for (size_t out = 0; out < n; ++out) {
        std::vector<std::vector<double>> xs;
        std::vector<double> ys;
        for (size_t r = 0; r < n; ++r) {
          if (r == out) continue;
          xs.push_back(columns_of(x[r], columns));
          ys.push_back(y[r]);
        }
        const std::vector<double> b = least_squares(xs, ys, what);
        const std::vector<double> row = columns_of(x[out], columns);
        double predicted = 0;
        for (size_t i = 0; i < b.size(); ++i) predicted += b[i] * row[i];
        sse += (predicted - y[out]) * (predicted - y[out]);
      }
      // Strictly smaller by more than rounding: equal fits keep the earlier, smaller set.
      if (best.columns.empty() || sse < best_sse - 1e-9 * std::max(1.0, best_sse)) {
        best_sse = sse;
        best.columns = columns;
      }
    } while (std::prev_permutation(mask.begin(), mask.end()));
  }
  best.loo_rms = std::sqrt(best_sse / static_cast<double>(n));
  return best;
}

Resources resources_from_json(const nlohmann::json& j) {
  Resources r;
  r.lut = j.at("lut").get<double>();
  r.ff = j.at("ff").get<double>();
  r.bram18 = j.at("bram18").get<double>();
  r.dsp = j.at("dsp").get<double>();
  r.uram = j.value("uram", 0.0);
  return r;
}

namespace {

// Yosys maps the same logic to more LUTs for UltraScale+ (fewer MUXF7/8 in its library), so the
// 7-series fit is scaled there, per module, by the ratio of the two families' logic (memories
// taken out by each family's rule) summed over the calibration configurations; a ratio rather
// than a second fit, so that it holds while the UltraScale+ runs are of an older RTL. The memories
// are taken out by today's rule and RAM list, so an edit of those calls for --ultrascale too.
std::map<std::string, std::map<std::string, double>> ultrascale_scale(
    const std::vector<const CalibrationEntry*>& points, const std::string& path) {
  std::map<std::string, std::map<std::string, double>> scale;
  if (std::none_of(points.begin(), points.end(), [](const CalibrationEntry* e) { return !e->modules_xcup.empty(); })) {
    return scale;
  }
  std::map<std::string, double> all_xcup, all_xc7;
  for (const std::string& module : resource_modules()) {
    if (module == "flattening") continue;
    for (const std::string resource : {"lut", "ff"}) {
      double xcup = 0, xc7 = 0;
      for (const CalibrationEntry* e : points) {
        const auto it = e->modules_xcup.find(module);
        if (it == e->modules_xcup.end()) fail("{}: {} has no UltraScale+ measurement of {}", path, e->name, module);
        xcup +=
            get(it->second, resource) - get(memory_part(module, e->config, DeviceFamily::kUltraScalePlus), resource);
        xc7 += get(e->modules_xcup_xc7.at(module), resource) - get(memory_part(module, e->config), resource);
      }
      scale[module][resource] = xc7 > 0 ? xcup / xc7 : 1.0;  // the glue has no flip-flops
      all_xcup[resource] += xcup;
      all_xc7[resource] += xc7;
    }
  }
  for (const std::string resource : {"lut", "ff"}) {
    scale["flattening"][resource] = all_xc7[resource] > 0 ? all_xcup[resource] / all_xc7[resource] : 1.0;
  }
  return scale;
}

ResourceCalibration load_calibration(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open the resource calibration (regenerate it with tools/calibrate_resources.py)", path);
  ResourceCalibration cal;
  cal.path = path;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    cal.yosys = j.at("yosys").get<std::string>();
    for (const auto& e : j.at("configurations")) {
      CalibrationEntry entry;
      entry.name = e.at("name").get<std::string>();
      entry.role = e.at("role").get<std::string>();
      entry.config = hw_config_from_json(e.at("config"), path + ": " + entry.name);
      const nlohmann::json& whole = e.at("whole");
      entry.whole = resources_from_json(whole.at("counts"));
      entry.whole_rtl_digest = whole.at("rtl_digest").get<std::string>();
      if (e.contains("modules")) {
        for (const auto& [module, counts] : e.at("modules").at("counts").items()) {
          entry.modules[module] = resources_from_json(counts);
        }
        for (const auto& [module, counts] : whole.at("modules").items()) {
          entry.modules_at_whole[module] = resources_from_json(counts);
        }
      }
      if (e.contains("modules_xcup")) {
        for (const auto& [module, counts] : e.at("modules_xcup").at("counts").items()) {
          entry.modules_xcup[module] = resources_from_json(counts);
          entry.modules_xcup_xc7[module] = resources_from_json(e.at("modules_xcup").at("counts_xc7").at(module));
        }
      }
      cal.entries.push_back(std::move(entry));
    }
    auto read_rams = [](const nlohmann::json& list, std::vector<ResourceCalibration::Ram>& out) {
      for (const auto& r : list) {
        ResourceCalibration::Ram ram{r.at("width").get<int>(), r.at("depth").get<int>(), r.at("slice").get<int>(), {}};
        ram.measured.bram18 = r.at("bram18").get<double>();
        ram.measured.uram = r.value("uram", 0.0);
        ram.measured.lut = r.at("lut").get<double>();
        ram.measured.ff = r.at("ff").get<double>();
        out.push_back(ram);
      }
    };
    for (const auto& r : j.value("ultrascale_validation", nlohmann::json::array())) {
      ResourceCalibration::WholeRun run;
      run.name = r.at("name").get<std::string>();
      run.config = hw_config_from_json(r.at("config"), path + ": " + run.name);
      run.whole = resources_from_json(r.at("whole").at("counts"));
      cal.ultrascale_validation.push_back(std::move(run));
    }
    read_rams(j.at("rams"), cal.rams);
    read_rams(j.at("rams_xcup"), cal.rams_xcup);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: malformed resource calibration ({})", path, e.what());
  }

  // Fit each module's logic to the calibration configurations.
  std::vector<const CalibrationEntry*> points;
  for (const CalibrationEntry& e : cal.entries) {
    if (e.role == "calibration") points.push_back(&e);
  }
  if (points.empty()) fail("{}: no calibration configurations", path);
  if (points.size() < kMaxTerms + 2) {
    fail("{}: {} calibration configurations; the fit needs at least {}", path, points.size(), kMaxTerms + 2);
  }
  for (const auto& [module, by_resource] : candidate_features()) {
    for (const auto& [resource, candidates] : by_resource) {
      std::vector<std::vector<double>> x;  // every candidate's value at each calibration point
      std::vector<double> y;
      for (const CalibrationEntry* e : points) {
        double measured;
        if (module == "flattening") {
          // Both of the whole-design run's RTL, which may be older than the modules' (docs/estimators.md).
          measured = get(e->whole, resource);
          for (const auto& [m, counts] : e->modules_at_whole) measured -= get(counts, resource);
        } else {
          const auto it = e->modules.find(module);
          if (it == e->modules.end()) fail("{}: {} has no measurement of {}", path, e->name, module);
          measured = get(it->second, resource) - get(memory_part(module, e->config), resource);
        }
        std::vector<double> row;
        for (const std::string& f : candidates) row.push_back(feature_value(f, e->config));
        x.push_back(row);
        y.push_back(measured);
      }
      const std::string what = module + " " + resource;
      const TermChoice choice = choose_terms(x, y, what);
      std::vector<std::vector<double>> xs;
      for (const std::vector<double>& row : x) xs.push_back(columns_of(row, choice.columns));
      const std::vector<double> b = least_squares(xs, y, what);
      ResourceCalibration::FittedLogic& fit = cal.logic[module][resource];
      for (size_t i = 0; i < choice.columns.size(); ++i) fit.terms.push_back({candidates[choice.columns[i]], b[i]});
    }
  }
  cal.family_scale = ultrascale_scale(points, path);
  return cal;
}

std::string thousands(double v) {
  const int64_t n = std::llround(v);
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

}  // namespace

Resources ram_cost(int width, int depth, int slice, DeviceFamily family) {
  Resources r;
  const bool ultrascale = family == DeviceFamily::kUltraScalePlus;
  const int64_t lutram_luts =
      ultrascale ? lutram_luts_ultrascale(width, depth, slice) : 4 * lutram_cells(width, depth, slice);
  // Shallow memories go to LUT-RAM (the read register in flip-flops), as do 128-deep ones that need
  // few primitives; the rest to block RAM in the geometry that needs fewest, stacked in depth if
  // need be (with a read multiplexer).
  if (depth <= 64 || (depth <= 128 && lutram_luts <= 64)) {
    r.lut = static_cast<double>(lutram_luts) + (depth > 64 ? width : 0);
    r.ff = width;
    return r;
  }
  int64_t best = -1;
  int stack = 1;  // primitives stacked in depth
  double libmap_cost = 0;
  for (const auto& s : kBramShapes) {
    const int64_t n = s.cost * ceil_div(depth, s.depth) * columns(width, slice, s.width, s.data_width);
    const int s_stack = static_cast<int>(ceil_div(depth, s.depth));
    // Fewest primitives; between equals, the shallowest stack (the smallest read multiplexer).
    if (best < 0 || n < best || (n == best && s_stack < stack)) {
      best = n;
      stack = s_stack;
      libmap_cost = stacked_libmap_cost(static_cast<double>(n / s.cost) * (s.cost == 2 ? kRamb36Cost : kRamb18Cost),
                                        s_stack, width, slice);
    }
  }
  if (ultrascale) {
    // UltraRAM: memory_libmap lays the bits of all `depth_blocks` blocks of 4,096 entries side by
    // side (each write slice in whole 8- or 9-bit bytes, whichever wastes less) and cuts them into
    // 72-bit primitives: 20 x 8,192 (two blocks of 24 bits) takes one URAM288, 512 x 6,144 fifteen.
    const int slice_bits = std::min(width, slice);
    const int64_t slot =
        ceil_div(width, slice_bits) * std::min(ceil_div(slice_bits, 8) * 8, ceil_div(slice_bits, 9) * 9);
    const int depth_blocks = static_cast<int>(ceil_div(depth, kUramDepth));
    const int64_t urams = ceil_div(depth_blocks * slot, kUramWidth);
    if (stacked_libmap_cost(static_cast<double>(urams) * kUramCost, depth_blocks, width, slice) < libmap_cost) {
      r.uram = static_cast<double>(urams);
      r.lut = stack_luts(depth_blocks, width, slice);
      return r;
    }
  }
  r.bram18 = static_cast<double>(best);
  r.lut = stack_luts(stack, width, slice);
  return r;
}

std::vector<RamInstance> accelerator_rams(const HwConfig& c) {
  // rtl/ern_layer_engine.sv's buffer widths, and the slice each is written in: the host fills a
  // buffer 64 bits at a time, but what the engine writes with a constant mask (stream outputs,
  // class sums, the controller's compute counters) is one slice as wide as the entry, which Yosys
  // maps differently (a 512 x 2,048 entry written whole takes 57 RAMB18, in 64-bit slices 8 URAM).
  auto padded = [](int bits) { return bits <= 64 ? bits : ((bits + 63) / 64) * 64; };
  const int thr_w = padded(c.pe_out * c.thr_entry_bits());
  const int str_w = padded(c.pe_out * c.stream_width);
  const int sum_w = padded(c.pe_out * hw_spec::kSumW);
  return {
      {"ern_layer_engine", "activations", c.banks(), 2 * hw_spec::kLanes, c.act_depth, 64},
      {"ern_layer_engine", "weights", 1, c.pe_out * hw_spec::kLanes, c.wgt_depth, 64},
      {"ern_layer_engine", "thresholds", 1, thr_w, c.thr_depth, 64},
      {"ern_layer_engine", "residual", c.pe_pix, str_w, c.str_depth, 64},
      {"ern_layer_engine", "stream outputs", c.pe_pix, str_w, c.str_depth, str_w},
      {"ern_layer_engine", "2-bit outputs", c.pe_pix, 2 * hw_spec::kLanes, c.out_depth, 8},
      {"ern_layer_engine", "image", 1, 64, c.img_depth, 64},
      {"ern_layer_engine", "class sums", 1, sum_w, c.sum_depth, sum_w},
      {"ern_layer_engine", "embedding tables", 2 * c.embed_colours, 2 * c.embed_per_colour, hw_spec::kEmbEntries, 64},
      {"ern_controller", "layer counters (compute)", 1, 128, c.max_layers, 128},
      {"ern_controller", "layer counters (bytes)", 2, 32, c.max_layers, 64},
  };
}

const std::vector<std::string>& resource_modules() {
  static const std::vector<std::string> modules = {"ern_pe_array", "ern_postproc",   "ern_layer_engine", "ern_dma_rd",
                                                   "ern_dma_wr",   "ern_controller", "ern_accel",        "flattening"};
  return modules;
}

const ResourceCalibration& resource_calibration() {
  static std::once_flag once;
  static ResourceCalibration cal;
  std::call_once(once, [] { cal = load_calibration(std::string(ERNSIM_CONFIG_DIR) + "/calibration/yosys.json"); });
  return cal;
}

std::string resource_extrapolation(const HwConfig& config) {
  const ResourceCalibration& cal = resource_calibration();
  std::set<std::string> features;
  for (const auto& [module, by_resource] : cal.logic) {
    for (const auto& [resource, fit] : by_resource) {
      for (const auto& term : fit.terms) features.insert(term.feature);
    }
  }
  for (const std::string& f : features) {
    double lo = INFINITY, hi = -INFINITY;
    for (const CalibrationEntry& e : cal.entries) {
      if (e.role != "calibration") continue;
      lo = std::min(lo, feature_value(f, e.config));
      hi = std::max(hi, feature_value(f, e.config));
    }
    const double v = feature_value(f, config);
    if (v < lo || v > hi) return fmt::format("{} = {:g} (calibrated {:g} to {:g})", f, v, lo, hi);
  }
  return "";
}

ResourceEstimate estimate_resources(const HwConfig& config, DeviceFamily family) {
  const ResourceCalibration& cal = resource_calibration();
  ResourceEstimate e;
  Resources sum;
  for (const std::string& module : resource_modules()) {
    ModuleResources m;
    m.module = module;
    m.description = module_descriptions().at(module);
    if (module != "flattening") m.memory = memory_part(module, config, family);
    const auto scale = cal.family_scale.find(module);
    const bool scaled = family == DeviceFamily::kUltraScalePlus && scale != cal.family_scale.end();
    for (const auto& [resource, fit] : cal.logic.at(module)) {
      double v = 0;
      for (const auto& term : fit.terms) {
        v += term.coefficient * feature_value(term.feature, config);
        m.terms[resource].push_back(term.feature);
      }
      if (scaled && scale->second.count(resource)) {
        v *= scale->second.at(resource);
        m.family_scale[resource] = scale->second.at(resource);
      }
      set(m.logic, resource, v);
    }
    sum += m.total();
    e.modules.push_back(m);
  }
  e.total.lut = std::round(sum.lut);
  e.total.ff = std::round(sum.ff);
  e.total.bram18 = std::round(sum.bram18);
  e.total.dsp = std::max(0.0, std::round(sum.dsp));
  e.total.uram = std::round(sum.uram);
  return e;
}

std::string ResourceEstimate::summary() const {
  return fmt::format("LUT {}, FF {}, BRAM18 {}, {}DSP {}", thousands(total.lut), thousands(total.ff),
                     thousands(total.bram18), total.uram > 0 ? "URAM " + thousands(total.uram) + ", " : "",
                     thousands(total.dsp));
}

nlohmann::json resource_counts_json(const Resources& r) {
  return {{"lut", std::llround(r.lut)},
          {"ff", std::llround(r.ff)},
          {"bram18", std::llround(r.bram18)},
          {"uram", std::llround(r.uram)},
          {"dsp", std::llround(r.dsp)}};
}

nlohmann::json ResourceEstimate::to_json() const {
  nlohmann::json j = nlohmann::json::array();
  for (const ModuleResources& m : modules) {
    const Resources t = m.total();
    nlohmann::json row = resource_counts_json(t);
    row["module"] = m.module;
    row["description"] = m.description;
    row["memory_lut"] = std::llround(m.memory.lut);
    row["memory_ff"] = std::llround(m.memory.ff);
    row["terms"] = m.terms;
    if (!m.family_scale.empty()) row["family_scale"] = m.family_scale;
    j.push_back(row);
  }
  return j;
}

}  // namespace ernsim
