// A SystemC model of the accelerator's memory, serving its AXI-like port (read address and data,
// write address, data and response) from a Memory:
//   - latency: a burst's first beat is available `latency_cycles` after its address was accepted;
//     a write burst is acknowledged `latency_cycles` after its last beat;
//   - bandwidth: a token bucket filled with `bytes_per_cycle` each cycle; every beat, read or
//     written, spends a beat's bytes, and reads and writes alternate when both wait;
//   - bursts of up to 256 beats, any number of addresses queued, beats in address order.
// It samples the DUT at falling edges (the values it held through the rising edge before) and
// drives its own outputs for the next rising edge, so handshakes happen exactly where the RTL sees
// them.
#pragma once

#include <systemc.h>

#include <algorithm>
#include <deque>
#include <string>

#include "models/error.h"
#include "sim/memory.h"

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
      : sc_core::sc_module(name), memory_(memory), timing_(timing) {
    SC_METHOD(step);
    sensitive << clk.neg();
    dont_initialize();
  }

  // A problem the model found (an access outside memory, a protocol violation); empty if none.
  const std::string& error() const { return error_; }
  uint64_t beats_read() const { return beats_read_; }
  uint64_t beats_written() const { return beats_written_; }

 private:
  struct Burst {
    uint64_t addr;
    uint32_t beats;
    uint64_t ready_at;  // cycle from which its beats (reads) or its response (writes) may go
  };

  void step() {
    ++cycle_;
    tokens_ = std::min(tokens_ + timing_.bytes_per_cycle, kBucketBytes);
    // What happened at the rising edge just past: the DUT's outputs as they were then (sampled at
    // the previous falling edge) against the outputs this model drove.
    if (prev_ar_valid_ && ar_ready_q_) reads_.push_back({prev_ar_addr_, prev_ar_len_ + 1, cycle_ + timing_.latency_cycles});
    if (prev_aw_valid_ && aw_ready_q_) writes_.push_back({prev_aw_addr_, prev_aw_len_ + 1, 0});
    // A read beat offered and not taken gets its bandwidth back: it is offered again.
    if (r_valid_q_ && !prev_r_ready_) tokens_ += Bytes;
    if (r_valid_q_ && prev_r_ready_) {
      ++beats_read_;
      Burst& b = reads_.front();
      b.addr += Bytes;
      if (--b.beats == 0) reads_.pop_front();
    }
    if (w_ready_q_ && prev_w_valid_) accept_write_beat();
    if (b_valid_q_ && prev_b_ready_) acks_.pop_front();

    // Sample the DUT for the next edge.
    prev_ar_valid_ = ar_valid.read();
    prev_ar_addr_ = ar_addr.read();
    prev_ar_len_ = ar_len.read();
    prev_aw_valid_ = aw_valid.read();
    prev_aw_addr_ = aw_addr.read();
    prev_aw_len_ = aw_len.read();
    prev_r_ready_ = r_ready.read();
    prev_w_valid_ = w_valid.read();
    prev_w_last_ = w_last.read();
    prev_w_data_ = w_data.read();
    prev_w_strb_ = w_strb.read();
    prev_b_ready_ = b_ready.read();

    // Drive this model's outputs for the next edge. A beat goes when the bandwidth allows; reads
    // and writes take turns when both wait.
    ar_ready_q_ = reads_.size() < kQueue;
    aw_ready_q_ = writes_.size() < kQueue;
    const bool read_waiting = !reads_.empty() && reads_.front().ready_at <= cycle_;
    const bool write_waiting = !writes_.empty() && prev_w_valid_;
    const bool can_move = tokens_ >= Bytes;
    bool do_read = false, do_write = false;
    if (can_move) {
      if (read_waiting && write_waiting) {
        do_read = turn_read_;
        do_write = !turn_read_;
      } else {
        do_read = read_waiting;
        do_write = write_waiting;
      }
    }
    r_valid_q_ = do_read;
    w_ready_q_ = do_write;
    if (do_read || do_write) {
      tokens_ -= Bytes;
      turn_read_ = !do_read;
    }
    if (do_read) {
      const Burst& b = reads_.front();
      r_data.write(load_beat(b.addr));
      r_last.write(b.beats == 1);
    }
    b_valid_q_ = !acks_.empty() && acks_.front() <= cycle_;
    ar_ready.write(ar_ready_q_);
    aw_ready.write(aw_ready_q_);
    r_valid.write(r_valid_q_);
    w_ready.write(w_ready_q_);
    b_valid.write(b_valid_q_);
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

  void accept_write_beat() {
    if (writes_.empty()) {
      note_error("write data without an address");
      return;
    }
    ++beats_written_;
    Burst& b = writes_.front();
    if (b.addr + Bytes > memory_.size()) {
      note_error(fmt::format("the accelerator wrote {:#x}, outside the {} bytes of memory", b.addr, memory_.size()));
    } else {
      uint8_t* p = memory_.at(b.addr, Bytes);
      for (int i = 0; i < Bytes; ++i) {
        if (strobe(i)) p[i] = static_cast<uint8_t>(get_word(prev_w_data_, i / 4) >> (8 * (i % 4)));
      }
    }
    b.addr += Bytes;
    const bool last = --b.beats == 0;
    if (last != prev_w_last_) note_error(fmt::format("write burst ends at the wrong beat (at {:#x})", b.addr));
    if (last) {
      acks_.push_back(cycle_ + timing_.latency_cycles);
      writes_.pop_front();
    }
  }

  bool strobe(int byte) const {
    if constexpr (std::is_integral_v<Strb>) {
      return (static_cast<uint64_t>(prev_w_strb_) >> byte) & 1;
    } else {
      return prev_w_strb_[byte].to_bool();
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

  static constexpr size_t kQueue = 32;
  // The bucket holds a few bursts' worth of bytes: bandwidth saved up while idle is spent in bursts.
  static constexpr double kBucketBytes = 16.0 * Bytes;

  Memory& memory_;
  MemoryTiming timing_;
  uint64_t cycle_ = 0;
  double tokens_ = 0;
  bool turn_read_ = true;
  std::deque<Burst> reads_, writes_;
  std::deque<uint64_t> acks_;
  bool ar_ready_q_ = false, aw_ready_q_ = false, r_valid_q_ = false, w_ready_q_ = false, b_valid_q_ = false;
  bool prev_ar_valid_ = false, prev_aw_valid_ = false, prev_r_ready_ = false, prev_w_valid_ = false;
  bool prev_w_last_ = false, prev_b_ready_ = false;
  uint32_t prev_ar_addr_ = 0, prev_ar_len_ = 0, prev_aw_addr_ = 0, prev_aw_len_ = 0;
  Data prev_w_data_{};
  Strb prev_w_strb_{};
  uint64_t beats_read_ = 0, beats_written_ = 0;
  std::string error_;
};

}  // namespace ernsim
