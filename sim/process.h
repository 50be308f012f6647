// Running another program (fst2vcd, Yosys's driver script) without a shell: its arguments go to
// it as they are, so a file name with quotes or `$(...)` in it is only a file name.
#pragma once

#include <string>
#include <vector>

namespace ernsim {

// Runs args[0] (looked up in PATH) with `args` and waits for it. Returns its exit status, 127 if
// it could not be started, 128 + the signal if one ended it. With `quiet`, its standard output
// and error go to /dev/null.
int run_program(const std::vector<std::string>& args, bool quiet = false);

}  // namespace ernsim
