// The ernsim subcommands; each parses its own options and returns the process exit code.
#pragma once

namespace ernsim::cli {

int run_infer(int argc, char** argv);
int run_zoo(int argc, char** argv);
int run_info(int argc, char** argv);
int run_layers(int argc, char** argv);
int run_regress_layers(int argc, char** argv);
int run_run(int argc, char** argv);
int run_estimate(int argc, char** argv);
int run_synth(int argc, char** argv);
int run_sweep(int argc, char** argv);
int run_regress(int argc, char** argv);
int run_config(int argc, char** argv);

}  // namespace ernsim::cli
