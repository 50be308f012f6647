#include "sim/estimators/latency_model.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "models/error.h"
#include "sim/estimators/job_cycles.h"
#include "sim/testbench/memory_port.h"

namespace ernsim {
namespace {

bool is_power_of_two(int v) { return v > 0 && (v & (v - 1)) == 0; }

int log2_exact(uint64_t v) {
  int n = 0;
  while ((uint64_t{1} << n) < v) ++n;
  return n;
}

// A DMA transfer as its span walker sees it: n1 x n2 spans of n entries of 2^elog2 bytes
// (rtl/ern_load_xfer.sv, rtl/ern_store_xfer.sv). Addresses do not change the timing.
struct Transfer {
  bool enabled = false;
  uint64_t n1 = 1, n2 = 1, n = 0;
  int elog2 = 0;
};

// Transfer ids of rtl/ern_hw_spec.json: both DMAs end a command at the same id.
constexpr int id(LoadTransfer t) { return static_cast<int>(t); }
constexpr int id(StoreTransfer t) { return static_cast<int>(t); }
static_assert(id(LoadTransfer::kEnd) == id(StoreTransfer::kEnd), "one end id for both DMAs");
constexpr int kXferEnd = id(LoadTransfer::kEnd);
using Transfers = std::array<Transfer, kXferEnd>;

Transfers load_transfers(const JobDescriptor& d, const HwConfig& c, int desc_beats) {
  Transfers x{};
  const int mb = log2_exact(static_cast<uint64_t>(c.mem_bytes));
  x[id(LoadTransfer::kDesc)] = {true, 1, 1, static_cast<uint64_t>(desc_beats), mb};
  x[id(LoadTransfer::kEmb)] = {d.ld_emb != 0, 1, static_cast<uint64_t>(c.embed_colours), hw_spec::kEmbEntries,
                               log2_exact(hw_spec::kEmbEntryBytes)};
  x[id(LoadTransfer::kWgt)] = {d.ld_wgt != 0, 1, 1, d.wgt_entries,
                               log2_exact(static_cast<uint64_t>(c.weight_entry_bytes()))};
  x[id(LoadTransfer::kThr)] = {d.ld_thr != 0, 1, 1, d.og_count,
                               log2_exact(static_cast<uint64_t>(c.threshold_entry_bytes()))};
  x[id(LoadTransfer::kImg)] = {d.ld_img != 0, 1, d.out_rows, d.in_width,
                               log2_exact(d.paired ? 2 * hw_spec::kPixelBytes : hw_spec::kPixelBytes)};
  x[id(LoadTransfer::kAct)] = {d.ld_act != 0, d.in_blocks, d.in_rows, d.in_width, log2_exact(hw_spec::kActWordBytes)};
  x[id(LoadTransfer::kRes)] = {d.ld_res != 0, d.og_count, d.out_rows, d.out_width,
                               log2_exact(static_cast<uint64_t>(c.stream_entry_bytes()))};
  // The RTL's span counters are 16 bits wide.
  for (Transfer& t : x) {
    t.n1 &= 0xffff;
    t.n2 &= 0xffff;
  }
  return x;
}

Transfers store_transfers(const JobDescriptor& d, const HwConfig& c) {
  Transfers x{};
  x[id(StoreTransfer::kOact)] = {d.st_act != 0, d.oact_blocks, d.out_rows, d.out_width,
                                 log2_exact(hw_spec::kActWordBytes)};
  x[id(StoreTransfer::kOstr)] = {d.st_str != 0, d.og_count, d.out_rows, d.out_width,
                                 log2_exact(static_cast<uint64_t>(c.stream_entry_bytes()))};
  x[id(StoreTransfer::kSum)] = {d.st_sum != 0, 1, 1, d.og_count,
                                log2_exact(static_cast<uint64_t>(c.sum_entry_bytes()))};
  for (Transfer& t : x) {
    t.n1 &= 0xffff;
    t.n2 &= 0xffff;
  }
  return x;
}

// rtl/ern_span_walker.sv without addresses.
struct SpanWalker {
  bool valid = false;
  uint64_t i1 = 0, i2 = 0, n1 = 0, n2 = 0, n = 0;
  int elog2 = 0;

