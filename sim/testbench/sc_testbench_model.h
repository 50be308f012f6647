// The SystemC testbench of the accelerator, templated on the Verilated model (one per hardware
// configuration) and its memory port width. Included by the generated registry only.
//
// It gives the driver both ways in: EnginePort (the engine through the debug port, one layer at a
// time with golden inputs) and AccelPort (registers and memory: whole programs). Inputs are driven
// and outputs sampled at falling edges; the RTL acts on rising edges.
#pragma once

#include <systemc.h>
#include <verilated.h>
#include <verilated_fst_sc.h>

#include <exception>
#include <memory>
#include <type_traits>

#include "models/error.h"
#include "sim/testbench/memory_model.h"
#include "sim/testbench/sc_testbench.h"
#include "sim/testbench/verilator_messages.h"

namespace ernsim {

template <class Model, int MemBytes>
class ScAccelTb : public sc_core::sc_module, public SimPorts {
  using Data = typename std::remove_reference_t<decltype(std::declval<Model&>().mem_r_data_i)>::data_type;
  using Strb = typename std::remove_reference_t<decltype(std::declval<Model&>().mem_w_strb_o)>::data_type;

 public:
  SC_HAS_PROCESS(ScAccelTb);

  ScAccelTb(sc_core::sc_module_name name, const SimOptions& options, Memory& memory, const MemoryTiming& timing,
            const std::function<void(SimPorts&)>& body)
      : sc_core::sc_module(name),
        options_(options),
        period_(static_cast<double>(clock_period_ps(options.clock_mhz)), sc_core::SC_PS),
        memory_(memory),
        body_(body),
        clk_("clk", period_),
        dut_("dut"),
        mem_model_("memory", memory, timing) {
    dut_.clk_i(clk_);
    dut_.rst_ni(rst_n_);
    dut_.reg_we_i(reg_we_);
    dut_.reg_re_i(reg_re_);
    dut_.reg_addr_i(reg_addr_);
    dut_.reg_wdata_i(reg_wdata_);
    dut_.reg_rdata_o(reg_rdata_);
    dut_.irq_done_o(irq_done_);
    dut_.layer_o(layer_);
    dut_.mem_ar_valid_o(ar_valid_);
    dut_.mem_ar_ready_i(ar_ready_);
    dut_.mem_ar_addr_o(ar_addr_);
    dut_.mem_ar_len_o(ar_len_);
    dut_.mem_r_valid_i(r_valid_);
    dut_.mem_r_ready_o(r_ready_);
    dut_.mem_r_data_i(r_data_);
    dut_.mem_r_last_i(r_last_);
    dut_.mem_aw_valid_o(aw_valid_);
    dut_.mem_aw_ready_i(aw_ready_);
    dut_.mem_aw_addr_o(aw_addr_);
    dut_.mem_aw_len_o(aw_len_);
    dut_.mem_w_valid_o(w_valid_);
    dut_.mem_w_ready_i(w_ready_);
    dut_.mem_w_data_o(w_data_);
    dut_.mem_w_strb_o(w_strb_);
    dut_.mem_w_last_o(w_last_);
    dut_.mem_b_valid_i(b_valid_);
    dut_.mem_b_ready_o(b_ready_);
    dut_.dbg_we_i(dbg_we_);
    dut_.dbg_re_i(dbg_re_);
    dut_.dbg_buf_i(dbg_buf_);
    dut_.dbg_bank_i(dbg_bank_);
    dut_.dbg_entry_i(dbg_entry_);
    dut_.dbg_word_i(dbg_word_);
    dut_.dbg_wdata_i(dbg_wdata_);
    dut_.dbg_rdata_o(dbg_rdata_);
    dut_.dbg_rgnt_o(dbg_rgnt_);
    dut_.dbg_start_i(start_);
    dut_.dbg_hold_i(hold_);
    dut_.eng_busy_o(busy_);
    dut_.eng_done_o(done_);
    dut_.eng_state_o(state_);
    dut_.eng_steps_o(steps_);
    dut_.eng_overflows_o(overflows_);
    dut_.eng_tile_error_o(tile_error_);

    mem_model_.clk(clk_);
    mem_model_.ar_valid(ar_valid_);
    mem_model_.ar_ready(ar_ready_);
    mem_model_.ar_addr(ar_addr_);
    mem_model_.ar_len(ar_len_);
    mem_model_.r_valid(r_valid_);
    mem_model_.r_ready(r_ready_);
    mem_model_.r_data(r_data_);
    mem_model_.r_last(r_last_);
    mem_model_.aw_valid(aw_valid_);
    mem_model_.aw_ready(aw_ready_);
    mem_model_.aw_addr(aw_addr_);
    mem_model_.aw_len(aw_len_);
    mem_model_.w_valid(w_valid_);
    mem_model_.w_ready(w_ready_);
    mem_model_.w_data(w_data_);
    mem_model_.w_strb(w_strb_);
    mem_model_.w_last(w_last_);
    mem_model_.b_valid(b_valid_);
    mem_model_.b_ready(b_ready_);

    SC_THREAD(drive);
    if (!options_.trace_path.empty()) SC_THREAD(trace);
    SC_METHOD(note_layer);
    sensitive << layer_ << irq_done_;
    dont_initialize();
  }

