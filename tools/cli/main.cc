// ernsim: a cycle-accurate simulator of an ultra-low-bit CNN accelerator for Efficiera Residual
// Networks, with a bit-exact golden model. This is the command-line entry point.
#include <fmt/core.h>

#include <cstring>
#include <exception>
#include <new>

#include "models/error.h"
#include "tools/cli/commands.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

const Command kCommands[] = {
    {"run", "whole-network inference on the accelerator RTL: latency, FPS, bit-exact check", ernsim::cli::run_run},
    {"estimate", "latency, FPS and resources from the estimators, without simulating the RTL",
     ernsim::cli::run_estimate},
    {"synth", "Yosys on the accelerator RTL beside the resource estimate", ernsim::cli::run_synth},
    {"sweep", "estimates over ranges of configurations: CSV and a plot of FPS against LUTs", ernsim::cli::run_sweep},
    {"infer", "golden (bit-exact integer) inference of an ERN or HEQ model", ernsim::cli::run_infer},
    {"info", "the layers of a model with shapes, scales and value bounds", ernsim::cli::run_info},
    {"layers", "layers of a model on the RTL layer engine, checked bit for bit", ernsim::cli::run_layers},
    {"regress", "an RTL regression suite: fixtures, zoo, random layers and networks; parallel, sharded, JUnit",
     ernsim::cli::run_regress},
    {"regress-layers", "random layer configurations on the RTL layer engine", ernsim::cli::run_regress_layers},
    {"zoo", "the built-in ERN and HEQ model zoos", ernsim::cli::run_zoo},
};

void print_usage() {
  fmt::print("usage: ernsim COMMAND [OPTIONS]   (ernsim COMMAND --help for a command's options)\n\n"
             "commands:\n");
  for (const Command& c : kCommands) fmt::print("  {:<15} {}\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const ernsim::Error& e) {
      fmt::print(stderr, "ernsim {}: error: {}\n", c.name, e.what());
    } catch (const std::bad_alloc&) {
      fmt::print(stderr, "ernsim {}: error: out of memory\n", c.name);
    } catch (const std::exception& e) {
      fmt::print(stderr, "ernsim {}: internal error: {}\n", c.name, e.what());
    }
    return 1;
  }
  fmt::print(stderr, "ernsim: error: unknown command '{}' (see ernsim --help)\n", argv[1]);
  return 2;
}