  void load(const Transfer& t) {
    valid = t.n1 != 0 && t.n2 != 0 && t.n != 0;
    i1 = i2 = 0;
    n1 = t.n1;
    n2 = t.n2;
    n = t.n;
    elog2 = t.elog2;
  }
  bool last() const { return i1 + 1 == n1 && i2 + 1 == n2; }
  void next() {
    if (!valid) return;
    valid = !last();
    if (i2 + 1 != n2) {
      ++i2;
    } else {
      i2 = 0;
      ++i1;
    }
  }
  uint64_t beats(int mb) const {
    if (elog2 <= mb) {
      const int shift = mb - elog2;
      return (n + (uint64_t{1} << shift) - 1) >> shift;
    }
    return n << (elog2 - mb);
  }
};

// How a DMA's data side moves the entries of a transfer: entries of up to a beat one per cycle,
// larger ones one beat-sized slice per cycle.
struct EntryShape {
  bool small = true;
  uint64_t per_beat = 1, slices = 1;
  void set(int elog2, int mb) {
    small = elog2 <= mb;
    per_beat = small ? uint64_t{1} << (mb - elog2) : 1;
    slices = small ? 1 : uint64_t{1} << (elog2 - mb);
  }
};

// Which transfer of a command a DMA side is on: from `first` to `last`, skipping the disabled ones.
// The address and data sides of both DMAs each walk the command's transfers with one.
class TransferCursor {
 public:
  void start(int first, int last) {
    id_ = first;
    last_ = last;
    loaded_ = false;
  }
  int id() const { return id_; }
  bool done() const { return id_ == kXferEnd; }
  bool loaded() const { return loaded_; }
  // The transfer's spans are to be loaded this cycle.
  bool loads(bool busy, const Transfers& x) const { return busy && !done() && !loaded_ && x[id_].enabled; }
  // Takes an enabled transfer or skips a disabled one; false when the transfer was already loaded.
  bool settle(const Transfers& x) {
    if (loaded_) return false;
    if (x[id_].enabled) loaded_ = true;
    else advance();
    return true;
  }
  void advance() {
    loaded_ = false;
    id_ = id_ == last_ ? kXferEnd : id_ + 1;
  }

 private:
  int id_ = kXferEnd, last_ = 0;
  bool loaded_ = false;
};

// The address side of both DMAs (ern_dma_rd.sv and ern_dma_wr.sv), without addresses: each span of each transfer
// as bursts of at most MaxBurst beats.
class DmaAddressSide {
 public:
  DmaAddressSide(int mb, int max_burst) : mb_(mb), max_burst_(max_burst) {}

  struct Comb {
    bool issue = false;  // a burst is offered (the read DMA also bounds the reads in flight)
    uint64_t burst = 0;
    bool load = false, next = false;
  };

  bool done() const { return cursor_.done(); }
  void start(int first, int last) {
    cursor_.start(first, last);
    started_ = false;
  }

  Comb comb(bool busy, const Transfers& x) const {
    Comb c;
    c.burst = std::min<uint64_t>(remaining_, static_cast<uint64_t>(max_burst_));
    c.issue = busy && started_ && remaining_ != 0;
    c.load = cursor_.loads(busy, x);
    c.next = busy && started_ && remaining_ == 0 && walker_.valid;
    return c;
  }

  // `fire`: the burst was accepted.
  void edge(const Comb& c, bool busy, bool fire, const Transfers& x) {
    const int id = cursor_.id();
    if (busy && !cursor_.done() && !cursor_.settle(x)) {
      if (!started_) {
        if (walker_.valid) {
          started_ = true;
          remaining_ = walker_.beats(mb_);
        } else {
          cursor_.advance();
        }
      } else if (fire) {
        remaining_ -= c.burst;
      } else if (remaining_ == 0) {
        started_ = false;
      }
    }
    if (c.load) walker_.load(x[id]);
    else if (c.next) walker_.next();
  }

