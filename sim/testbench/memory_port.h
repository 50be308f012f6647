// The timing of the memory behind the accelerator's AXI-like port, without data: which handshakes
// happen at each clock edge. The SystemC memory model (memory_model.h) moves the bytes around it
// and the latency model (latency_model.h) runs it as is, so both see the same memory:
//   - latency: a burst's first beat is available `latency_cycles` after its address was accepted;
//     a write burst is acknowledged `latency_cycles` after its last beat;
//   - bandwidth: a token bucket filled with `bytes_per_cycle` each cycle; every beat, read or
//     written, spends a beat's bytes, and reads and writes alternate when both wait;
//   - bursts of up to 256 beats, up to kQueue addresses queued each way, beats in address order.
// step() runs once per cycle, after the port's signals of the cycle have settled: it settles the
// handshakes of the edge that began the cycle (the port's previous signals against this model's
// previous outputs), samples the port, and drives the outputs for the next edge.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>

#include "sim/testbench/memory.h"

namespace ernsim {

// What the accelerator drives on the port in a cycle.
struct MemPortRequest {
  bool ar_valid = false;
  uint32_t ar_addr = 0, ar_len = 0;
  bool r_ready = false;
  bool aw_valid = false;
  uint32_t aw_addr = 0, aw_len = 0;
  bool w_valid = false, w_last = false;
  bool b_ready = false;
};

// What the memory drives for the next edge.
struct MemPortResponse {
  bool ar_ready = false, r_valid = false, r_last = false;
  bool aw_ready = false, w_ready = false, b_valid = false;
};

// The handshakes settled at an edge, with the addresses the data side needs.
struct MemPortEdge {
  bool read_beat = false;
  bool write_beat = false;
  uint64_t write_addr = 0;  // of the written beat
  bool write_last = false;  // it ends its burst (by the burst's length)
  bool write_without_address = false;
};

class MemoryPortTiming {
 public:
  MemoryPortTiming(int beat_bytes, const MemoryTiming& timing)
      : beat_bytes_(beat_bytes), timing_(timing), bucket_bytes_(16.0 * beat_bytes) {}

  MemPortEdge step(const MemPortRequest& now) {
    MemPortEdge edge;
    ++cycle_;
    tokens_ = std::min(tokens_ + timing_.bytes_per_cycle, bucket_bytes_);
    const MemPortRequest& was = prev_;
    if (was.ar_valid && out_.ar_ready) reads_.push_back({was.ar_addr, was.ar_len + 1, cycle_ + timing_.latency_cycles});
    if (was.aw_valid && out_.aw_ready) writes_.push_back({was.aw_addr, was.aw_len + 1, 0});
    // A read beat offered and not taken gets its bandwidth back: it is offered again.
    if (out_.r_valid && !was.r_ready) tokens_ += beat_bytes_;
    if (out_.r_valid && was.r_ready) {
      edge.read_beat = true;
      Burst& b = reads_.front();
      b.addr += static_cast<uint64_t>(beat_bytes_);
      if (--b.beats == 0) reads_.pop_front();
    }
    if (out_.w_ready && was.w_valid) {
      edge.write_beat = true;
      if (writes_.empty()) {
        edge.write_without_address = true;
      } else {
        Burst& b = writes_.front();
        edge.write_addr = b.addr;
        b.addr += static_cast<uint64_t>(beat_bytes_);
        edge.write_last = --b.beats == 0;
        if (edge.write_last) {
          acks_.push_back(cycle_ + timing_.latency_cycles);
          writes_.pop_front();
        }
      }
    }
    if (out_.b_valid && was.b_ready) acks_.pop_front();

    prev_ = now;
    // A beat goes when the bandwidth allows; reads and writes take turns when both wait.
    out_.ar_ready = reads_.size() < kQueue;
    out_.aw_ready = writes_.size() < kQueue;
    const bool read_waiting = !reads_.empty() && reads_.front().ready_at <= cycle_;
    const bool write_waiting = !writes_.empty() && now.w_valid;
    bool do_read = false, do_write = false;
    if (tokens_ >= beat_bytes_) {
      if (read_waiting && write_waiting) {
        do_read = turn_read_;
        do_write = !turn_read_;
      } else {
        do_read = read_waiting;
        do_write = write_waiting;
      }
    }
    out_.r_valid = do_read;
    out_.w_ready = do_write;
    if (do_read || do_write) {
      tokens_ -= beat_bytes_;
      turn_read_ = !do_read;
    }
    out_.r_last = do_read && reads_.front().beats == 1;
    out_.b_valid = !acks_.empty() && acks_.front() <= cycle_;
    return edge;
  }

  const MemPortResponse& response() const { return out_; }
  // The address of the read beat offered for the next edge (when response().r_valid).
  uint64_t read_addr() const { return reads_.front().addr; }

  // Nothing queued, in flight or offered: the port is quiet until the accelerator asks again.
  bool quiet() const {
    return reads_.empty() && writes_.empty() && acks_.empty() && !out_.r_valid && !out_.w_ready && !out_.b_valid &&
           !prev_.ar_valid && !prev_.aw_valid && !prev_.w_valid;
  }
  // Advances a quiet port by n cycles in which the accelerator asks for nothing: the bucket fills.
  void skip_quiet(uint64_t n) {
    cycle_ += n;
    tokens_ = std::min(tokens_ + timing_.bytes_per_cycle * static_cast<double>(n), bucket_bytes_);
  }
  // Read bursts accepted and not yet fully returned; write bursts whose response is still due.
  size_t reads_in_flight() const { return reads_.size(); }
  size_t write_responses_due() const { return acks_.size(); }
  // The bucket starts full, as after an idle time.
  void fill_bucket() { tokens_ = bucket_bytes_; }

 private:
  struct Burst {
    uint64_t addr;
    uint32_t beats;
    uint64_t ready_at;  // cycle from which its beats may go
  };
  static constexpr size_t kQueue = 32;

  int beat_bytes_;
  MemoryTiming timing_;
  double bucket_bytes_;  // a few bursts' worth: bandwidth saved up while idle is spent in bursts
  uint64_t cycle_ = 0;
  double tokens_ = 0;
  bool turn_read_ = true;
  std::deque<Burst> reads_, writes_;
  std::deque<uint64_t> acks_;
  MemPortRequest prev_;
  MemPortResponse out_;
};

}  // namespace ernsim