  ~ScAccelTb() override {
    if (trace_) trace_->close();
  }

  std::exception_ptr error() const { return error_; }
  void finish() {
    if (trace_) trace_->close();
    dut_.final();
  }

  // EnginePort: the debug port.
  void write(EngineBuffer buffer, int bank, uint32_t entry, int word, uint64_t data) override {
    dbg_we_.write(true);
    address(buffer, bank, entry, word);
    dbg_wdata_.write(data);
    next_cycle();
    dbg_we_.write(false);
  }

  void read(EngineBuffer buffer, int bank, uint32_t first, int count, int words, uint64_t* out) override {
    // The address presented at a falling edge is read at the rising edge; its data is sampled at
    // the next falling edge, together with presenting the next address.
    const int total = count * words;
    dbg_re_.write(true);
    for (int k = 0; k < total; ++k) {
      address(buffer, bank, first + static_cast<uint32_t>(k / words), k % words);
      next_cycle();
      out[k] = dbg_rdata_.read();
    }
    dbg_re_.write(false);
  }

  JobStatus run_job() override {
    start_.write(true);
    next_cycle();
    start_.write(false);
    // The start pulse was sampled at the rising edge half a cycle ago.
    const sc_core::sc_time started = sc_core::sc_time_stamp() - period_ / 2;
    uint32_t last_steps = steps_.read(), last_state = state_.read();
    while (!done_.read()) {
      sc_core::wait(period_ * static_cast<double>(options_.watchdog_cycles), done_.posedge_event());
      if (done_.read()) break;
      if (steps_.read() == last_steps && state_.read() == last_state) {
        fail_check("watchdog: the engine made no progress for {} cycles (state {}, {} steps issued, cycle {})",
                   options_.watchdog_cycles, engine_state_name(state_.read()), steps_.read(), cycle());
      }
      last_steps = steps_.read();
      last_state = state_.read();
    }
    // done rose just after a rising edge; cycles count the rising edges from start to done.
    const sc_core::sc_time finished = sc_core::sc_time_stamp();
    JobStatus status;
    status.cycles = static_cast<uint64_t>((finished - started) / period_ + 0.5);
    sc_core::wait(clk_.negedge_event());
    status.overflows = overflows_.read();
    status.tile_error = tile_error_.read();
    return status;
  }

  void set_hold(bool hold) override { hold_.write(hold); }
  uint64_t cycle() const override { return static_cast<uint64_t>(sc_core::sc_time_stamp() / period_); }

  // AccelPort: registers and memory.
  void reg_write(AccelReg reg, uint32_t value) override {
    reg_we_.write(true);
    reg_addr_.write(static_cast<uint32_t>(reg));
    reg_wdata_.write(value);
    next_cycle();
    reg_we_.write(false);
  }

  uint32_t reg_read(AccelReg reg) override {
    reg_re_.write(true);
    reg_addr_.write(static_cast<uint32_t>(reg));
    next_cycle();
    reg_re_.write(false);
    return reg_rdata_.read();
  }

  Memory& memory() override { return memory_; }

  std::vector<std::pair<uint64_t, uint64_t>> layer_spans() const override { return layer_spans_; }

  void run_program() override {
    reg_write(AccelReg::kCtrl, 1);
    started_ = true;
    layer_spans_.clear();
    note_layer();  // the first layer is already on the compute stage: no change announces it
    const uint64_t start = cycle();
    uint32_t last = progress();
    while (!irq_done_.read()) {
      sc_core::wait(period_ * static_cast<double>(options_.watchdog_cycles), irq_done_.posedge_event());
      check_memory();
      if (irq_done_.read()) break;
      const uint32_t now = progress();
      if (now == last) {
        fail_check("watchdog: the accelerator made no progress for {} cycles ({})", options_.watchdog_cycles,
                   diagnosis());
      }
      if (options_.program_cycle_limit && cycle() - start > options_.program_cycle_limit) {
        fail_check("watchdog: the program has run for more than {} cycles without finishing, a loop that moves "
                   "but never ends ({})",
                   options_.program_cycle_limit, diagnosis());
      }
      last = now;
    }
    next_cycle();
    check_memory();
  }

