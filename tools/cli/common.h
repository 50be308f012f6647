// Pieces the ernsim commands share: loading a model (ONNX file or zoo), images and writing results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "models/golden.h"
#include "models/input_file.h"
#include "models/model_spec.h"
#include "models/network.h"
#include "models/output_file.h"
#include "models/tensor.h"
#include "models/tensor_dump.h"
#include "sim/compiler/program.h"
#include "sim/hw_config.h"
#include "sim/input_ranges.h"
#include "sim/testbench/sc_testbench.h"

namespace ernsim::cli {

namespace po = boost::program_options;

constexpr const char* kDefaultModel = "zoo:ERNs18";
constexpr int kDefaultImages = 2;
// Output rows per job: small tiles let the loads and stores of neighbouring jobs overlap the
// compute (measured best for the zoo on the default configuration: docs/PERFORMANCE.md).
constexpr int kDefaultTileRows = 4;

// "HELP (LO to HI)": an option's help text with its range.
std::string with_range(const std::string& help, UintRange range);
std::string with_range(const std::string& help, RealRange range);

// The value of a numeric option, checked against its range ("--NAME TEXT: expected ...").
uint64_t uint_option(const po::variables_map& vm, const std::string& name, UintRange range);
double real_option(const po::variables_map& vm, const std::string& name, RealRange range);

// --model, --size and --seed, as every command that runs a model takes them.
void add_model_options(po::options_description& options);

// --config, --trace, --trace-window and --watchdog, for commands that simulate the RTL.
void add_engine_options(po::options_description& options);

// --max-rows, --mem-bytes-per-cycle, --mem-latency and --clock-mhz: how a whole-network program
// uses the accelerator (run, estimate, sweep).
void add_program_options(po::options_description& options);
// The configuration of --config with the memory overrides; checks them.
HwConfig program_config(const po::variables_map& vm);
CompileOptions compile_options(const po::variables_map& vm);
double clock_mhz(const po::variables_map& vm);

// "FILE.onnx" or "zoo:NAME" (the zoo at --size, default 256). --size with an ONNX file must match
// the model's fixed input size.
// kStructure: what estimators need (zoo models without weights and calibration).
enum class ModelDetail { kFull, kStructure };
Network load_model(const po::variables_map& vm, ModelDetail detail = ModelDetail::kFull);

// Images of the network's input size: from --input (uint8 N x 3 x H x W .npy) or, without it,
// `count` seeded synthetic images.
std::vector<ActTensor> load_images(const po::variables_map& vm, const Network& net);
// The same for any model with a channels x height x width uint8 input (HEQ networks too).
std::vector<ActTensor> load_images(const po::variables_map& vm, const std::string& model, int channels, int height,
                                   int width);

// Parses a command's options; prints help and returns false for --help. Stray positional arguments
// are usage errors; an output option given "-" (standard output) sends everything else printed to
// standard error (models/output_file.h).
bool parse_command(int argc, char** argv, const char* usage, po::options_description& options, po::variables_map& vm,
                   const po::positional_options_description* positional = nullptr);

// Fails unless `path` can be created: its directory exists. Checked before long work starts so that
// a typo does not cost a whole run.
void check_output_path(const std::string& path, const std::string& option);

// Fails unless directory `path` exists or can be created (its parent exists).
void check_output_dir(const std::string& path, const std::string& option);

// --csv FILE, --plot FILE.svg (per-layer results) and --quiet, for run and estimate.
void add_layer_output_options(po::options_description& options);

// The simulation options of add_engine_options.
SimOptions sim_options(const po::variables_map& vm);

}  // namespace ernsim::cli
