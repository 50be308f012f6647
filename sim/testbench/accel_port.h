// What the host driver needs from a simulated accelerator: its registers, its memory (written and
// read directly, as a host CPU writes DRAM) and a way to run a program to completion.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "hw_spec.h"  // AccelReg: generated from rtl/ern_hw_spec.json
#include "sim/testbench/memory.h"

namespace ernsim {

class AccelPort {
 public:
  virtual ~AccelPort() = default;
  virtual void reg_write(AccelReg reg, uint32_t value) = 0;
  virtual uint32_t reg_read(AccelReg reg) = 0;
  virtual Memory& memory() = 0;
  // Starts the program set up in the registers and waits for it to finish, under the watchdog
  // (no progress for N cycles is an error naming the stuck stage). Throws on a memory error.
  virtual void run_program() = 0;
  virtual uint64_t cycle() const = 0;
  // The cycles (as cycle() and --trace-window count them) in which the compute stage worked on each
  // layer during the last run_program: [start, end) per layer index; {0, 0} for a layer not seen.
  virtual std::vector<std::pair<uint64_t, uint64_t>> layer_spans() const { return {}; }
};

}  // namespace ernsim