 private:
  int mb_, max_burst_;
  TransferCursor cursor_;
  bool started_ = false;
  uint64_t remaining_ = 0;  // beats of the span not yet in a burst
  SpanWalker walker_;
};

// The data side of both DMAs: each span of each transfer entry by entry, an entry larger than a
// beat one beat-sized slice at a time. What moves an entry (a read beat, a buffer read) is the DMA's.
class DmaDataSide {
 public:
  explicit DmaDataSide(int mb) : mb_(mb) {}

  bool done() const { return cursor_.done(); }
  void start(int first, int last) { cursor_.start(first, last); }
  bool loads(bool busy, const Transfers& x) const { return cursor_.loads(busy, x); }
  // A span is there to move.
  bool ready() const { return cursor_.loaded() && walker_.valid; }
  bool last_span() const { return walker_.last(); }
  const EntryShape& shape() const { return shape_; }
  bool entry_done() const { return shape_.small || slice_ + 1 == shape_.slices; }
  // `moved`: an entry, or a slice of one, moves this cycle.
  bool span_done(bool moved) const { return moved && entry_done() && index_ + 1 == walker_.n; }

  // `holding`: the DMA still holds data of the span (a beat, a buffer read in flight).
  void edge(bool busy, bool load, bool moved, bool holding, const Transfers& x) {
    const int id = cursor_.id();
    const bool entry_end = entry_done(), span_end = span_done(moved);
    if (busy && !cursor_.done() && !cursor_.settle(x) && !walker_.valid && !holding) cursor_.advance();
    if (load) {
      index_ = slice_ = 0;
    } else if (moved) {
      if (entry_end) {
        slice_ = 0;
        index_ = span_end ? 0 : index_ + 1;
      } else {
        ++slice_;
      }
    }
    if (load) {
      walker_.load(x[id]);
      shape_.set(x[id].elog2, mb_);
    } else if (span_end) {
      walker_.next();
    }
  }

 private:
  int mb_;
  TransferCursor cursor_;
  SpanWalker walker_;
  EntryShape shape_;
  uint64_t index_ = 0, slice_ = 0;  // the entry in the span, the slice in the entry
};

// What the read and write DMAs share: the command's transfers, its two sides, busy and the beats.
class Dma {
 public:
  bool busy() const { return busy_; }
  uint64_t beats() const { return beats_; }

 protected:
  Dma(int mb, int max_burst) : address_(mb, max_burst), data_(mb) {}

  // The command's state at the end of an edge: `start` takes transfers first..last of `x`.
  void command_edge(bool start, const Transfers* x, int first, int last, bool done, bool beat) {
    if (start) {
      x_ = *x;
      address_.start(first, last);
      data_.start(first, last);
      busy_ = true;
      beats_ = 0;
    } else if (done) {
      busy_ = false;
    }
    if (beat) ++beats_;
  }

  Transfers x_{};
  bool busy_ = false;
  uint64_t beats_ = 0;
  DmaAddressSide address_;
  DmaDataSide data_;
};

// rtl/ern_dma_rd.sv without data.
class ReadDma : public Dma {
 public:
  ReadDma(int mb, int max_burst, int max_reads) : Dma(mb, max_burst), max_reads_(max_reads) {}

  struct Comb {
    DmaAddressSide::Comb address;
    bool ar_valid = false, r_ready = false, done = false;
    bool load = false, emit = false, span_done = false, beat_done = false;
  };

  Comb comb() const {
    Comb c;
    c.address = address_.comb(busy_, x_);
    c.ar_valid = c.address.issue && inflight_ < max_reads_;
    c.emit = beat_valid_;
    c.span_done = data_.span_done(c.emit);
    const EntryShape& shape = data_.shape();
    c.beat_done = c.emit && (shape.small ? (pos_ + 1 == shape.per_beat || c.span_done) : true);
    c.r_ready = busy_ && (!beat_valid_ || (c.beat_done && !(c.span_done && data_.last_span()))) && data_.ready();
    c.load = data_.loads(busy_, x_);
    c.done = busy_ && address_.done() && data_.done() && inflight_ == 0;
    return c;
  }