 private:
  // Something that moves while the accelerator works: jobs through the stages, engine steps and
  // memory beats.
  uint32_t progress() {
    return reg_read(AccelReg::kJobsLoaded) * 7 + reg_read(AccelReg::kJobsComputed) * 13 +
           reg_read(AccelReg::kJobsStored) * 17 + steps_.read() * 19 +
           static_cast<uint32_t>(mem_model_.beats_read() * 23 + mem_model_.beats_written() * 29);
  }

  // Where each stage of the accelerator is, for the watchdog's errors.
  std::string diagnosis() {
    const uint32_t debug = reg_read(AccelReg::kDebug);
    static const char* const kLoad[] = {"idle",
                                        "fetching a descriptor",
                                        "waiting for stores it reads",
                                        "loading activations",
                                        "holding a loaded job",
                                        "loading weights",
                                        "?",
                                        "?"};
    static const char* const kCompute[] = {"waiting for a load", "starting the engine", "computing",
                                           "waiting for the store stage"};
    return fmt::format("load stage {}, compute stage {}, store stage {}; {} jobs loaded, {} computed, {} stored; "
                       "engine {}; memory port: {}; cycle {}",
                       kLoad[(debug >> 2) & 7], kCompute[(debug >> 5) & 3], (debug >> 7) & 1 ? "storing" : "idle",
                       reg_read(AccelReg::kJobsLoaded), reg_read(AccelReg::kJobsComputed),
                       reg_read(AccelReg::kJobsStored), engine_state_name(state_.read()), port_state(), cycle());
  }

  // Which handshakes of the memory port are pending: a stall of a DMA or of the memory shows here.
  std::string port_state() const {
    std::string s;
    auto pending = [&](bool valid, bool ready, const char* what) {
      if (valid && !ready) s += (s.empty() ? "" : ", ") + std::string(what);
    };
    pending(ar_valid_.read(), ar_ready_.read(), "read request not accepted");
    pending(r_valid_.read(), r_ready_.read(), "read data not taken");
    pending(aw_valid_.read(), aw_ready_.read(), "write request not accepted");
    pending(w_valid_.read(), w_ready_.read(), "write data not accepted");
    pending(b_valid_.read(), b_ready_.read(), "write response not taken");
    const size_t reads = mem_model_.port().reads_in_flight(), responses = mem_model_.port().write_responses_due();
    if (reads) s += fmt::format("{}{} read burst(s) in flight", s.empty() ? "" : ", ", reads);
    if (responses) s += fmt::format("{}{} write response(s) due", s.empty() ? "" : ", ", responses);
    return fmt::format("{} ({} beats read, {} written)", s.empty() ? "idle" : s, mem_model_.beats_read(),
                       mem_model_.beats_written());
  }

  void check_memory() {
    if (!mem_model_.error().empty()) fail_check("memory: {}", mem_model_.error());
  }

  void address(EngineBuffer buffer, int bank, uint32_t entry, int word) {
    dbg_buf_.write(static_cast<uint32_t>(buffer));
    dbg_bank_.write(static_cast<uint32_t>(bank));
    dbg_entry_.write(entry);
    dbg_word_.write(static_cast<uint32_t>(word));
  }

  void next_cycle() { sc_core::wait(clk_.negedge_event()); }

  void drive() {
    rst_n_.write(false);
    dbg_we_.write(false);
    dbg_re_.write(false);
    start_.write(false);
    hold_.write(false);
    reg_we_.write(false);
    reg_re_.write(false);
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
    if (options_.trace_layer >= 0) {
      trace_layer();
      return;
    }
    if (options_.trace_from > 0) sc_core::wait(period_ * static_cast<double>(options_.trace_from));
    trace_ = std::make_unique<VerilatedFstSc>();
    dut_.trace(trace_.get(), 99);
    trace_->open(options_.trace_path.c_str());
    if (options_.trace_to == std::numeric_limits<uint64_t>::max()) return;
    sc_core::wait(period_ * static_cast<double>(options_.trace_to - options_.trace_from));
    // Closed, but kept alive: the kernel calls every registered trace file until the end.
    trace_->close();
  }

  // Traces the cycles in which the compute stage is on the chosen layer, during the first program.
  void trace_layer() {
    const uint32_t layer = static_cast<uint32_t>(options_.trace_layer);
    while (layer_.read() != layer || !running())
      sc_core::wait(layer_.value_changed_event() | irq_done_.negedge_event());
    trace_ = std::make_unique<VerilatedFstSc>();
    dut_.trace(trace_.get(), 99);
    trace_->open(options_.trace_path.c_str());
    while (layer_.read() == layer && !irq_done_.read())
      sc_core::wait(layer_.value_changed_event() | irq_done_.posedge_event());
    trace_->close();
  }
  // Per layer, the first and the last cycle + 1 in which the compute stage is on it.
  void note_layer() {
    if (!started_) return;
    const uint64_t now = cycle();
    if (current_layer_ >= 0 && static_cast<size_t>(current_layer_) < layer_spans_.size()) {
      layer_spans_[static_cast<size_t>(current_layer_)].second = now;
      if (options_.on_layer_done) options_.on_layer_done();
    }
    current_layer_ = -1;
    if (irq_done_.read()) return;
    current_layer_ = static_cast<int64_t>(layer_.read());
    const size_t l = static_cast<size_t>(current_layer_);
    if (l >= layer_spans_.size()) layer_spans_.resize(l + 1, {0, 0});
    if (layer_spans_[l].first == 0 && layer_spans_[l].second == 0) layer_spans_[l].first = now;
  }

