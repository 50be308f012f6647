// `ernsim estimate`: latency, FPS and resources of a model on a hardware configuration from the
// estimators (sim/estimators/latency_model.h, sim/estimators/resource_model.h), without simulating the RTL.
#include <fmt/core.h>

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "sim/compiler/program.h"
#include "sim/device.h"
#include "sim/estimators/latency_model.h"
#include "sim/estimators/resource_model.h"
#include "sim/reports/plots.h"
#include "sim/reports/report.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim estimate [--model FILE.onnx|zoo:NAME|random:SEED] [--size N] [--config HW] [--clock-mhz F]\n"
    "                       [--max-rows R] [--mem-bytes-per-cycle B] [--mem-latency L] [--device DEV]\n"
    "                       [--report R.json]\n\n"
    "Estimates a model's inference on the accelerator without simulating the RTL: cycles per layer\n"
    "and in total (the latency model runs the same program as `ernsim run` through a model of the\n"
    "controller, DMAs and memory, and is checked against the RTL by the test suite), latency and FPS\n"
    "at the clock, PE utilization, each layer's compute and memory bounds, and the LUT, FF, BRAM18 and\n"
    "DSP estimate of the configuration (calibrated against Yosys; see `ernsim synth`), with a line\n"
    "saying which quantity lies outside the calibration when the estimate extrapolates. --device prints\n"
    "each resource's use of an FPGA (devices/, with URAM on UltraScale+) and whether the design fits;\n"
    "exit status 1 when it does not.";

}  // namespace

int run_estimate(int argc, char** argv) {
  po::options_description options("estimate options");
  add_model_options(options);
  // clang-format off
  options.add_options()
      ("config", po::value<std::string>()->default_value("default"),
       "hardware configuration: a name in configs/ or a JSON file")
      ("device", po::value<std::string>(), "FPGA device: a name in devices/ or a JSON file; says whether it fits")
      ("report", po::value<std::string>(), "write a JSON report");
  // clang-format on
  add_program_options(options);
  add_layer_output_options(options);
  po::variables_map vm;
  if (!parse_command(argc, argv, kUsage, options, vm)) return 0;
  for (const char* path : {"report", "csv", "plot"}) {
    if (vm.count(path)) check_output_path(vm[path].as<std::string>(), std::string("--") + path);
  }
  const bool quiet = vm["quiet"].as<bool>();
  const double mhz = clock_mhz(vm);
  const HwConfig config = program_config(vm);
  const CompileOptions compile = compile_options(vm);
  std::optional<Device> device;
  if (vm.count("device")) device = load_device(vm["device"].as<std::string>());

  const auto started = std::chrono::steady_clock::now();
  const Network net = load_model(vm, ModelDetail::kStructure);
  const Program program = compile_program(net, config, compile);
  const LatencyEstimate latency = estimate_latency(net, program, config);
  const ResourceEstimate resources = estimate_resources(config, device ? device->family : DeviceFamily::kSeries7);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  fmt::print("{} ({}x{}) on configuration {} ({} MACs/cycle, memory {} B/cycle, latency {} cycles): {} jobs\n\n",
             net.name, net.input_height(), net.input_width(), config.name, config.macs_per_cycle(),
             config.memory.bytes_per_cycle, config.memory.latency_cycles, program.jobs.size());
  if (!quiet) {
    fmt::print("{:>3} {:<30} {:>5} {:>10} {:>10} {:>10} {:>7} {:>6} {:>8} {:>8}\n", "#", "layer", "jobs", "cycles",
               "compute", "memory", "bound", "util", "MB read", "MB wrtn");
    for (size_t l = 0; l < latency.layers.size(); ++l) {
      const LayerRunReport& r = latency.layers[l];
      const LayerBounds& b = latency.bounds[l];
      fmt::print("{:>3} {:<30} {:>5} {:>10} {:>10} {:>10} {:>7} {:>5.1f}% {:>8.2f} {:>8.2f}\n", r.index, r.name, r.jobs,
                 r.cycles, b.compute_cycles, b.memory_cycles, b.memory_cycles > b.compute_cycles ? "memory" : "compute",
                 100 * r.utilization, r.bytes_read / 1048576.0, r.bytes_written / 1048576.0);
    }
  }
  const Throughput total = throughput(config, latency.layers, latency.total_cycles, mhz);
  const double fps = total.fps;
  fmt::print("\n{}\n", total.summary());
  fmt::print("resources: {}\n", resources.summary());
  const std::string extrapolated = resource_extrapolation(config);
  if (!extrapolated.empty()) {
    fmt::print("the logic estimate extrapolates the resource model's calibration: {}\n", extrapolated);
  }
  fmt::print("{:.2f} FPS per 1000 LUTs; estimated in {:.3f} s\n", fps * 1000.0 / resources.total.lut, seconds);
  std::vector<ResourceUse> use;
  if (device) {
    use = device_use(resources.total, *device);
    std::string note;
    if (device->family == DeviceFamily::kUltraScalePlus) {
      note = resource_calibration().family_scale.empty()
                 ? "no UltraScale+ calibration: the logic is of the 7-series fit, about a fifth low here"
                 : "logic: the 7-series fit scaled by each module's UltraScale+ ratio, measured by Yosys: "
                   "docs/estimators.md, \"Devices\"";
    }
    fmt::print("\n{}", device_use_table(use, *device, note));
  }

  std::vector<int64_t> compute_bound, memory_bound;
  for (const LayerBounds& b : latency.bounds) {
    compute_bound.push_back(static_cast<int64_t>(b.compute_cycles));
    memory_bound.push_back(static_cast<int64_t>(b.memory_cycles));
  }
  const std::vector<LayerColumn> bounds = {{"compute_bound_cycles", compute_bound},
                                           {"memory_bound_cycles", memory_bound}};
  if (vm.count("csv")) write_text_file(vm["csv"].as<std::string>(), layer_csv(latency.layers, bounds), "--csv");
  if (vm.count("plot")) {
    write_text_file(
        vm["plot"].as<std::string>(),
        layer_plot_svg(latency.layers, fmt::format("{} ({}x{}) on {}: cycles per layer (estimate)", net.name,
                                                   net.input_height(), net.input_width(), config.name)),
        "--plot");
  }
  if (vm.count("report")) {
    JsonReport j(&config);
    j.add_model(net, config);
    j.add_throughput(total, config);
    j["max_rows"] = compile.max_rows;
    j["jobs"] = program.jobs.size();
    j.update(resource_counts_json(resources.total));
    j["resources"] = resources.to_json();
    j["resource_extrapolation"] = extrapolated;
    if (device) j["device"] = device_use_json(use, *device);
    j["fps_per_klut"] = fps * 1000.0 / resources.total.lut;
    j["estimate_seconds"] = seconds;
    j.add_layers(latency.layers, bounds);
    j.write(vm["report"].as<std::string>());
  }
  return device && !fits(use) ? kExitFailed : kExitSuccess;
}

}  // namespace ernsim::cli