  // The command: 0 fetch, 1 phase A (tables, weights, thresholds), 2 phase B (image, activations,
  // residual); transfers as load_transfers gives them.
  void edge(const Comb& c, bool cmd, int phase, const Transfers* transfers, const MemPortResponse& m) {
    const bool ar_fire = c.ar_valid && m.ar_ready;
    const bool r_fire = m.r_valid && c.r_ready;
    inflight_ += static_cast<int>(ar_fire) - static_cast<int>(r_fire && m.r_last);
    address_.edge(c.address, busy_, ar_fire, x_);
    const bool small = data_.shape().small;
    data_.edge(busy_, c.load, c.emit, beat_valid_, x_);
    if (r_fire) beat_valid_ = true;
    else if (c.beat_done) beat_valid_ = false;
    if (r_fire) pos_ = 0;
    else if (c.emit && small) ++pos_;
    const int first = id(phase == 0 ? LoadTransfer::kDesc : phase == 2 ? LoadTransfer::kImg : LoadTransfer::kEmb);
    const int last = id(phase == 0 ? LoadTransfer::kDesc : phase == 2 ? LoadTransfer::kRes : LoadTransfer::kThr);
    command_edge(cmd && !busy_, transfers, first, last, c.done, r_fire);
  }

 private:
  int max_reads_;
  int inflight_ = 0;
  bool beat_valid_ = false;
  uint64_t pos_ = 0;  // the entry in the beat
};

// rtl/ern_dma_wr.sv without data.
class WriteDma : public Dma {
 public:
  WriteDma(int mb, int max_burst) : Dma(mb, max_burst), max_burst_(max_burst) {}

  struct Comb {
    DmaAddressSide::Comb address;
    bool w_valid = false, w_last = false, done = false;
    bool load = false, read_served = false, span_done = false, beat_full = false, push = false;
  };

  Comb comb() const {
    Comb c;
    c.address = address_.comb(busy_, x_);
    // The engine grants every read: it holds the sum buffer's port only while it accumulates
    // class sums, and the sums a job stores are never those the next job accumulates into.
    c.read_served = busy_ && data_.ready() && fifo_count_ < kFifoDepth - 1;
    c.span_done = data_.span_done(c.read_served);
    const EntryShape& shape = data_.shape();
    c.beat_full = shape.small ? pos_ + 1 == shape.per_beat : true;
    c.load = data_.loads(busy_, x_);
    c.push = got_ && got_beat_end_;
    c.w_valid = fifo_count_ != 0 && w_bursts_ < bursts_;
    c.w_last = fifo_count_ != 0 && fifo_last_[fifo_rd_];
    c.done = busy_ && address_.done() && data_.done() && !got_ && fifo_count_ == 0 && responses_ == bursts_;
    return c;
  }

  // The command stores transfers 1 to 3 as store_transfers gives them.
  void edge(const Comb& c, bool cmd, const Transfers* transfers, const MemPortResponse& m) {
    const bool aw_fire = c.address.issue && m.aw_ready;
    const bool pop = c.w_valid && m.w_ready;
    const bool start = cmd && !busy_;

    if (aw_fire) ++bursts_;
    if (m.b_valid) ++responses_;
    if (start) bursts_ = responses_ = 0;
    address_.edge(c.address, busy_, aw_fire, x_);

    const bool got_burst_end_was = got_burst_end_;
    data_.edge(busy_, c.load, c.read_served, got_, x_);
    got_ = c.read_served;
    if (c.load) {
      pos_ = span_beat_ = 0;
    } else if (c.read_served) {
      const bool beat_end = c.beat_full || c.span_done;
      got_beat_end_ = beat_end;
      got_burst_end_ = c.span_done || (((span_beat_ + 1) & static_cast<uint64_t>(max_burst_ - 1)) == 0 && beat_end);
      if (beat_end) {
        pos_ = 0;
        span_beat_ = c.span_done ? 0 : span_beat_ + 1;
      } else {
        ++pos_;
      }
    }

    // The beat FIFO: only whether each beat ends a burst matters here.
    if (c.push) {
      fifo_last_[fifo_wr_] = got_burst_end_was;
      fifo_wr_ = (fifo_wr_ + 1) % kFifoDepth;
    }
    if (pop) fifo_rd_ = (fifo_rd_ + 1) % kFifoDepth;
    fifo_count_ += static_cast<int>(c.push) - static_cast<int>(pop);
    if (start) w_bursts_ = 0;
    else if (pop && c.w_last) ++w_bursts_;
    command_edge(start, transfers, id(StoreTransfer::kOact), id(StoreTransfer::kSum), c.done, pop);
  }

