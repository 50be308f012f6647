// A plain C++ Verilator harness of the layer engine (no SystemC): the same EnginePort protocol as
// the SystemC testbench, clocked by hand. Used to measure what the SystemC testbench costs.
#pragma once

#include <cstdint>

#include "models/error.h"
#include "sim/engine_port.h"

namespace ernsim {

template <class Model>
class CcEngine : public EnginePort {
 public:
  explicit CcEngine(uint64_t watchdog_cycles = 100000) : watchdog_cycles_(watchdog_cycles) {
    model_.rst_ni = 0;
    model_.host_we_i = 0;
    model_.host_re_i = 0;
    model_.start_i = 0;
    model_.hold_i = 0;
    tick();
    tick();
    model_.rst_ni = 1;
    tick();
  }
  ~CcEngine() override { model_.final(); }

  void write(EngineBuffer buffer, int bank, uint32_t entry, int word, uint64_t data) override {
    model_.host_we_i = 1;
    address(buffer, bank, entry, word);
    model_.host_wdata_i = data;
    tick();
    model_.host_we_i = 0;
  }

  void read(EngineBuffer buffer, int bank, uint32_t first, int count, int words, uint64_t* out) override {
    model_.host_re_i = 1;
    for (int k = 0; k < count * words; ++k) {
      address(buffer, bank, first + static_cast<uint32_t>(k / words), k % words);
      tick();
      out[k] = model_.host_rdata_o;
    }
    model_.host_re_i = 0;
  }

  JobStatus run_job() override {
    model_.start_i = 1;
    tick();
    model_.start_i = 0;
    JobStatus status;
    uint32_t last_steps = model_.steps_o;
    uint64_t quiet = 0;
    while (!model_.done_o) {
      tick();
      ++status.cycles;
      quiet = model_.steps_o == last_steps ? quiet + 1 : 0;
      last_steps = model_.steps_o;
      if (quiet > watchdog_cycles_ && model_.state_o != 3) {
        fail("watchdog: the engine made no progress for {} cycles (state {})", watchdog_cycles_,
             engine_state_name(model_.state_o));
      }
    }
    status.overflows = model_.overflows_o;
    status.tile_error = model_.tile_error_o;
    return status;
  }

  uint64_t cycle() const override { return cycle_; }
  void set_hold(bool hold) override { model_.hold_i = hold; }

 private:
  void address(EngineBuffer buffer, int bank, uint32_t entry, int word) {
    model_.host_buf_i = static_cast<uint32_t>(buffer);
    model_.host_bank_i = static_cast<uint32_t>(bank);
    model_.host_entry_i = entry;
    model_.host_word_i = static_cast<uint32_t>(word);
  }

  void tick() {
    model_.clk_i = 1;
    model_.eval();
    model_.clk_i = 0;
    model_.eval();
    ++cycle_;
  }

  Model model_;
  uint64_t cycle_ = 0;
  uint64_t watchdog_cycles_;
};

}  // namespace ernsim
