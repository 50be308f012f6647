#include "tools/cli/common.h"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include <nlohmann/json.hpp>

#include "models/checked_number.h"
#include "models/error.h"
#include "models/heq/qonnx_import.h"
#include "models/heq/zoo.h"
#include "models/images.h"
#include "models/input_file.h"
#include "models/model_spec.h"
#include "models/npy.h"
#include "models/onnx_import.h"
#include "models/output_file.h"
#include "models/zoo.h"

namespace ernsim::cli {

std::string with_range(const std::string& help, UintRange range) {
  return fmt::format("{} ({} to {})", help, range.lo, range.hi);
}

std::string with_range(const std::string& help, RealRange range) {
  return fmt::format("{} ({:g} to {:g})", help, range.lo, range.hi);
}

uint64_t uint_option(const po::variables_map& vm, const std::string& name, UintRange range) {
  return parse_uint(vm[name].as<std::string>(), "--" + name, range.lo, range.hi);
}

double real_option(const po::variables_map& vm, const std::string& name, RealRange range) {
  return parse_real(vm[name].as<std::string>(), "--" + name, range.lo, range.hi);
}

void add_model_options(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("model", po::value<std::string>()->default_value(kDefaultModel),
       "FILE.onnx (exported by the official ERN library), zoo:NAME (see `ernsim zoo`) , random:SEED (a random "
       "network of the zoo's family, as `ernsim regress` makes them) or overflow:SEED (a network whose residual "
       "stream outgrows 16 bits in its layer \"big\": `ernsim run` must fail naming it)")
      ("size", po::value<std::string>(), with_range("input size of a zoo model, a multiple of 32 (default 256)", kSizeRange).c_str())
      ("seed", po::value<std::string>()->default_value("1"), with_range("seed of zoo weights and synthetic images", kSeedRange).c_str());
  // clang-format on
}

void add_engine_options(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("config", po::value<std::string>()->default_value("default"),
       "hardware configuration: a name in configs/ or a JSON file")
      ("trace", po::value<std::string>(), "write a waveform: FILE.fst (FST) or FILE.vcd (VCD)")
      ("trace-window", po::value<std::string>(), "trace only cycles A to B (A:B, either may be empty)")
      ("watchdog", po::value<std::string>()->default_value("100000"),
       with_range("cycles without progress after which a run is stopped as hung", kWatchdogRange).c_str());
  // clang-format on
}

void add_program_options(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("max-rows", po::value<std::string>()->default_value(std::to_string(kDefaultTileRows)),
       with_range("output rows per job at most: smaller tiles overlap loads and stores with compute (0: as the "
                  "buffers allow)", kMaxRowsRange).c_str())
      ("mem-bytes-per-cycle", po::value<std::string>(),
       with_range("override the configuration's memory bandwidth (bytes per cycle)", kBandwidthRange).c_str())
      ("mem-latency", po::value<std::string>(),
       with_range("override the configuration's memory latency (cycles)", kLatencyRange).c_str())
      ("clock-mhz", po::value<std::string>()->default_value("300"),
       with_range("clock for latency and FPS (an assumption)", kClockMhzRange).c_str());
  // clang-format on
}

void add_layer_output_options(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("csv", po::value<std::string>(), "write one row per layer (CSV; - for standard output)")
      ("plot", po::value<std::string>(), "draw per-layer cycles (compute, load and store stalls) and utilization: FILE.svg")
      ("quiet,q", po::bool_switch(), "print no per-layer table and no progress, only the totals");
  // clang-format on
}

HwConfig program_config(const po::variables_map& vm) {
  HwConfig config = load_hw_config(vm["config"].as<std::string>());
  if (vm.count("mem-bytes-per-cycle"))
    config.memory.bytes_per_cycle = real_option(vm, "mem-bytes-per-cycle", kBandwidthRange);
  if (vm.count("mem-latency")) {
    config.memory.latency_cycles = static_cast<uint32_t>(uint_option(vm, "mem-latency", kLatencyRange));
  }
  return config;
}

CompileOptions compile_options(const po::variables_map& vm) {
  CompileOptions options;
  options.max_rows = static_cast<int>(uint_option(vm, "max-rows", kMaxRowsRange));
  return options;
}

double clock_mhz(const po::variables_map& vm) { return real_option(vm, "clock-mhz", kClockMhzRange); }

SimOptions sim_options(const po::variables_map& vm) {
  SimOptions options;
  if (vm.count("trace")) {
    options.trace_path = vm["trace"].as<std::string>();
    if (options.trace_path == "-") fail("--trace -: a waveform needs a file name (FILE.fst or FILE.vcd)");
    check_output_path(options.trace_path, "--trace");
  }
  if (vm.count("trace-window")) {
    if (!vm.count("trace")) fail("--trace-window needs --trace FILE");
    parse_trace_window(vm["trace-window"].as<std::string>(), options);
  }
  if (vm.count("clock-mhz")) options.clock_mhz = clock_mhz(vm);
  options.watchdog_cycles = uint_option(vm, "watchdog", kWatchdogRange);
  return options;
}

Network load_model(const po::variables_map& vm, ModelDetail detail) {
  return load_model_spec(
      vm["model"].as<std::string>(),
      vm.count("size") ? std::optional<int>(static_cast<int>(uint_option(vm, "size", kSizeRange))) : std::nullopt,
      uint_option(vm, "seed", kSeedRange), detail == ModelDetail::kStructure);
}

std::vector<ActTensor> load_images(const po::variables_map& vm, const Network& net) {
  const TensorInfo& in = net.tensor(net.input);
  return load_images(vm, net.name, in.channels, in.height, in.width);
}

std::vector<ActTensor> load_images(const po::variables_map& vm, const std::string& model, int channels, int height,
                                   int width) {
  if (!vm.count("input")) {
    if (height != width) fail("synthetic images are square; {} needs --input", model);
    const int count = vm.count("images") ? static_cast<int>(uint_option(vm, "images", kImagesRange)) : kDefaultImages;
    return zoo_images(count, height, uint_option(vm, "seed", kSeedRange));
  }
  return read_images(vm["input"].as<std::string>(), channels, height, width);
}

namespace {

// Options whose value is a file ernsim writes: "-" there means standard output.
constexpr const char* kFileOutputs[] = {"report", "output", "junit", "csv", "plot", "svg", "keep-log"};

}  // namespace

bool parse_command(int argc, char** argv, const char* usage, po::options_description& options, po::variables_map& vm,
                   const po::positional_options_description* positional) {
  // clang-format off
  options.add_options()("help,h", "show this help");
  // clang-format on
  po::command_line_parser parser(argc, argv);
  parser.options(options);
  if (positional) parser.positional(*positional);
  try {
    const po::parsed_options parsed = parser.run();
    // Without a positional description boost drops stray arguments; a typo must not run defaults.
    for (const po::option& o : parsed.options) {
      if (o.position_key >= 0 && !positional) {
        fail("unexpected argument '{}': every input is given by an option, such as --model FILE (see --help)",
             o.original_tokens.empty() ? o.value.front() : o.original_tokens.front());
      }
    }
    po::store(parsed, vm);
    if (vm.count("help")) {
      std::cout << usage << "\n\n" << options << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    fail("{} (see --help)", e.what());
  }
  std::string to_stdout;
  for (const char* name : kFileOutputs) {
    if (!vm.count(name) || vm[name].as<std::string>() != "-") continue;
    if (!to_stdout.empty()) fail("--{} - and --{} -: only one output can go to standard output", to_stdout, name);
    to_stdout = name;
  }
  if (!to_stdout.empty()) reserve_stdout_for_output();
  return true;
}

void check_output_dir(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return;
  if (fs::exists(path, ec)) fail("{} {}: exists and is not a directory", option, path);
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    fail("{} {}: directory {} does not exist", option, path, parent.string());
  }
}

void check_output_path(const std::string& path, const std::string& option) {
  try {
    check_output_file(path);
  } catch (const Error& e) {
    fail("{} {}", option, e.what());
  }
}

}  // namespace ernsim::cli
