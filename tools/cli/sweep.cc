// `ernsim sweep`: the estimators over ranges of hardware configurations for one model: a CSV of
// every point and an SVG plot of FPS against LUTs with the Pareto front.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "models/checked_number.h"
#include "models/zoo.h"
#include "sim/device.h"
#include "sim/estimators/sweep.h"
#include "sim/progress.h"
#include "sim/reports/plots.h"
#include "sim/reports/sweep_csv.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim sweep [--model FILE.onnx|zoo:NAME|random:SEED] [--size N] [--config BASE]\n"
    "                    [--pe-out LIST] [--pe-pix LIST] [--mem-bytes LIST] [--bandwidth LIST]\n"
    "                    [--max-rows R] [--mem-latency L] [--clock-mhz F] [--device DEV] [--csv FILE.csv]\n"
    "                    [--svg FILE.svg]\n\n"
    "Runs `ernsim estimate` over every combination of the lists (comma-separated) on top of the base\n"
    "configuration (whose buffer depths are per bank, so they scale with the array): PeOut (output\n"
    "channels), PePix (pixels), MemBytes (port width) and the memory bandwidth in bytes per cycle.\n"
    "Writes every point to the CSV (with the reason when the model does not fit a configuration) and\n"
    "plots FPS against LUTs with the Pareto front (labelled, labels never overlapping), and the paper's\n"
    "KV260 point for zoo models at 256. Points whose LUT estimate extrapolates the resource model's\n"
    "calibration are ringed. --device marks the configurations that fit the device (CSV column\n"
    "fits_device; on the plot the others are faded) and draws its LUT budget.";

// The comma-separated values of a list option, each in `range`.
std::vector<std::string> split_list(const po::variables_map& vm, const char* option) {
  std::vector<std::string> items;
  std::stringstream in(vm[option].as<std::string>());
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  if (items.empty() || items.size() > 64) fail("--{}: expected 1 to 64 comma-separated values", option);
  return items;
}

std::vector<int> parse_int_list(const po::variables_map& vm, const char* option, UintRange range) {
  std::vector<int> values;
  for (const std::string& item : split_list(vm, option)) {
    values.push_back(static_cast<int>(parse_uint(item, fmt::format("--{} value", option), range.lo, range.hi)));
  }
  return values;
}

std::vector<double> parse_real_list(const po::variables_map& vm, const char* option, RealRange range) {
  std::vector<double> values;
  for (const std::string& item : split_list(vm, option)) {
    values.push_back(parse_real(item, fmt::format("--{} value", option), range.lo, range.hi));
  }
  return values;
}

}  // namespace

