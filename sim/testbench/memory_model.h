// A SystemC model of the accelerator's memory, serving its AXI-like port (read address and data,
// write address, data and response) from a Memory, with the timing of MemoryPortTiming
// (memory_port.h: latency, a bandwidth token bucket shared by reads and writes, bursts).
// It samples the DUT at falling edges (the values it held through the rising edge before) and
// drives its own outputs for the next rising edge, so handshakes happen exactly where the RTL sees
// them.
#pragma once

#include <systemc.h>

#include <string>

#include "models/error.h"
#include "sim/testbench/memory.h"
#include "sim/testbench/memory_port.h"

namespace ernsim {

template <int Bytes, class Data, class Strb>
class MemoryModel : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(MemoryModel);

  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> ar_valid, r_ready, aw_valid, w_valid, w_last, b_ready;
  sc_core::sc_in<uint32_t> ar_addr, ar_len, aw_addr, aw_len;
  sc_core::sc_in<Data> w_data;
  sc_core::sc_in<Strb> w_strb;
  sc_core::sc_out<bool> ar_ready, r_valid, r_last, aw_ready, w_ready, b_valid;
  sc_core::sc_out<Data> r_data;

  MemoryModel(sc_core::sc_module_name name, Memory& memory, const MemoryTiming& timing)
      : sc_core::sc_module(name), memory_(memory), port_(Bytes, timing) {
    port_.fill_bucket();
    SC_METHOD(step);
    sensitive << clk.neg();
    dont_initialize();
  }

  // A problem the model found (an access outside memory, a protocol violation); empty if none.
  const std::string& error() const { return error_; }
  uint64_t beats_read() const { return beats_read_; }
  uint64_t beats_written() const { return beats_written_; }
  const MemoryPortTiming& port() const { return port_; }

 private:
  void step() {
    MemPortRequest now;
    now.ar_valid = ar_valid.read();
    now.ar_addr = ar_addr.read();
    now.ar_len = ar_len.read();
    now.r_ready = r_ready.read();
    now.aw_valid = aw_valid.read();
    now.aw_addr = aw_addr.read();
    now.aw_len = aw_len.read();
    now.w_valid = w_valid.read();
    now.w_last = w_last.read();
    now.b_ready = b_ready.read();
    // The handshakes of the rising edge just past, then this cycle's sample and the next outputs.
    const MemPortEdge edge = port_.step(now);
    if (edge.read_beat) ++beats_read_;
    if (edge.write_beat) accept_write_beat(edge);
    w_data_at_edge_ = w_data.read();
    w_strb_at_edge_ = w_strb.read();
    w_last_at_edge_ = now.w_last;

    const MemPortResponse& out = port_.response();
    if (out.r_valid) {
      r_data.write(load_beat(port_.read_addr()));
      r_last.write(out.r_last);
    }
    ar_ready.write(out.ar_ready);
    aw_ready.write(out.aw_ready);
    r_valid.write(out.r_valid);
    w_ready.write(out.w_ready);
    b_valid.write(out.b_valid);
  }

  Data load_beat(uint64_t addr) {
    Data d;
    if (addr + Bytes > memory_.size()) {
      note_error(fmt::format("the accelerator read {:#x}, outside the {} bytes of memory", addr, memory_.size()));
      return d;
    }
    const uint8_t* p = memory_.at(addr, Bytes);
    for (int w = 0; w < Bytes / 4; ++w) {
      uint32_t word;
      std::memcpy(&word, p + 4 * w, 4);
      set_word(d, w, word);
    }
    return d;
  }

  // A written beat: the data and strobes the accelerator drove in the cycle before the edge.
  void accept_write_beat(const MemPortEdge& edge) {
    if (edge.write_without_address) {
      note_error("write data without an address");
      return;
    }
    ++beats_written_;
    if (edge.write_addr + Bytes > memory_.size()) {
      note_error(
          fmt::format("the accelerator wrote {:#x}, outside the {} bytes of memory", edge.write_addr, memory_.size()));
    } else {
      uint8_t* p = memory_.at(edge.write_addr, Bytes);
      for (int i = 0; i < Bytes; ++i) {
        if (strobe(i)) p[i] = static_cast<uint8_t>(get_word(w_data_at_edge_, i / 4) >> (8 * (i % 4)));
      }
    }
    if (edge.write_last != w_last_at_edge_) {
      note_error(fmt::format("write burst ends at the wrong beat (at {:#x})", edge.write_addr));
    }
  }

  bool strobe(int byte) const {
    if constexpr (std::is_integral_v<Strb>) {
      return (static_cast<uint64_t>(w_strb_at_edge_) >> byte) & 1;
    } else {
      return w_strb_at_edge_[byte].to_bool();
    }
  }
  static void set_word(Data& d, int w, uint32_t value) {
    if constexpr (std::is_integral_v<Data>) {
      d = static_cast<Data>(static_cast<uint64_t>(d) | (static_cast<uint64_t>(value) << (32 * w)));
    } else {
      d.set_word(w, value);
    }
  }
  static uint32_t get_word(const Data& d, int w) {
    if constexpr (std::is_integral_v<Data>) {
      return static_cast<uint32_t>(static_cast<uint64_t>(d) >> (32 * w));
    } else {
      return d.get_word(w);
    }
  }

  void note_error(const std::string& message) {
    if (error_.empty()) error_ = message;
  }

  Memory& memory_;
  MemoryPortTiming port_;
  // The write data the accelerator drove in the last cycle: what an accepted beat carries.
  Data w_data_at_edge_{};
  Strb w_strb_at_edge_{};
  bool w_last_at_edge_ = false;
  uint64_t beats_read_ = 0, beats_written_ = 0;
  std::string error_;
};

}  // namespace ernsim
