// Verilator's messages as ernsim sees them. Verilated models report a failed SystemVerilog
// assertion (rtl/assert/) by printing a line and stopping the simulation ($stop), which by default
// aborts the process. This file is force-included into every Verilated model and the Verilator
// runtime (CMakeLists.txt), so that those lines pass through ernsim_verilator_printf: with a
// handler set, a failed assertion reaches the handler (and is not printed); without one, every
// line prints as Verilator would (stdout) and a failure aborts as before.
#pragma once

#include <functional>
#include <optional>
#include <string>

// Verilator's VL_PRINTF (verilated.h), redirected here.
int ernsim_verilator_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
#ifdef VL_PRINTF
#undef VL_PRINTF
#endif
#define VL_PRINTF ernsim_verilator_printf

namespace ernsim {

// One failed assertion, from Verilator's line
//   "[<time>] %Error: <file>:<line>: Assertion failed in TOP.<scope>.<label>: <message>";
// any other error line Verilator prints comes with an empty label and the whole line as message.
struct AssertionFailure {
  std::string label;     // the assertion's label, e.g. RdArStable
  std::string scope;     // the instance it is bound into, e.g. ern_accel.u_dma_rd
  std::string location;  // file:line of the assertion
  std::string message;   // its $error text
};

// Parses a line Verilator printed; nothing when it does not report a failed assertion.
std::optional<AssertionFailure> parse_assertion_failure(const std::string& line);

// While set (until cleared with nullptr), every failed assertion calls `handler` and the current
// Verilated context no longer aborts on it (VerilatedContext::fatalOnError(false)): the caller
// stops the simulation or records the failure. The handler runs inside the model's eval().
using AssertionHandler = std::function<void(const AssertionFailure&)>;
void set_assertion_handler(AssertionHandler handler);

}  // namespace ernsim