int run_sweep(int argc, char** argv) {
  po::options_description options("sweep options");
  add_model_options(options);
  // clang-format off
  options.add_options()
      ("config", po::value<std::string>()->default_value("default"),
       "base hardware configuration: a name in configs/ or a JSON file")
      ("pe-out", po::value<std::string>()->default_value("8,16,32,64"),
       with_range("PeOut values (output channels per cycle)", kRtlParameterRange).c_str())
      ("pe-pix", po::value<std::string>()->default_value("1,2,4"),
       with_range("PePix values (pixels per cycle)", kRtlParameterRange).c_str())
      ("mem-bytes", po::value<std::string>(),
       with_range("MemBytes values (port width; default: the base's)", kRtlParameterRange).c_str())
      ("bandwidth", po::value<std::string>(), with_range("memory bytes per cycle (default: the base's)", kBandwidthRange).c_str())
      ("device", po::value<std::string>(), "FPGA device (a name in devices/ or a JSON file): mark what fits it")
      ("csv", po::value<std::string>()->default_value("sweep.csv"), "write every point here")
      ("svg", po::value<std::string>()->default_value("sweep.svg"), "write the plot here")
      ("quiet,q", po::bool_switch(), "print no progress");
  // clang-format on
  add_program_options(options);
  po::variables_map vm;
  if (!parse_command(argc, argv, kUsage, options, vm)) return 0;
  for (const char* path : {"csv", "svg"}) check_output_path(vm[path].as<std::string>(), std::string("--") + path);
  const double mhz = clock_mhz(vm);
  const HwConfig base = program_config(vm);
  const CompileOptions compile = compile_options(vm);
  std::optional<Device> device;
  if (vm.count("device")) device = load_device(vm["device"].as<std::string>());
  const std::vector<int> pe_outs = parse_int_list(vm, "pe-out", kRtlParameterRange);
  const std::vector<int> pe_pixes = parse_int_list(vm, "pe-pix", kRtlParameterRange);
  const std::vector<int> mem_bytes =
      vm.count("mem-bytes") ? parse_int_list(vm, "mem-bytes", kRtlParameterRange) : std::vector<int>{base.mem_bytes};
  const std::vector<double> bandwidths = vm.count("bandwidth") ? parse_real_list(vm, "bandwidth", kBandwidthRange)
                                                               : std::vector<double>{base.memory.bytes_per_cycle};
  if (pe_outs.size() * pe_pixes.size() * mem_bytes.size() * bandwidths.size() > 4096) {
    fail("the sweep has {} points; at most 4096",
         pe_outs.size() * pe_pixes.size() * mem_bytes.size() * bandwidths.size());
  }

  const auto started = std::chrono::steady_clock::now();
  const Network net = load_model(vm, ModelDetail::kStructure);
  std::vector<SweepPoint> points;
  Progress progress(pe_outs.size() * pe_pixes.size() * mem_bytes.size() * bandwidths.size(), !vm["quiet"].as<bool>());
  for (int pe_out : pe_outs) {
    for (int pe_pix : pe_pixes) {
      for (int mb : mem_bytes) {
        for (double bw : bandwidths) {
          points.push_back(
              estimate_sweep_point(net, base, pe_out, pe_pix, mb, bw, compile, device ? &*device : nullptr, mhz));
          progress.update(points.size(), " configurations");
        }
      }
    }
  }
  progress.finish();
  mark_pareto(points);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<const SweepPoint*> order;
  for (const SweepPoint& p : points) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(), [](const SweepPoint* a, const SweepPoint* b) {
    if (a->fits != b->fits) return a->fits;
    return a->resources.lut < b->resources.lut;
  });
  fmt::print("{} ({}x{}): {} configurations on base {} at {:.0f} MHz\n\n", net.name, net.input_height(),
             net.input_width(), points.size(), base.name, mhz);
  fmt::print("{:>5} {:>5} {:>5} {:>7} {:>10} {:>8} {:>6} {:>9} {:>9} {:>6} {:>4} {:>8} {}\n", "PeOut", "PePix", "MemB",
             "B/cycle", "cycles", "FPS", "util", "LUT", "FF", "BRAM18", "URAM", "FPS/kLUT", "");
  for (const SweepPoint* p : order) {
    if (p->fits) {
      fmt::print(
          "{:>5} {:>5} {:>5} {:>7g} {:>10} {:>8.1f} {:>5.1f}% {:>9.0f} {:>9.0f} {:>6.0f} {:>4.0f} {:>8.2f} {}{}{}\n",
          p->pe_out, p->pe_pix, p->mem_bytes, p->bandwidth, p->cycles, p->fps, 100 * p->utilization, p->resources.lut,
          p->resources.ff, p->resources.bram18, p->resources.uram, p->fps * 1000 / p->resources.lut,
          p->pareto ? "*" : "", p->extrapolated.empty() ? "" : " x", device && !p->fits_device ? " over" : "");
    } else {
      fmt::print("{:>5} {:>5} {:>5} {:>7g}   does not fit: {}\n", p->pe_out, p->pe_pix, p->mem_bytes, p->bandwidth,
                 p->reason);
    }
  }
  // The paper's KV260 implementation: 77,572 LUTs (Efficiera B64M3C1), FPS of zoo models at 256.
  SweepPlotOptions plot;
  for (const ZooModel& m : zoo_models()) {
    if (m.name == net.name && net.input_height() == 256) {
      plot.paper_lut = 77572;
      plot.paper_fps = m.paper_fps_256;
      plot.paper_label = fmt::format("paper, KV260 ({:.1f} FPS)", m.paper_fps_256);
    }
  }
  plot.title = fmt::format("{} ({}x{}) at {:.0f} MHz: FPS against LUTs, {} configurations", net.name,
                           net.input_height(), net.input_width(), mhz, points.size());
  if (device) plot.device = &*device;
  write_text_file(vm["csv"].as<std::string>(), sweep_csv(order, device.has_value()), "--csv");
  write_text_file(vm["svg"].as<std::string>(), sweep_plot_svg(points, plot), "--svg");
  fmt::print("\n* on the Pareto front; x: the LUT estimate extrapolates the resource model's calibration{}. "
             "Wrote {} and {}; {} points estimated in {:.2f} s\n",
             device ? fmt::format("; over: exceeds {}'s budget", device->name) : "", vm["csv"].as<std::string>(),
             vm["svg"].as<std::string>(), points.size(), seconds);
  return 0;
}

}  // namespace ernsim::cli
