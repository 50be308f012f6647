// ernsim: a cycle-accurate simulator of an ultra-low-bit CNN accelerator for Efficiera Residual
// Networks, with a bit-exact golden model. This is the command-line entry point.
#include <fmt/core.h>

#include <sysc/kernel/sc_ver.h>

#include <csignal>
#include <cstring>
#include <exception>
#include <new>

#include "models/error.h"
#include "models/version.h"
#include "sim/reports/report.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

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
    {"config", "config check FILE: validate a hardware configuration", ernsim::cli::run_config},
};

void print_usage() {
  fmt::print("usage: ernsim COMMAND [OPTIONS]   (ernsim COMMAND --help for a command's options)\n"
             "       ernsim --version\n\n"
             "commands:\n");
  for (const Command& c : kCommands) fmt::print("  {:<15} {}\n", c.name, c.summary);
  fmt::print("\nexit status: 0 success, 1 a check failed (mismatch, hang, failed item), 2 usage or input error,\n"
             "3 internal error\n");
}

void print_version() {
  fmt::print("ernsim {} (git {})\nVerilator {}\nSystemC {}\n{}\n", ernsim::kVersion, ernsim::kGitCommit,
             ernsim::kVerilatorVersion, sc_core::sc_release(), ernsim::kYosysVersion);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ernsim;
  // Past a file-size limit a write should fail with an error, not kill ernsim without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    print_usage();
    return argc < 2 ? kExitUsage : kExitSuccess;
  }
  if (!std::strcmp(argv[1], "--version")) {
    if (argc > 2) {
      fmt::print(stderr, "ernsim: error: --version takes no arguments\n");
      return kExitUsage;
    }
    print_version();
    return kExitSuccess;
  }
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    set_invocation(argc, argv);
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const CheckFailure& e) {
      fmt::print(stderr, "ernsim {}: error: {}\n", c.name, e.what());
      return kExitFailed;
    } catch (const Error& e) {
      fmt::print(stderr, "ernsim {}: error: {}\n", c.name, e.what());
      return kExitUsage;
    } catch (const std::bad_alloc&) {
      fmt::print(stderr, "ernsim {}: error: out of memory\n", c.name);
    } catch (const std::exception& e) {
      fmt::print(stderr, "ernsim {}: internal error: {}\n", c.name, e.what());
    }
    return kExitInternal;
  }
  fmt::print(stderr, "ernsim: error: unknown command '{}' (see ernsim --help)\n", argv[1]);
  return kExitUsage;
}
