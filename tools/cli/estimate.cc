// `ernsim estimate`: latency, FPS and resources of a model on a hardware configuration from the
// estimators (sim/estimators/latency_model.h, sim/estimators/resource_model.h), without simulating the RTL.
#include <fmt/core.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "sim/estimators/latency_model.h"
#include "sim/compiler/program.h"
#include "sim/estimators/resource_model.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/layer_outputs.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim estimate [--model FILE.onnx|zoo:NAME|random:SEED] [--size N] [--config HW] [--clock-mhz F]\n"
    "                       [--max-rows R] [--mem-bytes-per-cycle B] [--mem-latency L] [--report R.json]\n\n"
    "Estimates a model's inference on the accelerator without simulating the RTL: cycles per layer\n"
    "and in total (the latency model runs the same program as `ernsim run` through a model of the\n"
    "controller, DMAs and memory, and is checked against the RTL by the test suite), latency and FPS\n"
    "at the clock, PE utilization, each layer's compute and memory bounds, and the LUT, FF, BRAM18 and\n"
    "DSP estimate of the configuration (calibrated against Yosys; see `ernsim synth`).";

}  // namespace

int run_estimate(int argc, char** argv) {
  po::options_description options("estimate options");
  add_model_options(options);
  options.add_options()
      ("config", po::value<std::string>()->default_value("default"),
       "hardware configuration: a name in configs/ or a JSON file")
      ("report", po::value<std::string>(), "write a JSON report");
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

  const auto started = std::chrono::steady_clock::now();
  const Network net = load_model(vm, ModelDetail::kStructure);
  const Program program = compile_program(net, config, compile);
  const LatencyEstimate latency = estimate_latency(net, program, config);
  const ResourceEstimate resources = estimate_resources(config);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  fmt::print("{} ({}x{}) on configuration {} ({} MACs/cycle, memory {} B/cycle, latency {} cycles): {} jobs\n\n",
             net.name, net.input_height(), net.input_width(), config.name, config.macs_per_cycle(),
             config.memory.bytes_per_cycle, config.memory.latency_cycles, program.jobs.size());
  int64_t macs = 0;
  for (const LayerRunReport& r : latency.layers) macs += r.macs;
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
  const double latency_ms = static_cast<double>(latency.total_cycles) / (mhz * 1e3);
  const double fps = 1e3 / latency_ms;
  const double utilization = config.utilization(macs, latency.total_cycles);
  fmt::print("\ntotal: {} cycles, {:.1f}% PE utilization; at {:.0f} MHz (assumed): {:.3f} ms latency, {:.1f} FPS\n",
             latency.total_cycles, 100 * utilization, mhz, latency_ms, fps);
  fmt::print("resources: {}\n", resources.summary());
  fmt::print("{:.2f} FPS per 1000 LUTs; estimated in {:.3f} s\n", fps * 1000.0 / resources.total.lut, seconds);

  if (vm.count("csv") || vm.count("plot")) {
    std::vector<double> compute_bound, memory_bound;
    for (const LayerBounds& b : latency.bounds) {
      compute_bound.push_back(static_cast<double>(b.compute_cycles));
      memory_bound.push_back(static_cast<double>(b.memory_cycles));
    }
    if (vm.count("csv")) {
      write_text_file(vm["csv"].as<std::string>(),
                      layer_csv(latency.layers, {{"compute_bound_cycles", compute_bound}, {"memory_bound_cycles", memory_bound}}),
                      "--csv");
    }
    if (vm.count("plot")) {
      write_text_file(vm["plot"].as<std::string>(),
                      layer_plot_svg(latency.layers, fmt::format("{} ({}x{}) on {}: cycles per layer (estimate)", net.name,
                                                                 net.input_height(), net.input_width(), config.name)),
                      "--plot");
    }
  }
  if (vm.count("report")) {
    nlohmann::json j;
    j["provenance"] = provenance(&config);
    j["model"] = net.name;
    j["config"] = config.name;
    j["input_size"] = {net.input_height(), net.input_width()};
    j["total_cycles"] = latency.total_cycles;
    j["clock_mhz"] = mhz;
    j["latency_ms"] = latency_ms;
    j["fps"] = fps;
    j["macs"] = macs;
    j["utilization"] = utilization;
    j["macs_per_cycle"] = config.macs_per_cycle();
    j["memory"] = {{"bytes_per_cycle", config.memory.bytes_per_cycle}, {"latency_cycles", config.memory.latency_cycles}};
    j["max_rows"] = compile.max_rows;
    j["jobs"] = program.jobs.size();
    j.update(resource_counts_json(resources.total));
    j["resources"] = resources.to_json();
    j["fps_per_klut"] = fps * 1000.0 / resources.total.lut;
    j["estimate_seconds"] = seconds;
    j["layers"] = nlohmann::json::array();
    for (size_t l = 0; l < latency.layers.size(); ++l) {
      const LayerRunReport& r = latency.layers[l];
      j["layers"].push_back({{"index", r.index}, {"name", r.name}, {"jobs", r.jobs}, {"cycles", r.cycles},
                             {"compute_cycles", r.compute_cycles}, {"load_stall_cycles", r.load_stall_cycles},
                             {"store_stall_cycles", r.store_stall_cycles}, {"bytes_read", r.bytes_read},
                             {"bytes_written", r.bytes_written}, {"macs", r.macs}, {"utilization", r.utilization},
                             {"compute_bound_cycles", latency.bounds[l].compute_cycles},
                             {"memory_bound_cycles", latency.bounds[l].memory_cycles}});
    }
    write_text_file(vm["report"].as<std::string>(), j.dump(1) + "\n", "--report");
  }
  return 0;
}

}  // namespace ernsim::cli
