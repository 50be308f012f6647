// A plain C++ Verilator harness of the accelerator's engine (no SystemC): the same EnginePort protocol as
// the SystemC testbench, clocked by hand. Used to measure what the SystemC testbench costs.
#pragma once

#include <cstdint>

#include "models/error.h"
#include "sim/testbench/engine_port.h"

namespace ernsim {

template <class Model>
class CcEngine : public EnginePort {
 public:
  explicit CcEngine(uint64_t watchdog_cycles = 100000) : watchdog_cycles_(watchdog_cycles) {
    model_.rst_ni = 0;
    model_.dbg_we_i = 0;
    model_.dbg_re_i = 0;
    model_.dbg_start_i = 0;
    model_.dbg_hold_i = 0;
    // No program runs and no memory answers in this harness: the debug port reaches the engine.
    model_.reg_we_i = 0;
    model_.reg_re_i = 0;
    model_.mem_ar_ready_i = 0;
    model_.mem_r_valid_i = 0;
    model_.mem_aw_ready_i = 0;
    model_.mem_w_ready_i = 0;
    model_.mem_b_valid_i = 0;
    tick();
    tick();
    model_.rst_ni = 1;
    tick();
  }
  ~CcEngine() override { model_.final(); }

  void write(EngineBuffer buffer, int bank, uint32_t entry, int word, uint64_t data) override {
    model_.dbg_we_i = 1;
    address(buffer, bank, entry, word);
    model_.dbg_wdata_i = data;
    tick();
    model_.dbg_we_i = 0;
  }

  void read(EngineBuffer buffer, int bank, uint32_t first, int count, int words, uint64_t* out) override {
    model_.dbg_re_i = 1;
    for (int k = 0; k < count * words; ++k) {
      address(buffer, bank, first + static_cast<uint32_t>(k / words), k % words);
      tick();
      out[k] = model_.dbg_rdata_o;
    }
    model_.dbg_re_i = 0;
  }

  JobStatus run_job() override {
    model_.dbg_start_i = 1;
    tick();
    model_.dbg_start_i = 0;
    JobStatus status;
    uint32_t last_steps = model_.eng_steps_o;
    uint64_t quiet = 0;
    while (!model_.eng_done_o) {
      tick();
      ++status.cycles;
      quiet = model_.eng_steps_o == last_steps ? quiet + 1 : 0;
      last_steps = model_.eng_steps_o;
      if (quiet > watchdog_cycles_ && model_.eng_state_o != 3) {
        fail_check("watchdog: the engine made no progress for {} cycles (state {})", watchdog_cycles_,
                   engine_state_name(model_.eng_state_o));
      }
    }
    status.overflows = model_.eng_overflows_o;
    status.tile_error = model_.eng_tile_error_o;
    return status;
  }

  uint64_t cycle() const override { return cycle_; }
  void set_hold(bool hold) override { model_.dbg_hold_i = hold; }

 private:
  void address(EngineBuffer buffer, int bank, uint32_t entry, int word) {
    model_.dbg_buf_i = static_cast<uint32_t>(buffer);
    model_.dbg_bank_i = static_cast<uint32_t>(bank);
    model_.dbg_entry_i = entry;
    model_.dbg_word_i = static_cast<uint32_t>(word);
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