 private:
  static constexpr int kFifoDepth = 4;
  int max_burst_;
  uint64_t bursts_ = 0, responses_ = 0, w_bursts_ = 0;
  uint64_t pos_ = 0, span_beat_ = 0;  // the entry in the beat, the beat in the span
  bool got_ = false, got_beat_end_ = false, got_burst_end_ = false;
  std::array<bool, kFifoDepth> fifo_last_{};
  int fifo_rd_ = 0, fifo_wr_ = 0, fifo_count_ = 0;
};

// rtl/ern_controller.sv with the engine as its closed-form timer.
class AccelModel {
 public:
  AccelModel(const Program& program, const HwConfig& config, bool skip_compute)
      : skip_compute_(skip_compute),
        program_(program),
        mb_(log2_exact(static_cast<uint64_t>(config.mem_bytes))),
        rd_(mb_, config.max_burst, config.max_reads),
        wr_(mb_, config.max_burst),
        memory_(config.mem_bytes, config.memory),
        count_(program.jobs.size()),
        counters_(static_cast<size_t>(config.max_layers)) {
    if (!is_power_of_two(config.mem_bytes) || !is_power_of_two(config.max_burst)) {
      fail("the latency model needs MemBytes and MaxBurst to be powers of two");
    }
    const int desc_beats = (JobDescriptor::kWords * hw_spec::kDescWordBytes + config.mem_bytes - 1) / config.mem_bytes;
    loads_.reserve(count_);
    stores_.reserve(count_);
    job_cycles_.reserve(count_);
    for (const JobDescriptor& d : program.jobs) {
      loads_.push_back(load_transfers(d, config, desc_beats));
      stores_.push_back(store_transfers(d, config));
      job_cycles_.push_back(predicted_job_cycles(d));
    }
    memory_.fill_bucket();
  }

  uint64_t run() {
    running_ = count_ > 0;
    while (running_) {
      if (skip_compute_ && skip_compute()) continue;
      step();
    }
    return cycles_;
  }

  struct LayerCounters {
    uint64_t cycles = 0, compute = 0, load_stall = 0, store_stall = 0, bytes_read = 0, bytes_written = 0;
  };
  const LayerCounters& layer(size_t l) const { return counters_.at(l % counters_.size()); }
  uint64_t stepped() const { return stepped_; }

 private:
  enum LState { kLIdle, kLFetch, kLBarrier, kLLoad, kLHold, kLLoadFirst };
  enum CState { kCWait, kCStart, kCRun, kCHandoff };

  uint64_t layer_of(size_t job) const { return program_.jobs[job].layer % counters_.size(); }

  // While only the engine works (no DMA busy, nothing in the memory, every stage waiting for it),
  // nothing changes but the counters: skip to a cycle before it finishes.
  bool skip_compute() {
    if (!(eng_busy_ && eng_left_ > 2 && c_state_ == kCRun && !s_busy_ && !rd_.busy() && !wr_.busy() &&
          memory_.quiet())) {
      return false;
    }
    const bool load_waits = l_state_ == kLHold ||
                            (l_state_ == kLBarrier && stored_ < program_.jobs[d_l_].wait_stored) ||
                            (l_state_ == kLIdle && l_job_ >= count_);
    if (!load_waits) return false;
    const uint64_t n = eng_left_ - 2;
    eng_left_ -= n;
    cycles_ += n;
    c_cycles_ += n;
    c_compute_ += n;
    memory_.skip_quiet(n);
    return true;
  }