  // A program runs: the done line fell at its start and has not risen since.
  bool running() const { return started_ && !irq_done_.read(); }

  SimOptions options_;
  const sc_core::sc_time period_;  // the clock period, from options_.clock_mhz
  bool started_ = false;
  int64_t current_layer_ = -1;
  std::vector<std::pair<uint64_t, uint64_t>> layer_spans_;
  Memory& memory_;
  std::function<void(SimPorts&)> body_;
  std::exception_ptr error_;
  sc_core::sc_clock clk_;
  sc_core::sc_signal<bool> rst_n_{"rst_n"}, reg_we_{"reg_we"}, reg_re_{"reg_re"}, irq_done_{"irq_done"};
  sc_core::sc_signal<uint32_t> layer_{"layer"};
  sc_core::sc_signal<uint32_t> reg_addr_{"reg_addr"}, reg_wdata_{"reg_wdata"}, reg_rdata_{"reg_rdata"};
  sc_core::sc_signal<bool> ar_valid_{"ar_valid"}, ar_ready_{"ar_ready"}, r_valid_{"r_valid"}, r_ready_{"r_ready"};
  sc_core::sc_signal<bool> r_last_{"r_last"}, aw_valid_{"aw_valid"}, aw_ready_{"aw_ready"}, w_valid_{"w_valid"};
  sc_core::sc_signal<bool> w_ready_{"w_ready"}, w_last_{"w_last"}, b_valid_{"b_valid"}, b_ready_{"b_ready"};
  sc_core::sc_signal<uint32_t> ar_addr_{"ar_addr"}, ar_len_{"ar_len"}, aw_addr_{"aw_addr"}, aw_len_{"aw_len"};
  sc_core::sc_signal<Data> r_data_{"r_data"}, w_data_{"w_data"};
  sc_core::sc_signal<Strb> w_strb_{"w_strb"};
  sc_core::sc_signal<bool> dbg_we_{"dbg_we"}, dbg_re_{"dbg_re"}, dbg_rgnt_{"dbg_rgnt"}, start_{"start"}, hold_{"hold"};
  sc_core::sc_signal<uint32_t> dbg_buf_{"dbg_buf"}, dbg_bank_{"dbg_bank"}, dbg_entry_{"dbg_entry"},
      dbg_word_{"dbg_word"};
  sc_core::sc_signal<uint64_t> dbg_wdata_{"dbg_wdata"}, dbg_rdata_{"dbg_rdata"};
  sc_core::sc_signal<bool> busy_{"busy"}, done_{"done"}, tile_error_{"tile_error"};
  sc_core::sc_signal<uint32_t> state_{"state"}, steps_{"steps"}, overflows_{"overflows"};
  Model dut_;
  MemoryModel<MemBytes, Data, Strb> mem_model_;
  std::unique_ptr<VerilatedFstSc> trace_;
};

template <class Model, int MemBytes>
void run_sc_testbench(const SimOptions& options, Memory& memory, const MemoryTiming& timing,
                      const std::function<void(SimPorts&)>& body) {
  Verilated::traceEverOn(!options.trace_path.empty());
  auto tb = std::make_unique<ScAccelTb<Model, MemBytes>>("tb", options, memory, timing, body);
  // A failed assertion (rtl/assert/) ends the run as a failed check, with the first failure's line.
  std::string assertion;
  set_assertion_handler([&](const AssertionFailure& f) {
    if (assertion.empty() && f.label.empty()) {
      assertion = fmt::format("RTL error at cycle {}: {}", tb->cycle(), f.message);
    } else if (assertion.empty()) {
      assertion = fmt::format("RTL assertion {} failed at cycle {} in {} ({}): {}", f.label, tb->cycle(), f.scope,
                              f.location, f.message);
    }
    sc_core::sc_stop();
  });
  sc_core::sc_start();
  set_assertion_handler(nullptr);
  tb->finish();
  if (!assertion.empty()) throw CheckFailure(assertion);
  const std::exception_ptr error = tb->error();
  if (error) std::rethrow_exception(error);
}

}  // namespace ernsim
