// `ernsim run`: whole-network inference on the accelerator RTL (controller, DMA, engine) with the
// SystemC memory model: cycle-accurate latency and FPS, every layer checked bit for bit.
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/golden.h"
#include "models/npy.h"
#include "sim/compiler/program.h"
#include "sim/drivers/layer_mode.h"
#include "sim/drivers/program_mode.h"
#include "sim/estimators/latency_model.h"
#include "sim/hw_config.h"
#include "sim/progress.h"
#include "sim/reports/plots.h"
#include "sim/reports/report.h"
#include "sim/testbench/sc_testbench.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

constexpr const char* kUsage =
    "usage: ernsim run [--model FILE.onnx|zoo:NAME] [--size N] [--input IMAGES.npy] [--images N]\n"
    "                  [--output LOGITS.npy] [--config HW] [--clock-mhz F] [--report R.json]\n"
    "                  [--trace FILE.fst|FILE.vcd (--trace-window A:B | --trace-layer K)] [--watchdog N]\n\n"
    "Whole-network inference on the accelerator RTL: the host driver writes the model, the program\n"
    "and the image into the simulated memory, starts the accelerator through its registers and waits\n"
    "for it; every layer's output is read back and compared with the golden model. Prints per layer\n"
    "the cycles, MACs, PE utilization, bytes moved and stall cycles, the total cycles, latency and FPS\n"
    "at the clock, and the mismatch summary; exits non-zero on any mismatch or error.";

std::string megabytes(uint64_t bytes) { return fmt::format("{:.2f}", bytes / 1048576.0); }

// Signed error of an estimate against the measured value, in percent.
double relative_error_percent(uint64_t estimate, uint64_t measured) {
  if (measured == 0) return estimate == 0 ? 0.0 : 100.0;
  return 100.0 * (static_cast<double>(estimate) - static_cast<double>(measured)) / static_cast<double>(measured);
}

// What a failing run needs to be looked at without ernsim: the images, the model and every golden
// tensor (the expected value of every layer's output).
void save_inputs(const std::string& dir, const po::variables_map& vm, const Network& net,
                 const std::vector<ActTensor>& images, const std::vector<GoldenResult>& golden) {
  dump_tensors(dir + "/expected", net, golden, "--save-inputs");
  const TensorInfo& in = net.tensor(net.input);
  std::vector<uint8_t> flat(static_cast<size_t>(in.elements()) * images.size());
  for (size_t i = 0; i < images.size(); ++i) tensor_to_chw(images[i], &flat[i * static_cast<size_t>(in.elements())]);
  write_npy(dir + "/images.npy", NpyType::kUint8,
            {static_cast<int64_t>(images.size()), in.channels, in.height, in.width}, flat.data());
  write_text_file(dir + "/model.txt",
                  fmt::format("{}\n{} ({} layers, input {}x{}); seed {}\n", vm["model"].as<std::string>(), net.name,
                              net.layers.size(), in.height, in.width, uint_option(vm, "seed", kSeedRange)),
                  "--save-inputs");
}

}  // namespace