  void step() {
    ++stepped_;
    // The cycle's combinational values, from the state after the last edge.
    const ReadDma::Comb rdc = rd_.comb();
    const WriteDma::Comb wrc = wr_.comb();
    const bool rd_done = rdc.done, wr_done = wrc.done, rd_busy = rd_.busy(), wr_busy = wr_.busy();
    const uint64_t rd_beats = rd_.beats(), wr_beats = wr_.beats();
    const bool eng_done = eng_done_, eng_busy = eng_busy_;
    const bool loading = l_state_ == kLFetch || l_state_ == kLLoadFirst || l_state_ == kLLoad;
    const bool rd_cmd = running_ && !l_issue_ && loading;
    const int rd_phase = l_state_ == kLFetch ? 0 : l_state_ == kLLoadFirst ? 1 : 2;
    const bool take = running_ && l_state_ == kLHold && c_state_ == kCWait;
    const bool handoff = c_state_ == kCHandoff && !s_busy_;
    const bool wr_cmd = s_busy_ && !s_issue_ && !wr_busy;
    const bool eng_start = c_state_ == kCStart;
    const bool finished = running_ && stored_ == count_;

    MemPortRequest req;
    req.ar_valid = rdc.ar_valid;
    req.ar_len = static_cast<uint32_t>(rdc.address.burst - 1);
    req.r_ready = rdc.r_ready;
    req.aw_valid = wrc.address.issue;
    req.aw_len = static_cast<uint32_t>(wrc.address.burst - 1);
    req.w_valid = wrc.w_valid;
    req.w_last = wrc.w_last;
    req.b_ready = true;
    memory_.step(req);
    const MemPortResponse& m = memory_.response();

    // The edge.
    const size_t fetch_job = std::min(l_job_, count_ - 1);
    rd_.edge(rdc, rd_cmd, rd_phase, rd_phase == 0 ? &loads_[fetch_job] : &loads_[d_l_], m);
    wr_.edge(wrc, wr_cmd, &stores_[d_s_], m);

    // Per-layer counters (before the stages move).
    if (running_) {
      const uint64_t next_c_layer = layer_of(d_l_);
      const bool c_flush = (take && next_c_layer != c_layer_) || finished;
      const bool fetch_done = l_state_ == kLFetch && rd_done;
      const bool l_flush = (fetch_done && layer_of(l_job_) != l_layer_) || finished;
      const bool s_flush = (handoff && layer_of(d_c_) != s_layer_) || finished;
      if (c_flush) {
        LayerCounters& r = counters_[c_layer_];
        r.cycles = c_cycles_;
        r.compute = c_compute_;
        r.load_stall = c_load_stall_;
        r.store_stall = c_store_stall_;
        c_layer_ = next_c_layer;
        c_cycles_ = 1;
        c_compute_ = 0;
        c_load_stall_ = c_state_ == kCWait && !take;
        c_store_stall_ = 0;
      } else {
        ++c_cycles_;
        c_compute_ += eng_busy;
        c_load_stall_ += c_state_ == kCWait && computed_ != count_;
        c_store_stall_ += c_state_ == kCHandoff || (c_state_ == kCWait && computed_ == count_);
      }
      if (l_flush) {
        counters_[l_layer_].bytes_read = l_bytes_;
        l_layer_ = layer_of(fetch_job);
        l_bytes_ = rd_beats << mb_;
      } else if (rd_done) {
        l_bytes_ += rd_beats << mb_;
      }
      if (s_flush) {
        counters_[s_layer_].bytes_written = s_bytes_;
        s_layer_ = layer_of(d_c_);
        s_bytes_ = 0;
      } else if (s_busy_ && wr_done) {
        s_bytes_ += wr_beats << mb_;
      }
    }

    // Load stage.
    if (running_) {
      switch (l_state_) {
        case kLIdle:
          if (l_job_ < count_ && !rd_busy) {
            l_state_ = kLFetch;
            l_issue_ = false;
          }
          break;
        case kLFetch:
          if (!l_issue_) {
            l_issue_ = true;
          } else if (rd_done) {
            d_l_ = l_job_;
            l_issue_ = false;
            l_state_ = kLLoadFirst;
          }
          break;
        case kLLoadFirst:
        case kLLoad:
          if (!l_issue_) {
            l_issue_ = true;
          } else if (rd_done) {
            l_issue_ = false;
            l_state_ = l_state_ == kLLoadFirst ? kLBarrier : kLHold;
          }
          break;
        case kLBarrier:
          if (stored_ >= program_.jobs[d_l_].wait_stored) l_state_ = kLLoad;
          break;
        case kLHold:
          if (take) {
            l_state_ = kLIdle;
            ++l_job_;
          }
          break;
      }
    }
    // Compute stage and the engine.
    const size_t d_c_was = d_c_;
    switch (c_state_) {
      case kCWait:
        if (take) {
          c_state_ = kCStart;
          d_c_ = d_l_;
        }
        break;
      case kCStart: c_state_ = kCRun; break;
      case kCRun:
        if (eng_done) c_state_ = kCHandoff;
        break;
      case kCHandoff:
        if (handoff) {
          c_state_ = kCWait;
          ++computed_;
        }
        break;
    }
    if (eng_done_) {
      eng_done_ = false;
    } else if (eng_busy_) {
      if (--eng_left_ == 0) {
        eng_busy_ = false;
        eng_done_ = true;
      }
    } else if (eng_start) {
      eng_busy_ = true;
      eng_left_ = job_cycles_[d_c_was];
    }
    // Store stage.
    if (handoff) {
      s_busy_ = true;
      s_issue_ = false;
      d_s_ = d_c_was;
    } else if (s_busy_ && !s_issue_) {
      s_issue_ = true;
    } else if (s_busy_ && wr_done) {
      s_busy_ = false;
      ++stored_;
    }
    if (running_) {
      ++cycles_;
      if (finished) running_ = false;
    }
  }

