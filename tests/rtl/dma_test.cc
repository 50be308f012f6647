// Directed unit tests of the span walker and the two DMAs, Verilated as plain C++ with a 32-byte
// port (MemBytes = 32), bursts of at most 4 beats and 2 reads in flight (tests/rtl/CMakeLists.txt),
// so that every limit is reached by small transfers. The memory and the engine's buffers are models
// here that stall at random and check the port rules: no burst longer than MaxBurst, no more than
// MaxReads reads in flight, addresses on beats, W beats after their AW, w_last at burst ends; the
// data are checked against what the job descriptor asks for (docs/accelerator.md, memory layouts):
// every entry from (to) the right address, into (from) the right buffer, bank, entry and slice, and
// on the write side byte strobes that keep other jobs' lanes and the bytes past a row's end.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "Vern_dma_rd.h"
#include "Vern_dma_wr.h"
#include "Vern_span_walker.h"
#include "job_descriptor.h"
#include "tests/rtl/unit_clock.h"

namespace ernsim {
namespace {

// The parameters the models are Verilated with (tests/rtl/CMakeLists.txt).
constexpr int kMemBytes = 32, kMbLog2 = 5, kMaxBurst = 4, kMaxReads = 2, kBanks = 4, kPePix = 2, kPeOut = 8;
constexpr int kELog2Wgt = 6, kELog2Thr = 6, kELog2Str = 4, kELog2Sum = 5;

// ---------------------------------------------------------------------------------------------
// Span walker.

struct Span {
  uint32_t addr, beats;
  uint16_t i2;
  uint32_t k;
  bool last;
  bool operator==(const Span& o) const {
    return std::tie(addr, beats, i2, k, last) == std::tie(o.addr, o.beats, o.i2, o.k, o.last);
  }
};

std::ostream& operator<<(std::ostream& os, const Span& s) {
  return os << "{addr " << s.addr << ", beats " << s.beats << ", i2 " << s.i2 << ", k " << s.k
            << (s.last ? ", last}" : "}");
}

struct WalkParams {
  uint32_t addr0, stride1, stride2, n;
  uint16_t n1, n2;
  uint8_t elog2;
};

// Beats of a span of n entries of 2^elog2 bytes: entries per beat or beats per entry.
uint32_t span_beats(uint32_t n, int elog2) {
  return elog2 <= kMbLog2 ? (n + (1u << (kMbLog2 - elog2)) - 1) >> (kMbLog2 - elog2) : n << (elog2 - kMbLog2);
}

std::vector<Span> expected_spans(const WalkParams& p) {
  std::vector<Span> spans;
  if (p.n1 == 0 || p.n2 == 0 || p.n == 0) return spans;
  for (uint32_t i1 = 0; i1 < p.n1; ++i1) {
    for (uint32_t i2 = 0; i2 < p.n2; ++i2) {
      spans.push_back({p.addr0 + i1 * p.stride1 + i2 * p.stride2, span_beats(p.n, p.elog2), static_cast<uint16_t>(i2),
                       i1 * p.n2 + i2, i1 + 1 == p.n1 && i2 + 1 == p.n2});
    }
  }
  return spans;
}

void load_walk(Vern_span_walker& w, const WalkParams& p) {
  w.load_i = 1;
  w.addr0_i = p.addr0;
  w.stride1_i = p.stride1;
  w.stride2_i = p.stride2;
  w.n1_i = p.n1;
  w.n2_i = p.n2;
  w.n_i = p.n;
  w.elog2_i = p.elog2;
  w.next_i = 0;
  tick(w);
  w.load_i = 0;
}

TEST(RtlSpanWalker, WalksEverySpanOfRandomTransfers) {
  Vern_span_walker w;
  reset(w);
  std::mt19937_64 rng(21);
  int transfers = 0, multi_beat_entries = 0;
  for (int trial = 0; trial < 400; ++trial) {
    WalkParams p;
    p.addr0 = static_cast<uint32_t>(rng() % 100000) * kMemBytes;
    p.stride1 = static_cast<uint32_t>(rng() % 3000) * kMemBytes;
    p.stride2 = static_cast<uint32_t>(rng() % 300) * kMemBytes;
    p.n1 = static_cast<uint16_t>(rng() % 5);  // 0 sometimes: an empty transfer
    p.n2 = static_cast<uint16_t>(rng() % 7);
    p.n = static_cast<uint32_t>(rng() % 70);
    p.elog2 = static_cast<uint8_t>(rng() % 8);  // entries from 1 byte to 4 beats
    multi_beat_entries += p.elog2 > kMbLog2;
    load_walk(w, p);
    const std::vector<Span> want = expected_spans(p);
    std::vector<Span> got;
    for (int cycle = 0; cycle < 1000 && w.valid_o; ++cycle) {
      // The span holds until next_i; advance at random.
      const bool next = rng() % 3 != 0;
      if (next) got.push_back({w.addr_o, w.beats_o, w.i2_o, w.k_o, w.last_o != 0});
      w.next_i = next;
      tick(w);
      w.next_i = 0;
    }
    ASSERT_EQ(got, want) << "trial " << trial << ": " << p.n1 << " x " << p.n2 << " spans of " << p.n
                         << " entries of 2^" << int{p.elog2} << " bytes";
    // Once done, it stays done however often next_i pulses.
    w.next_i = 1;
    tick(w);
    w.next_i = 0;
    EXPECT_FALSE(w.valid_o);
    transfers += !want.empty();
  }
  EXPECT_GT(transfers, 250);
  EXPECT_GT(multi_beat_entries, 50);
}

TEST(RtlSpanWalker, ALoadRestartsAWalkInProgress) {
  Vern_span_walker w;
  reset(w);
  const WalkParams a{0x1000, 0x400, 0x40, 3, 2, 5, 4};
  const WalkParams b{0x8000, 0x200, 0x20, 1, 2, 9, 2};
  load_walk(w, a);
  w.next_i = 1;
  tick(w);
  tick(w);
  w.next_i = 0;
  ASSERT_TRUE(w.valid_o);
  EXPECT_EQ(w.k_o, 2u);
  load_walk(w, b);
  std::vector<Span> got;
  while (w.valid_o) {
    got.push_back({w.addr_o, w.beats_o, w.i2_o, w.k_o, w.last_o != 0});
    w.next_i = 1;
    tick(w);
  }
  EXPECT_EQ(got, expected_spans(b));
}

// ---------------------------------------------------------------------------------------------
// A byte-addressed memory with a recognisable pattern.

uint8_t pattern_byte(uint64_t addr) {
  uint64_t x = addr * 0x9E3779B97F4A7C15ull + 0x1234;
  x ^= x >> 29;
  return static_cast<uint8_t>(x * 0xBF58476D1CE4E5B9ull >> 56);
}

struct Memory {
  std::vector<uint8_t> bytes;
  explicit Memory(size_t size) : bytes(size) {
    for (size_t a = 0; a < size; ++a) bytes[a] = pattern_byte(a);
  }
};

template <std::size_t N>
void beat_to_bytes(const VlWide<N>& wide, uint8_t* out, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(wide[static_cast<size_t>(i / 4)] >> (8 * (i % 4)));
}

template <std::size_t N>
void bytes_to_beat(const uint8_t* in, VlWide<N>& wide, int bytes) {
  for (int w = 0; w < bytes / 4; ++w) {
    uint32_t v = 0;
    std::memcpy(&v, in + 4 * w, 4);
    wide[static_cast<size_t>(w)] = v;
  }
}

template <std::size_t N>
void set_descriptor(VlWide<N>& wide, const JobDescriptor& d) {
  static_assert(N == JobDescriptor::kWords, "the Verilated descriptor width");
  const auto words = d.pack();
  for (size_t i = 0; i < N; ++i) wide[i] = words[i];
}

// One transfer as the descriptor describes it (docs/accelerator.md): spans (i1, i2) at
// addr0 + i1 * stride1 + i2 * stride2 of n entries of 2^elog2 bytes; entry x of span k goes to
// bank (x mod 2^banks) and entry base + k * kstride + x / 2^banks, or for the embedding tables
// bank i2 (the colour) and entry x.
struct Transfer {
  int buf;
  uint64_t addr0, stride1, stride2;
  int n1, n2, n, elog2;
  int banks_log2 = 0;
  bool bank_by_span = false;
  uint64_t base = 0, kstride = 0;
};

// Where each beat-sized piece of a transfer's entries lives: (address, bytes, buf, bank, entry, slice).
struct Piece {
  uint64_t addr;
  int bytes;
  int buf, bank;
  uint64_t entry;
  int slice;
};

std::vector<Piece> pieces(const Transfer& t) {
  std::vector<Piece> out;
  const int entry_bytes = 1 << t.elog2;
  for (int i1 = 0; i1 < t.n1; ++i1) {
    for (int i2 = 0; i2 < t.n2; ++i2) {
      const uint64_t k = static_cast<uint64_t>(i1) * t.n2 + i2;
      const uint64_t span = t.addr0 + i1 * t.stride1 + i2 * t.stride2;
      for (int x = 0; x < t.n; ++x) {
        const int bank = t.bank_by_span ? i2 : x & ((1 << t.banks_log2) - 1);
        const uint64_t entry = t.bank_by_span ? x : t.base + k * t.kstride + (x >> t.banks_log2);
        for (int s = 0; s < std::max(1, entry_bytes / kMemBytes); ++s) {
          out.push_back({span + static_cast<uint64_t>(x) * entry_bytes + static_cast<uint64_t>(s) * kMemBytes,
                         std::min(entry_bytes, kMemBytes), t.buf, bank, entry, s});
        }
      }
    }
  }
  return out;
}

// Beat addresses a transfer reads or writes, in order.
std::vector<uint64_t> beat_addresses(const Transfer& t) {
  std::vector<uint64_t> out;
  for (int i1 = 0; i1 < t.n1; ++i1) {
    for (int i2 = 0; i2 < t.n2; ++i2) {
      const uint64_t span = t.addr0 + i1 * t.stride1 + i2 * t.stride2;
      for (uint32_t b = 0; b < span_beats(static_cast<uint32_t>(t.n), t.elog2); ++b)
        out.push_back(span + b * kMemBytes);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Read DMA.

struct ReadRun {
  std::vector<uint64_t> beats;  // beat addresses in the order the bursts asked for them
  std::vector<Piece> fills;     // what was written into the buffers
  std::vector<std::array<uint8_t, kMemBytes>> fill_data;
  uint32_t beats_counted = 0;
  int max_inflight = 0, max_len = 0, bursts = 0;
  bool misaligned = false;
};

// Runs one command on the read DMA against `mem`, with random stalls on every channel.
ReadRun run_read(Vern_dma_rd& dma, const Memory& mem, std::mt19937_64& rng, bool fetch, bool phase_b,
                 uint32_t fetch_addr, int latency) {
  ReadRun run;
  struct Burst {
    uint64_t addr;
    int beats, sent = 0, ready_at;
  };
  std::deque<Burst> bursts;
  uint64_t cycle = 0;
  dma.cmd_i = 1;
  dma.cmd_fetch_i = fetch;
  dma.cmd_data_i = phase_b;
  dma.cmd_addr_i = fetch_addr;
  dma.ar_ready_i = 0;
  dma.r_valid_i = 0;
  tick(dma);
  dma.cmd_i = 0;
  for (; cycle < 200000 && !dma.done_o; ++cycle) {
    // Outputs of this cycle (after the last edge), then the inputs of the next edge.
    const bool ar_ready = rng() % 4 != 0;
    dma.ar_ready_i = ar_ready;
    dma.eval();
    const bool ar_fire = dma.ar_valid_o && ar_ready;
    if (ar_fire) {
      const int len = dma.ar_len_o + 1;
      run.max_len = std::max(run.max_len, len);
      ++run.bursts;
      bursts.push_back({dma.ar_addr_o, len, 0, static_cast<int>(cycle) + 1 + latency});
      for (int b = 0; b < len; ++b) run.beats.push_back(dma.ar_addr_o + static_cast<uint64_t>(b) * kMemBytes);
      run.max_inflight = std::max(run.max_inflight, static_cast<int>(bursts.size()));
    }
    if (dma.fill_we_o) {
      run.fills.push_back({0, kMemBytes, dma.fill_buf_o, dma.fill_bank_o, dma.fill_entry_o, dma.fill_slice_o});
      beat_to_bytes(dma.fill_data_o, run.fill_data.emplace_back().data(), kMemBytes);
    }
    // The head burst returns one beat when it is due and the port is willing.
    bool r_valid = false;
    if (!bursts.empty() && bursts.front().ready_at <= static_cast<int>(cycle) && rng() % 5 != 0) {
      Burst& head = bursts.front();
      r_valid = true;
      bytes_to_beat(&mem.bytes[head.addr + static_cast<uint64_t>(head.sent) * kMemBytes], dma.r_data_i, kMemBytes);
      dma.r_last_i = head.sent + 1 == head.beats;
    }
    dma.r_valid_i = r_valid;
    dma.eval();
    if (r_valid && dma.r_ready_o) {
      if (++bursts.front().sent == bursts.front().beats) bursts.pop_front();
    }
    tick(dma);
  }
  EXPECT_TRUE(dma.done_o) << "the read DMA did not finish";
  EXPECT_TRUE(bursts.empty()) << "bursts still in flight when done";
  run.beats_counted = dma.beats_o;
  run.misaligned = dma.misaligned_o;
  tick(dma);
  EXPECT_FALSE(dma.busy_o);
  return run;
}

// Checks the fills of a run against the transfers: pieces in order, each with the memory's data.
void expect_fills(const ReadRun& run, const std::vector<Transfer>& transfers, const Memory& mem) {
  std::vector<Piece> want;
  std::vector<uint64_t> want_beats;
  for (const Transfer& t : transfers) {
    const auto p = pieces(t);
    want.insert(want.end(), p.begin(), p.end());
    const auto b = beat_addresses(t);
    want_beats.insert(want_beats.end(), b.begin(), b.end());
  }
  EXPECT_EQ(run.beats, want_beats) << "the beats the bursts asked for";
  EXPECT_EQ(run.beats_counted, want_beats.size());
  ASSERT_EQ(run.fills.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const Piece& w = want[i];
    const Piece& g = run.fills[i];
    ASSERT_EQ(std::make_tuple(g.buf, g.bank, g.entry, g.slice), std::make_tuple(w.buf, w.bank, w.entry, w.slice))
        << "fill " << i << " (memory address " << w.addr << ")";
    // An entry smaller than a beat is in the low bytes of the fill data.
    for (int b = 0; b < w.bytes; ++b) {
      ASSERT_EQ(run.fill_data[i][static_cast<size_t>(b)], mem.bytes[w.addr + static_cast<uint64_t>(b)])
          << "fill " << i << " byte " << b << " (memory address " << w.addr << ")";
    }
  }
}

TEST(RtlDmaRead, FetchesADescriptorInBursts) {
  Vern_dma_rd dma;
  reset(dma);
  Memory mem(1 << 16);
  std::mt19937_64 rng(31);
  for (uint32_t addr : {0u, 0x40u, 0x1fe0u, 0x7000u}) {
    const ReadRun run = run_read(dma, mem, rng, true, false, addr, static_cast<int>(rng() % 6));
    const int beats = (JobDescriptor::kWords * 4 + kMemBytes - 1) / kMemBytes;
    ASSERT_EQ(run.beats.size(), static_cast<size_t>(beats));
    for (int b = 0; b < beats; ++b)
      EXPECT_EQ(run.beats[static_cast<size_t>(b)], addr + static_cast<uint64_t>(b) * kMemBytes);
    EXPECT_TRUE(run.fills.empty()) << "a descriptor fetch writes no buffer";
    EXPECT_LE(run.max_len, kMaxBurst);
    for (int w = 0; w < JobDescriptor::kWords; ++w) {
      uint32_t want = 0;
      std::memcpy(&want, &mem.bytes[addr + 4u * static_cast<uint32_t>(w)], 4);
      ASSERT_EQ(dma.fetched_o[static_cast<size_t>(w)], want) << "descriptor word " << w << " from " << addr;
    }
  }
}

// Phase A (tables, weights, thresholds) and phase B (image, activations, residual) of random jobs.
TEST(RtlDmaRead, LoadsEveryTransferOfRandomJobs) {
  Vern_dma_rd dma;
  reset(dma);
  Memory mem(1 << 20);
  std::mt19937_64 rng(32);
  int limited_bursts = 0, full_inflight = 0, slices = 0;
  for (int trial = 0; trial < 60; ++trial) {
    auto beat_addr = [&](uint64_t max_beats) { return (rng() % max_beats) * kMemBytes; };
    JobDescriptor d;
    d.ld_emb = rng() % 3 == 0;
    d.ld_wgt = rng() % 4 != 0;
    d.ld_thr = rng() % 2;
    d.ld_img = rng() % 3 == 0;
    d.ld_act = rng() % 4 != 0;
    d.ld_res = rng() % 2;
    d.emb_addr = beat_addr(4000);
    d.wgt_addr = beat_addr(4000);
    d.wgt_entries = 1 + rng() % 40;
    d.wgt_base = rng() % 100;
    d.thr_addr = beat_addr(4000);
    d.og_count = 1 + rng() % 5;
    d.thr_base = rng() % 50;
    d.paired = rng() % 2;
    d.img_addr = beat_addr(4000);
    d.out_rows = 1 + rng() % 4;
    d.in_width = 1 + rng() % 30;
    d.img_pitch = (1 + rng() % 10) * kMemBytes * (d.paired ? 2 : 1);
    d.img_base = rng() % 64;
    d.act_addr = beat_addr(4000);
    d.in_blocks = 1 + rng() % 3;
    d.in_rows = 1 + rng() % 4;
    d.act_pitch = (rng() % 30) * kMemBytes;
    d.act_plane = (rng() % 200) * kMemBytes;
    d.act_base = rng() % 64;
    d.act_row_stride = (d.in_width + kBanks - 1) / kBanks;
    d.res_addr = beat_addr(4000);
    d.out_width = 1 + rng() % 30;
    d.out_pgs = (d.out_width + kPePix - 1) / kPePix;
    d.res_pitch = (rng() % 30) * kMemBytes;
    d.res_plane = (rng() % 200) * kMemBytes;
    d.res_base = rng() % 64;
    set_descriptor(dma.desc_i, d);
    const int og = static_cast<int>(d.og_count);
    const std::vector<Transfer> phase_a = [&] {
      std::vector<Transfer> t;
      if (d.ld_emb) t.push_back({9, d.emb_addr, 0, 1024, 1, 3, 256, 2, 0, true});
      if (d.ld_wgt)
        t.push_back({2, d.wgt_addr, 0, 0, 1, 1, static_cast<int>(d.wgt_entries), kELog2Wgt, 0, false, d.wgt_base});
      if (d.ld_thr) t.push_back({3, d.thr_addr, 0, 0, 1, 1, og, kELog2Thr, 0, false, d.thr_base});
      return t;
    }();
    const std::vector<Transfer> phase_b = [&] {
      std::vector<Transfer> t;
      if (d.ld_img) {
        t.push_back({8, d.img_addr, 0, d.img_pitch, 1, static_cast<int>(d.out_rows), static_cast<int>(d.in_width),
                     d.paired ? 3 : 2, 0, false, d.img_base, d.in_width});
      }
      if (d.ld_act) {
        t.push_back({1, d.act_addr, d.act_plane, d.act_pitch, static_cast<int>(d.in_blocks),
                     static_cast<int>(d.in_rows), static_cast<int>(d.in_width), 4, 2, false, d.act_base,
                     d.act_row_stride});
      }
      if (d.ld_res) {
        t.push_back({4, d.res_addr, d.res_plane, d.res_pitch, og, static_cast<int>(d.out_rows),
                     static_cast<int>(d.out_width), kELog2Str, 1, false, d.res_base, d.out_pgs});
      }
      return t;
    }();
    for (int phase = 0; phase < 2; ++phase) {
      const ReadRun run = run_read(dma, mem, rng, false, phase == 1, 0, static_cast<int>(rng() % 12));
      SCOPED_TRACE("trial " + std::to_string(trial) + " phase " + (phase ? "B" : "A"));
      expect_fills(run, phase ? phase_b : phase_a, mem);
      EXPECT_LE(run.max_len, kMaxBurst);
      EXPECT_LE(run.max_inflight, kMaxReads);
      EXPECT_FALSE(run.misaligned);
      limited_bursts += run.max_len == kMaxBurst;
      full_inflight += run.max_inflight == kMaxReads;
      for (const Piece& p : run.fills) slices += p.slice > 0;
    }
  }
  // The limits were reached, and entries larger than a beat were split.
  EXPECT_GT(limited_bursts, 30);
  EXPECT_GT(full_inflight, 30);
  EXPECT_GT(slices, 100);
}

TEST(RtlDmaRead, FlagsASpanOffABeat) {
  Vern_dma_rd dma;
  reset(dma);
  Memory mem(1 << 16);
  std::mt19937_64 rng(33);
  JobDescriptor d;
  d.ld_wgt = 1;
  d.wgt_addr = 0x100 + 8;  // not on a 32-byte beat
  d.wgt_entries = 2;
  set_descriptor(dma.desc_i, d);
  EXPECT_TRUE(run_read(dma, mem, rng, false, false, 0, 1).misaligned);
  d.wgt_addr = 0x100;
  set_descriptor(dma.desc_i, d);
  EXPECT_FALSE(run_read(dma, mem, rng, false, false, 0, 1).misaligned) << "the flag is per command";
}

// ---------------------------------------------------------------------------------------------
// Write DMA.

// What the engine's output buffers hold: a pattern of (buffer, bank, entry, slice). Entries
// narrower than the port read zero above their width, as the engine's read port returns them.
int buffer_entry_bytes(int buf) { return buf == 5 ? 16 : buf == 6 ? 1 << kELog2Str : 1 << kELog2Sum; }

void buffer_beat(int buf, int bank, uint64_t entry, int slice, uint8_t* out) {
  for (int i = 0; i < kMemBytes; ++i) {
    out[i] = i >= buffer_entry_bytes(buf)
                 ? 0
                 : pattern_byte(0x5000000 + (static_cast<uint64_t>(buf) << 40) + (static_cast<uint64_t>(bank) << 32) +
                                entry * 256 + static_cast<uint64_t>(slice) * kMemBytes + static_cast<uint64_t>(i));
  }
}

struct WriteRun {
  int max_len = 0, bursts = 0, beats = 0;
  uint32_t beats_counted = 0;
};

// Runs the stores of `d` into `mem`, with random stalls on every channel; checks the port rules.
WriteRun run_write(Vern_dma_wr& dma, Memory& mem, std::mt19937_64& rng, int latency) {
  WriteRun run;
  struct Burst {
    uint64_t addr;
    int beats, written = 0;
  };
  std::deque<Burst> bursts;
  std::deque<int> responses;  // cycle at which each finished burst's response is due
  dma.cmd_i = 1;
  dma.aw_ready_i = 0;
  dma.w_ready_i = 0;
  dma.b_valid_i = 0;
  dma.rd_gnt_i = 0;
  tick(dma);
  dma.cmd_i = 0;
  bool got = false;
  int got_buf = 0, got_bank = 0, got_slice = 0;
  uint64_t got_entry = 0;
  for (int cycle = 0; cycle < 200000 && !dma.done_o; ++cycle) {
    // The buffer read served last cycle returns its data now.
    if (got) {
      uint8_t data[kMemBytes];
      buffer_beat(got_buf, got_bank, got_entry, got_slice, data);
      bytes_to_beat(data, dma.rd_data_i, kMemBytes);
    }
    const bool gnt = rng() % 4 != 0;
    // Like the SystemC memory model, at most 32 bursts wait for their data (WrAwAhead allows 64).
    const bool aw_ready = rng() % 3 != 0 && bursts.size() < 32;
    const bool w_ready = rng() % 3 != 0;
    const bool b_valid = !responses.empty() && responses.front() <= cycle;
    dma.rd_gnt_i = gnt;
    dma.aw_ready_i = aw_ready;
    dma.w_ready_i = w_ready;
    dma.b_valid_i = b_valid;
    dma.eval();
    EXPECT_TRUE(dma.b_ready_o);
    if (b_valid) responses.pop_front();
    got = dma.rd_re_o && gnt;
    got_buf = dma.rd_buf_o;
    got_bank = dma.rd_bank_o;
    got_entry = dma.rd_entry_o;
    got_slice = dma.rd_slice_o;
    if (dma.aw_valid_o && aw_ready) {
      const int len = dma.aw_len_o + 1;
      EXPECT_EQ(dma.aw_addr_o % kMemBytes, 0u) << "burst address off a beat";
      run.max_len = std::max(run.max_len, len);
      ++run.bursts;
      bursts.push_back({dma.aw_addr_o, len});
    }
    if (dma.w_valid_o && w_ready) {
      // AXI in order: a W beat belongs to the oldest burst whose address was accepted.
      if (bursts.empty()) {
        ADD_FAILURE() << "a W beat before its burst's address";
        break;
      }
      Burst& head = bursts.front();
      uint8_t data[kMemBytes];
      beat_to_bytes(dma.w_data_o, data, kMemBytes);
      const uint64_t addr = head.addr + static_cast<uint64_t>(head.written) * kMemBytes;
      for (int b = 0; b < kMemBytes; ++b) {
        if ((dma.w_strb_o >> b) & 1u) mem.bytes[addr + static_cast<uint64_t>(b)] = data[b];
      }
      ++run.beats;
      const bool last = ++head.written == head.beats;
      EXPECT_EQ(dma.w_last_o != 0, last) << "w_last at beat " << head.written << " of " << head.beats;
      if (last) {
        responses.push_back(cycle + latency);
        bursts.pop_front();
      }
    }
    tick(dma);
  }
  EXPECT_TRUE(dma.done_o) << "the write DMA did not finish";
  EXPECT_TRUE(bursts.empty());
  run.beats_counted = dma.beats_o;
  dma.b_valid_i = 0;  // the last response went at the last edge (WrResponseWithoutRequest)
  tick(dma);
  EXPECT_FALSE(dma.busy_o);
  return run;
}

// The bytes of a 16-byte output word that a job with groups og0 .. og0 + og_count - 1 owns in
// 64-lane block i1 of its blocks (plane 0 in bytes 0..7, plane 1 in 8..15; a byte is 8 lanes).
std::vector<bool> owned_bytes(const JobDescriptor& d, int i1) {
  const int lane_first = static_cast<int>(d.og0) * kPeOut;
  const int lane_end = static_cast<int>(d.og0 + d.og_count) * kPeOut;
  const int lo = i1 == 0 ? lane_first % 64 : 0;
  const int hi = i1 + 1 == static_cast<int>(d.oact_blocks) ? (lane_end - 1) % 64 + 1 : 64;
  std::vector<bool> owned(16);
  for (int b = 0; b < 8; ++b)
    owned[static_cast<size_t>(b)] = owned[static_cast<size_t>(b + 8)] = 8 * b >= lo && 8 * b < hi;
  return owned;
}

TEST(RtlDmaWrite, StoresEveryTransferOfRandomJobsWithTheirStrobes) {
  Vern_dma_wr dma;
  reset(dma);
  std::mt19937_64 rng(41);
  int limited_bursts = 0, partial_words = 0, jobs_with_gaps = 0;
  for (int trial = 0; trial < 60; ++trial) {
    Memory mem(1 << 20);
    JobDescriptor d;
    d.st_act = rng() % 4 != 0;
    d.st_str = rng() % 2;
    d.st_sum = rng() % 3 == 0;
    // The job's channel groups within 64-lane words: any first group, 1..12 groups.
    d.og0 = rng() % 16;
    d.og_count = 1 + rng() % 12;
    d.oact_blocks = (d.og0 * kPeOut + d.og_count * kPeOut - 1) / 64 - d.og0 * kPeOut / 64 + 1;
    d.out_rows = 1 + rng() % 4;
    d.out_width = 1 + rng() % 20;
    d.out_pgs = (d.out_width + kPePix - 1) / kPePix;
    // Pitches leave room past each row, whose bytes the strobes must keep.
    d.oact_addr = (rng() % 2000) * kMemBytes;
    d.oact_pitch = ((d.out_width * 16 + kMemBytes - 1) / kMemBytes + rng() % 3) * kMemBytes;
    d.oact_plane = d.oact_pitch * d.out_rows + (rng() % 4) * kMemBytes;
    d.oact_base = rng() % 64;
    d.ostr_addr = 0x40000 + (rng() % 2000) * kMemBytes;
    d.ostr_pitch = ((d.out_width * 16 + kMemBytes - 1) / kMemBytes + rng() % 3) * kMemBytes;
    d.ostr_plane = d.ostr_pitch * d.out_rows + (rng() % 4) * kMemBytes;
    d.ostr_base = rng() % 64;
    d.sum_addr = 0x80000 + (rng() % 2000) * kMemBytes;
    d.sum_base = rng() % 64;
    jobs_with_gaps += d.oact_pitch * 8 > d.out_width * 16 * 8;
    set_descriptor(dma.desc_i, d);
    std::vector<std::pair<Transfer, bool>> transfers;  // with: its words carry the job's lanes only
    if (d.st_act) {
      transfers.push_back(
          {{5, d.oact_addr, d.oact_plane, d.oact_pitch, static_cast<int>(d.oact_blocks), static_cast<int>(d.out_rows),
            static_cast<int>(d.out_width), 4, 1, false, d.oact_base, d.out_pgs},
           true});
    }
    if (d.st_str) {
      transfers.push_back(
          {{6, d.ostr_addr, d.ostr_plane, d.ostr_pitch, static_cast<int>(d.og_count), static_cast<int>(d.out_rows),
            static_cast<int>(d.out_width), kELog2Str, 1, false, d.ostr_base, d.out_pgs},
           false});
    }
    if (d.st_sum) {
      transfers.push_back(
          {{7, d.sum_addr, 0, 0, 1, 1, static_cast<int>(d.og_count), kELog2Sum, 0, false, d.sum_base}, false});
    }
    Memory want(1 << 20);
    uint64_t want_beats = 0;
    for (const auto& [t, lanes] : transfers) {
      want_beats += beat_addresses(t).size();
      const int per_span = t.n * std::max(1, (1 << t.elog2) / kMemBytes);
      const std::vector<Piece> ps = pieces(t);
      for (size_t i = 0; i < ps.size(); ++i) {
        const Piece& p = ps[i];
        uint8_t data[kMemBytes];
        buffer_beat(p.buf, p.bank, p.entry, p.slice, data);
        const std::vector<bool> owned = owned_bytes(d, static_cast<int>(i) / per_span / t.n2);
        for (int b = 0; b < p.bytes; ++b) {
          if (!lanes || owned[static_cast<size_t>(b % 16)]) want.bytes[p.addr + static_cast<uint64_t>(b)] = data[b];
        }
        partial_words += lanes && !owned[0];
      }
    }
    const WriteRun run = run_write(dma, mem, rng, static_cast<int>(rng() % 8));
    SCOPED_TRACE("trial " + std::to_string(trial));
    EXPECT_LE(run.max_len, kMaxBurst);
    EXPECT_EQ(static_cast<uint64_t>(run.beats), want_beats);
    EXPECT_EQ(run.beats_counted, want_beats);
    limited_bursts += run.max_len == kMaxBurst;
    for (size_t a = 0; a < want.bytes.size(); ++a) {
      ASSERT_EQ(mem.bytes[a], want.bytes[a])
          << "memory byte " << a << (want.bytes[a] == pattern_byte(a) ? " (not to be written)" : "");
    }
    EXPECT_FALSE(dma.misaligned_o);
  }
  EXPECT_GT(limited_bursts, 20);
  EXPECT_GT(partial_words, 50);
  EXPECT_GT(jobs_with_gaps, 20);
}

}  // namespace
}  // namespace ernsim