int run_run(int argc, char** argv) {
  po::options_description options("run options");
  add_model_options(options);
  add_engine_options(options);
  // clang-format off
  options.add_options()
      ("input", po::value<std::string>(), "images, uint8 N x 3 x H x W .npy")
      ("images", po::value<std::string>()->default_value("1"),
       with_range("number of synthetic images without --input", kImagesRange).c_str())
      ("output", po::value<std::string>(), "write logits, float32 N x classes .npy")
      ("trace-layer", po::value<std::string>(), "trace the cycles in which layer K is computed")
      ("check-estimate", "fail unless the latency estimate is within 1% of the RTL per layer and 0.5% in total")
      ("save-inputs", po::value<std::string>(), "write the images, the model's name and every golden tensor here")
      ("report", po::value<std::string>(), "write a JSON report");
  // clang-format on
  add_program_options(options);
  add_layer_output_options(options);
  po::variables_map vm;
  if (!parse_command(argc, argv, kUsage, options, vm)) return 0;
  for (const char* path : {"output", "report", "csv", "plot"}) {
    if (vm.count(path)) check_output_path(vm[path].as<std::string>(), std::string("--") + path);
  }
  if (vm.count("save-inputs")) check_output_dir(vm["save-inputs"].as<std::string>(), "--save-inputs");
  const double clock_mhz = ernsim::cli::clock_mhz(vm);
  const HwConfig config = program_config(vm);
  const CompileOptions compile = compile_options(vm);
  SimOptions sim = sim_options(vm);
  // Every read waits the latency without progress: a shorter watchdog would call that a hang.
  if (sim.watchdog_cycles <= 2 * uint64_t{config.memory.latency_cycles}) {
    fail("--watchdog {}: must be longer than twice the memory latency ({} cycles)", sim.watchdog_cycles,
         config.memory.latency_cycles);
  }
  if (vm.count("trace-layer")) {
    if (!vm.count("trace")) fail("--trace-layer needs --trace FILE");
    if (vm.count("trace-window")) fail("--trace-layer and --trace-window exclude each other");
    sim.trace_layer = static_cast<int>(uint_option(vm, "trace-layer", kLayerRange));
  }

  const auto wall_start = std::chrono::steady_clock::now();
  const Network net = load_model(vm);
  if (sim.trace_layer >= static_cast<int>(net.layers.size())) {
    fail("--trace-layer {}: {} has layers 0..{}", sim.trace_layer, net.name, net.layers.size() - 1);
  }
  const std::vector<ActTensor> images = load_images(vm, net);
  std::vector<GoldenResult> golden;
  for (const ActTensor& image : images) golden.push_back(run_golden(net, image));
  if (vm.count("save-inputs")) save_inputs(vm["save-inputs"].as<std::string>(), vm, net, images, golden);
  const Program program = compile_program(net, config, compile);
  Memory memory;
  write_model(memory, program, net, config);

  fmt::print("{} on configuration {} ({} MACs/cycle, memory {} B/cycle, latency {} cycles): {} jobs, "
             "{:.1f} MiB of memory\n\n",
             net.name, config.name, config.macs_per_cycle(), config.memory.bytes_per_cycle,
             config.memory.latency_cycles, program.jobs.size(), program.memory_bytes / 1048576.0);
  const auto estimate_start = std::chrono::steady_clock::now();
  const LatencyEstimate estimate = estimate_latency(net, program, config);
  const double estimate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - estimate_start).count();
  // The RTL matches the latency model within a percent; four times its cycles is a loop.
  sim.program_cycle_limit = 4 * estimate.total_cycles + sim.watchdog_cycles;
  Scoreboard scoreboard;
  NetworkRunReport report;
  // Layers done, counted where the testbench notices the compute stage move on: no polling.
  const size_t layers_total = net.layers.size() * images.size();
  Progress progress(layers_total, !vm["quiet"].as<bool>());
  size_t layers_done = 0;
  progress.update(0, " layers");
  sim.on_layer_done = [&] { progress.update(++layers_done, " layers"); };
  run_sc_sim(config, sim, memory, [&](SimPorts& ports) {
    check_engine_config(ports, config);
    report = run_network(ports, config, net, program, images, golden, scoreboard);
  });
  progress.finish();
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count() - estimate_seconds;

  if (!vm["quiet"].as<bool>()) {
    fmt::print("{:>3} {:<30} {:>5} {:>10} {:>10} {:>7} {:>12} {:>6} {:>8} {:>8} {:>10} {:>10} {:>10}\n", "#", "layer",
               "jobs", "cycles", "estimate", "error", "MACs", "util", "MB read", "MB wrtn", "ld stall", "st stall",
               "mismatch");
    for (const LayerRunReport& l : report.layers) {
      const uint64_t est = estimate.layers.at(static_cast<size_t>(l.index)).cycles;
      fmt::print("{:>3} {:<30} {:>5} {:>10} {:>10} {:>6.2f}% {:>12} {:>5.1f}% {:>8} {:>8} {:>10} {:>10} {:>10}\n",
                 l.index, l.name, l.jobs, l.cycles, est, relative_error_percent(est, l.cycles), l.macs,
                 100 * l.utilization, megabytes(l.bytes_read), megabytes(l.bytes_written), l.load_stall_cycles,
                 l.store_stall_cycles, l.mismatches);
    }
  }
  const Throughput total = throughput(config, report.layers, report.total_cycles, clock_mhz);
  fmt::print("\n{}\n", total.summary());
  fmt::print("estimate (ernsim estimate): {} cycles, {:+.2f}% error, in {:.3f} s\n", estimate.total_cycles,
             relative_error_percent(estimate.total_cycles, report.total_cycles), estimate_seconds);
  fmt::print("{} image(s), {} mismatches in {} compared elements; simulated in {:.1f} s\n", images.size(),
             scoreboard.mismatches(), scoreboard.compared(), wall_seconds);
  for (size_t i = 0; i < report.logits.size(); ++i) {
    fmt::print("image {:>3}: top-1 class {:>4}\n", i, top1(report.logits[i]));
  }

  if (vm.count("check-estimate")) {
    // The estimator's promise (docs/PERFORMANCE.md), checked where the regressions run.
    for (const LayerRunReport& l : report.layers) {
      const double error = relative_error_percent(estimate.layers.at(static_cast<size_t>(l.index)).cycles, l.cycles);
      if (std::abs(error) > 1.0) {
        scoreboard.add_error(fmt::format("latency estimate of layer {} ({}) is off by {:+.2f}% (RTL {} cycles)",
                                         l.index, l.name, error, l.cycles));
      }
    }
    const double total_error = relative_error_percent(estimate.total_cycles, report.total_cycles);
    if (std::abs(total_error) > 0.5) {
      scoreboard.add_error(fmt::format("latency estimate is off by {:+.2f}% in total (RTL {} cycles)", total_error,
                                       report.total_cycles));
    }
  }
  // The per-layer table and picture are diagnostics too: written for a failed run as well.
  if (vm.count("csv") || vm.count("plot") || vm.count("report")) {
    std::vector<int64_t> estimated, mismatches, start, end;
    for (const LayerRunReport& l : report.layers) {
      estimated.push_back(static_cast<int64_t>(estimate.layers.at(static_cast<size_t>(l.index)).cycles));
      mismatches.push_back(l.mismatches);
      start.push_back(static_cast<int64_t>(l.start_cycle));
      end.push_back(static_cast<int64_t>(l.end_cycle));
    }
    if (vm.count("csv")) {
      write_text_file(vm["csv"].as<std::string>(),
                      layer_csv(report.layers, {{"estimated_cycles", estimated}, {"mismatches", mismatches}}), "--csv");
    }
    if (vm.count("plot")) {
      write_text_file(vm["plot"].as<std::string>(),
                      layer_plot_svg(report.layers, fmt::format("{} ({}x{}) on {}: cycles per layer (RTL)", net.name,
                                                                net.input_height(), net.input_width(), config.name)),
                      "--plot");
    }
    if (vm.count("report")) {
      JsonReport j(&config);
      j.add_model(net, config);
      j["images"] = images.size();
      j.add_throughput(total, config);
      j["estimated_cycles"] = estimate.total_cycles;
      j["estimate_error_percent"] = relative_error_percent(estimate.total_cycles, report.total_cycles);
      j["estimate_seconds"] = estimate_seconds;
      j.add_scoreboard(scoreboard);
      j["jobs"] = program.jobs.size();
      j["wall_seconds"] = wall_seconds;
      j.add_layers(
          report.layers,
          {{"estimated_cycles", estimated}, {"mismatches", mismatches}, {"start_cycle", start}, {"end_cycle", end}});
      j.write(vm["report"].as<std::string>());
    }
  }
  if (!sim.trace_path.empty()) {
    fmt::print("trace{} written to {}\n", scoreboard.passed() ? "" : " of the failed run", sim.trace_path);
  }
  if (!scoreboard.passed()) {
    fmt::print(stderr, "{}", scoreboard.report());
    fmt::print(stderr, "ernsim run: FAILED: {} mismatches, {} errors\n", scoreboard.mismatches(),
               scoreboard.errors().size());
    return kExitFailed;
  }
  // Logits only from a run that matched: a failed run's logits are not a result.
  if (vm.count("output")) write_float_matrix(vm["output"].as<std::string>(), report.logits);
  fmt::print("PASSED: every layer bit-exact\n");
  return 0;
}

}  // namespace ernsim::cli
