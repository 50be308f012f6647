// What built this ernsim: its version, git commit and the tool versions (generated at build time
// by tools/write_version.cmake into the ernsim executable and the Python module).
#pragma once

namespace ernsim {

extern const char* const kVersion;
extern const char* const kGitCommit;
extern const char* const kVerilatorVersion;  // the Verilator that compiled the RTL models
extern const char* const kYosysVersion;      // the Yosys `ernsim synth` runs (as found at configure time)

}  // namespace ernsim