  bool skip_compute_;
  const Program& program_;
  int mb_;
  ReadDma rd_;
  WriteDma wr_;
  MemoryPortTiming memory_;
  size_t count_;
  std::vector<Transfers> loads_, stores_;
  std::vector<uint64_t> job_cycles_;

  bool running_ = false;
  uint64_t cycles_ = 0, stepped_ = 0;
  LState l_state_ = kLIdle;
  bool l_issue_ = false;
  size_t l_job_ = 0, d_l_ = 0, d_c_ = 0, d_s_ = 0;
  CState c_state_ = kCWait;
  uint64_t computed_ = 0, stored_ = 0;
  bool s_busy_ = false, s_issue_ = false;
  bool eng_busy_ = false, eng_done_ = false;
  uint64_t eng_left_ = 0;

  uint64_t c_layer_ = 0, l_layer_ = 0, s_layer_ = 0;
  uint64_t c_cycles_ = 0, c_compute_ = 0, c_load_stall_ = 0, c_store_stall_ = 0, l_bytes_ = 0, s_bytes_ = 0;
  std::vector<LayerCounters> counters_;
};

}  // namespace

LatencyEstimate estimate_latency(const Network& net, const Program& program, const HwConfig& config,
                                 const LatencyOptions& options) {
  AccelModel model(program, config, options.skip_compute);
  LatencyEstimate e;
  e.total_cycles = model.run();
  e.modelled_cycles = model.stepped();
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    const AccelModel::LayerCounters& c = model.layer(l);
    LayerRunReport r;
    r.index = static_cast<int>(l);
    r.name = layer.name;
    r.jobs = program.layers.at(l).count;
    r.cycles = c.cycles;
    r.compute_cycles = c.compute;
    r.load_stall_cycles = c.load_stall;
    r.store_stall_cycles = c.store_stall;
    r.bytes_read = c.bytes_read;
    r.bytes_written = c.bytes_written;
    r.macs = net.layer_macs(layer);
    r.utilization = config.utilization(r.macs, r.cycles);
    e.layers.push_back(r);

    LayerBounds b;
    const LayerJobs& jobs = program.layers.at(l);
    for (int j = jobs.first; j < jobs.first + jobs.count; ++j)
      b.compute_cycles += predicted_job_cycles(program.jobs[j]);
    b.memory_cycles = static_cast<uint64_t>(
        std::ceil(static_cast<double>(r.bytes_read + r.bytes_written) / config.memory.bytes_per_cycle));
    e.bounds.push_back(b);
  }
  return e;
}

}  // namespace ernsim
