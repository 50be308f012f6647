// The testbench module, templated on the Verilated model class (one per hardware configuration).
// Included by the generated registry (engine_registry.cc) only.
#pragma once

#include <systemc.h>
#include <verilated.h>
#include <verilated_fst_sc.h>

#include <exception>
#include <memory>

#include "models/error.h"
#include "sim/engine_port.h"
#include "sim/sc_engine.h"

namespace ernsim {

// Drives inputs and samples outputs at falling edges; the RTL acts on rising edges.
template <class Model>
class ScEngineTb : public sc_core::sc_module, public EnginePort {
 public:
  SC_HAS_PROCESS(ScEngineTb);

  ScEngineTb(sc_core::sc_module_name name, const SimOptions& options, const std::function<void(EnginePort&)>& body)
      : sc_core::sc_module(name), options_(options), body_(body), clk_("clk", kPeriod), dut_("dut") {
    dut_.clk_i(clk_);
    dut_.rst_ni(rst_n_);
    dut_.host_we_i(host_we_);
    dut_.host_re_i(host_re_);
    dut_.host_buf_i(host_buf_);
    dut_.host_bank_i(host_bank_);
    dut_.host_entry_i(host_entry_);
    dut_.host_word_i(host_word_);
    dut_.host_wdata_i(host_wdata_);
    dut_.host_rdata_o(host_rdata_);
    dut_.host_rgnt_o(host_rgnt_);
    dut_.start_i(start_);
    dut_.hold_i(hold_);
    dut_.busy_o(busy_);
    dut_.done_o(done_);
    dut_.state_o(state_);
    dut_.steps_o(steps_);
    dut_.overflows_o(overflows_);
    dut_.tile_error_o(tile_error_);
    SC_THREAD(drive);
    if (!options_.trace_path.empty()) SC_THREAD(trace);
  }

  ~ScEngineTb() override {
    if (trace_) trace_->close();
  }

  std::exception_ptr error() const { return error_; }
  void finish() {
    if (trace_) trace_->close();
    dut_.final();
  }

  void write(EngineBuffer buffer, int bank, uint32_t entry, int word, uint64_t data) override {
    host_we_.write(true);
    address(buffer, bank, entry, word);
    host_wdata_.write(data);
    next_cycle();
    host_we_.write(false);
  }

  void read(EngineBuffer buffer, int bank, uint32_t first, int count, int words, uint64_t* out) override {
    // The address presented at a falling edge is read at the rising edge; its data is sampled at
    // the next falling edge, together with presenting the next address.
    const int total = count * words;
    host_re_.write(true);
    for (int k = 0; k < total; ++k) {
      address(buffer, bank, first + static_cast<uint32_t>(k / words), k % words);
      next_cycle();
      out[k] = host_rdata_.read();
    }
    host_re_.write(false);
  }

  JobStatus run_job() override {
    start_.write(true);
    next_cycle();
    start_.write(false);
    // The start pulse was sampled at the rising edge half a cycle ago.
    const sc_core::sc_time started = sc_core::sc_time_stamp() - kPeriod / 2;
    uint32_t last_steps = steps_.read(), last_state = state_.read();
    while (!done_.read()) {
      sc_core::wait(kPeriod * static_cast<double>(options_.watchdog_cycles), done_.posedge_event());
      if (done_.read()) break;
      if (steps_.read() == last_steps && state_.read() == last_state) {
        fail("watchdog: the engine made no progress for {} cycles (state {}, {} steps issued, cycle {})",
             options_.watchdog_cycles, engine_state_name(state_.read()), steps_.read(), cycle());
      }
      last_steps = steps_.read();
      last_state = state_.read();
    }
    // done rose just after a rising edge; cycles count the rising edges from start to done.
    const sc_core::sc_time finished = sc_core::sc_time_stamp();
    JobStatus status;
    status.cycles = static_cast<uint64_t>((finished - started) / kPeriod + 0.5);
    sc_core::wait(clk_.negedge_event());
    status.overflows = overflows_.read();
    status.tile_error = tile_error_.read();
    return status;
  }

  uint64_t cycle() const override { return static_cast<uint64_t>(sc_core::sc_time_stamp() / kPeriod); }

  void set_hold(bool hold) override { hold_.write(hold); }

 private:
  static inline const sc_core::sc_time kPeriod{10, sc_core::SC_NS};

  void address(EngineBuffer buffer, int bank, uint32_t entry, int word) {
    host_buf_.write(static_cast<uint32_t>(buffer));
    host_bank_.write(static_cast<uint32_t>(bank));
    host_entry_.write(entry);
    host_word_.write(static_cast<uint32_t>(word));
  }

  void next_cycle() { sc_core::wait(clk_.negedge_event()); }

  void drive() {
    rst_n_.write(false);
    host_we_.write(false);
    host_re_.write(false);
    start_.write(false);
    hold_.write(false);
    next_cycle();
    next_cycle();
    rst_n_.write(true);
    next_cycle();
    try {
      body_(*this);
    } catch (...) {
      error_ = std::current_exception();
    }
    sc_core::sc_stop();
  }

  void trace() {
    if (options_.trace_from > 0) sc_core::wait(kPeriod * static_cast<double>(options_.trace_from));
    trace_ = std::make_unique<VerilatedFstSc>();
    dut_.trace(trace_.get(), 99);
    trace_->open(options_.trace_path.c_str());
    if (options_.trace_to == std::numeric_limits<uint64_t>::max()) return;
    sc_core::wait(kPeriod * static_cast<double>(options_.trace_to - options_.trace_from));
    // Closed, but kept alive: the kernel calls every registered trace file until the end.
    trace_->close();
  }

  SimOptions options_;
  std::function<void(EnginePort&)> body_;
  std::exception_ptr error_;
  sc_core::sc_clock clk_;
  sc_core::sc_signal<bool> rst_n_{"rst_n"}, host_we_{"host_we"}, host_re_{"host_re"}, start_{"start"}, hold_{"hold"};
  sc_core::sc_signal<bool> busy_{"busy"}, done_{"done"}, tile_error_{"tile_error"}, host_rgnt_{"host_rgnt"};
  sc_core::sc_signal<uint32_t> host_buf_{"host_buf"}, host_bank_{"host_bank"}, host_entry_{"host_entry"};
  sc_core::sc_signal<uint32_t> host_word_{"host_word"}, state_{"state"}, steps_{"steps"}, overflows_{"overflows"};
  sc_core::sc_signal<uint64_t> host_wdata_{"host_wdata"}, host_rdata_{"host_rdata"};
  Model dut_;
  std::unique_ptr<VerilatedFstSc> trace_;
};

// Elaborates and runs the testbench for one model class.
template <class Model>
void run_sc_testbench(const SimOptions& options, const std::function<void(EnginePort&)>& body) {
  Verilated::traceEverOn(!options.trace_path.empty());
  auto tb = std::make_unique<ScEngineTb<Model>>("tb", options, body);
  sc_core::sc_start();
  tb->finish();
  const std::exception_ptr error = tb->error();
  if (error) std::rethrow_exception(error);
}

}  // namespace ernsim
