// The protocol assertions of rtl/assert/, each shown to fire. The checker modules are Verilated
// alone (tests/rtl/CMakeLists.txt) and their ports driven cycle by cycle: every assertion fails on
// a sequence that breaks its rule, alone (no other assertion fails with it), and none fails on
// legal traffic that comes close to every rule. The DMAs, Verilated with their checkers bound in,
// show that the binds reach the ports: a memory that answers without a request is caught there.
// (The engine's checker bound into the accelerator: EngineChecks.* in engine_test.cc.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "Vern_controller_sva.h"
#include "Vern_dma_rd.h"
#include "Vern_dma_rd_sva.h"
#include "Vern_dma_wr.h"
#include "Vern_dma_wr_sva.h"
#include "Vern_layer_engine_sva.h"
#include "Vern_ram_sva.h"
#include "hw_spec.h"
#include "sim/testbench/verilator_messages.h"
#include "tests/rtl/unit_clock.h"
#include "verilated.h"

namespace ernsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The assertion failures while it lives (the models then report instead of aborting).
class AssertionLog {
 public:
  AssertionLog() {
    set_assertion_handler([this](const AssertionFailure& f) { failures_.push_back(f); });
  }
  ~AssertionLog() {
    set_assertion_handler(nullptr);
    Verilated::threadContextp()->gotError(false);
    Verilated::threadContextp()->gotFinish(false);
  }
  // The labels that failed, each once, in order of the first failure.
  std::vector<std::string> labels() const {
    std::vector<std::string> out;
    for (const AssertionFailure& f : failures_) {
      if (out.empty() || out.back() != f.label) out.push_back(f.label);
    }
    return out;
  }
  const std::vector<AssertionFailure>& failures() const { return failures_; }

 private:
  std::vector<AssertionFailure> failures_;
};

TEST(RtlAssertions, VerilatorsFailureLineIsParsed) {
  const auto f = parse_assertion_failure(
      "[4005] %Error: ern_dma_rd_sva.sv:63: Assertion failed in TOP.tb.dut.ern_accel.u_dma_rd.u_sva.RdArStable: "
      "the read address changed\n");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->label, "RdArStable");
  EXPECT_EQ(f->scope, "tb.dut.ern_accel.u_dma_rd");
  EXPECT_EQ(f->location, "ern_dma_rd_sva.sv:63");
  EXPECT_EQ(f->message, "the read address changed");
  EXPECT_FALSE(parse_assertion_failure("%Error: ern_dma_rd_sva.sv:63: Verilog $stop\n").has_value());
  // A source path with a space (a checkout in such a folder) is still one location.
  const auto spaced = parse_assertion_failure(
      "%Error: /home/a b/rtl/assert/ern_dma_rd_sva.sv:63: Assertion failed in TOP.x.u_sva.RdArStable: moved\n");
  ASSERT_TRUE(spaced.has_value());
  EXPECT_EQ(spaced->location, "/home/a b/rtl/assert/ern_dma_rd_sva.sv:63");
  EXPECT_EQ(spaced->label, "RdArStable");
  EXPECT_FALSE(parse_assertion_failure("Assertion failed in the text of a $display\n").has_value());
}

// ---------------------------------------------------------------------------------------------
// Read DMA checker: MemBytes = 32, MaxBurst = 4, MaxReads = 2.

struct ReadPort {
  Vern_dma_rd_sva m;
  ReadPort() { reset(m); }
  // One cycle: the address channel, the data channel and the beat buffer's state.
  void cycle(bool ar_valid, bool ar_ready, uint32_t addr, int len, bool r_valid = false, bool r_ready = false,
             uint32_t data = 0, bool last = false, bool beat_held = false, bool beat_done = false) {
    m.ar_valid_o = ar_valid;
    m.ar_ready_i = ar_ready;
    m.ar_addr_o = addr;
    m.ar_len_o = static_cast<uint8_t>(len);
    m.r_valid_i = r_valid;
    m.r_ready_o = r_ready;
    m.r_data_i[0] = data;
    m.r_last_i = last;
    m.beat_valid_q = beat_held;
    m.beat_done = beat_done;
    tick(m);
  }
  void beat(bool valid, bool ready, uint32_t data, bool last) { cycle(false, false, 0, 0, valid, ready, data, last); }
};

TEST(RtlAssertions, ReadPortRulesHoldOnLegalTraffic) {
  AssertionLog log;
  ReadPort p;
  p.cycle(true, false, 0x100, 3);  // waits for ready with its payload held
  p.cycle(true, true, 0x100, 3);
  p.cycle(true, true, 0x180, 0);  // MaxReads bursts in flight
  p.beat(true, false, 7, false);  // offered, not taken, offered again unchanged
  p.beat(true, true, 7, false);
  p.beat(false, true, 0, false);  // withdrawn (offered again later)
  p.beat(true, true, 8, false);
  p.beat(true, true, 9, false);
  p.cycle(true, true, 0x200, 1, true, true, 10, true, true, true);  // last beat; a new burst; the buffer drains
  p.beat(true, true, 11, true);
  p.beat(true, true, 12, false);
  p.beat(true, true, 13, true);
  p.cycle(false, false, 0, 0);
  EXPECT_THAT(log.labels(), IsEmpty());
}

TEST(RtlAssertions, RdArStableFires) {
  AssertionLog log;
  ReadPort p;
  p.cycle(true, false, 0x100, 3);
  p.cycle(true, false, 0x120, 3);
  EXPECT_THAT(log.labels(), ElementsAre("RdArStable"));
}

TEST(RtlAssertions, RdArLenMaxFires) {
  AssertionLog log;
  ReadPort p;
  p.cycle(true, true, 0x100, 4);
  ASSERT_THAT(log.labels(), ElementsAre("RdArLenMax"));
  EXPECT_EQ(log.failures()[0].message, "a read burst of 5 beats, more than MaxBurst = 4");
}

TEST(RtlAssertions, RdInflightMaxFires) {
  AssertionLog log;
  ReadPort p;
  for (int i = 0; i < 3; ++i) p.cycle(true, true, 0x100 + 0x20 * static_cast<uint32_t>(i), 0);
  p.cycle(false, false, 0, 0);
  ASSERT_THAT(log.labels(), ElementsAre("RdInflightMax"));
  EXPECT_EQ(log.failures()[0].message, "3 read bursts in flight, more than MaxReads = 2");
}

TEST(RtlAssertions, RdDataWithoutRequestFires) {
  AssertionLog log;
  ReadPort p;
  p.beat(true, true, 1, true);
  EXPECT_THAT(log.labels(), ElementsAre("RdDataWithoutRequest"));
}

TEST(RtlAssertions, RdLastAtBurstEndFires) {
  AssertionLog log;
  ReadPort p;
  p.cycle(true, true, 0x100, 1);
  p.beat(true, true, 1, true);  // the first of two beats
  ASSERT_THAT(log.labels(), ElementsAre("RdLastAtBurstEnd"));
  EXPECT_EQ(log.failures()[0].message, "r_last 1 on beat 1 of a burst of 2 beats");
}

TEST(RtlAssertions, RdDataStableFires) {
  AssertionLog log;
  ReadPort p;
  p.cycle(true, true, 0x100, 0);
  p.beat(true, false, 1, true);
  p.beat(true, true, 2, true);  // another beat in place of the waiting one
  EXPECT_THAT(log.labels(), ElementsAre("RdDataStable"));
}

TEST(RtlAssertions, RdBeatOverflowFires) {
  AssertionLog log;
  ReadPort p;
  p.cycle(true, true, 0x100, 0);
  p.cycle(false, false, 0, 0, true, true, 1, true, true, false);  // taken while the buffer is full
  EXPECT_THAT(log.labels(), ElementsAre("RdBeatOverflow"));
}

// ---------------------------------------------------------------------------------------------
// Write DMA checker: MemBytes = 32, MaxBurst = 4, a FIFO of 4 beats.

struct WritePort {
  Vern_dma_wr_sva m;
  WritePort() { reset(m); }
  void aw(bool valid, bool ready, uint32_t addr, int len) {
    m.aw_valid_o = valid;
    m.aw_ready_i = ready;
    m.aw_addr_o = addr;
    m.aw_len_o = static_cast<uint8_t>(len);
  }
  void w(bool valid, bool ready, uint32_t data, bool last) {
    m.w_valid_o = valid;
    m.w_ready_i = ready;
    m.w_data_o[0] = data;
    m.w_strb_o = 0xffffffffu;
    m.w_last_o = last;
  }
  void fifo(bool push, bool pop, int count) {
    m.push = push;
    m.pop = pop;
    m.fifo_count_q = static_cast<uint8_t>(count);
  }
  // One cycle with the channels as set, then every input back to idle.
  void cycle(bool b_valid = false) {
    m.b_valid_i = b_valid;
    m.b_ready_o = 1;
    tick(m);
    aw(false, false, 0, 0);
    w(false, false, 0, false);
    fifo(false, false, 0);
    m.b_valid_i = 0;
  }
};

TEST(RtlAssertions, WritePortRulesHoldOnLegalTraffic) {
  AssertionLog log;
  WritePort p;
  p.aw(true, false, 0x100, 1);
  p.fifo(true, false, 3);  // the FIFO fills up to its last entry
  p.cycle();
  p.aw(true, true, 0x100, 1);
  p.fifo(true, true, 4);  // full: a push with a pop
  p.cycle();
  p.w(true, false, 5, false);  // waits for ready with its payload held
  p.cycle();
  p.w(true, true, 5, false);
  p.fifo(false, true, 2);
  p.cycle();
  p.aw(true, true, 0x200, 0);
  p.w(true, true, 6, true);
  p.fifo(false, true, 1);
  p.cycle();
  p.w(true, true, 7, true);
  p.cycle(true);  // the first burst's response
  p.cycle(true);
  p.cycle();
  EXPECT_THAT(log.labels(), IsEmpty());
}

TEST(RtlAssertions, WrAwStableFires) {
  AssertionLog log;
  WritePort p;
  p.aw(true, false, 0x100, 1);
  p.cycle();
  p.aw(true, false, 0x100, 2);
  p.cycle();
  EXPECT_THAT(log.labels(), ElementsAre("WrAwStable"));
}

TEST(RtlAssertions, WrAwLenMaxFires) {
  AssertionLog log;
  WritePort p;
  p.aw(true, true, 0x100, 4);
  p.cycle();
  EXPECT_THAT(log.labels(), ElementsAre("WrAwLenMax"));
}

TEST(RtlAssertions, WrAwAheadFires) {
  AssertionLog log;
  WritePort p;
  for (int i = 0; i < 65; ++i) {
    p.aw(true, true, 0x100, 0);
    p.cycle();
  }
  EXPECT_THAT(log.labels(), ElementsAre("WrAwAhead"));
}

TEST(RtlAssertions, WrWStableFires) {
  AssertionLog log;
  WritePort p;
  p.aw(true, true, 0x100, 0);
  p.cycle();
  p.w(true, false, 1, true);
  p.cycle();
  p.w(true, true, 2, true);
  p.cycle();
  EXPECT_THAT(log.labels(), ElementsAre("WrWStable"));
}

TEST(RtlAssertions, WrWAfterAwFires) {
  AssertionLog log;
  WritePort p;
  p.w(true, false, 1, true);
  p.cycle();
  EXPECT_THAT(log.labels(), ElementsAre("WrWAfterAw"));
}

TEST(RtlAssertions, WrLastAtBurstEndFires) {
  AssertionLog log;
  WritePort p;
  p.aw(true, true, 0x100, 2);
  p.cycle();
  p.w(true, true, 1, false);
  p.cycle();
  p.w(true, true, 2, false);
  p.cycle();
  p.w(true, true, 3, false);  // the third of three beats without w_last
  p.cycle();
  ASSERT_THAT(log.labels(), ElementsAre("WrLastAtBurstEnd"));
  EXPECT_EQ(log.failures()[0].message, "w_last 0 on beat 3 of a burst of 3 beats");
}

TEST(RtlAssertions, WrResponseWithoutRequestFires) {
  AssertionLog log;
  WritePort p;
  p.aw(true, true, 0x100, 0);
  p.cycle();
  p.cycle(true);  // the address went out, its data did not
  EXPECT_THAT(log.labels(), ElementsAre("WrResponseWithoutRequest"));
}

TEST(RtlAssertions, WrFifoOverflowFires) {
  AssertionLog log;
  WritePort p;
  p.fifo(true, false, 4);
  p.cycle();
  EXPECT_THAT(log.labels(), ElementsAre("WrFifoOverflow"));
}

TEST(RtlAssertions, WrFifoUnderflowFires) {
  AssertionLog log;
  WritePort p;
  p.fifo(false, true, 0);
  p.cycle();
  EXPECT_THAT(log.labels(), ElementsAre("WrFifoUnderflow"));
}

// ---------------------------------------------------------------------------------------------
// Layer engine checker: PePix = 2 (4 activation banks, 2 output banks), WgtDepth = 576, the
// other depths their defaults (ActDepth 512, OutDepth 1024), 3 colours.

// Buffer ids from the hardware spec (rtl/ern_hw_spec.json), as the checker's ern_pkg has them.
constexpr int kAct = static_cast<int>(EngineBuffer::kAct), kWgt = static_cast<int>(EngineBuffer::kWgt);
constexpr int kOact = static_cast<int>(EngineBuffer::kOact), kSum = static_cast<int>(EngineBuffer::kSum);
constexpr int kEmb = static_cast<int>(EngineBuffer::kEmb);

struct EnginePorts {
  Vern_layer_engine_sva m;
  EnginePorts() { reset(m); }
  void write(int buf, int bank, uint32_t entry) {
    m.wr_en_i = 1;
    m.wr_buf_i = static_cast<uint8_t>(buf);
    m.wr_bank_i = static_cast<uint8_t>(bank);
    m.wr_entry_i = entry;
    tick(m);
    m.wr_en_i = 0;
  }
  void read(int buf, int bank, uint32_t entry) {
    m.rd_en_i = 1;
    m.rd_buf_i = static_cast<uint8_t>(buf);
    m.rd_bank_i = static_cast<uint8_t>(bank);
    m.rd_entry_i = entry;
    tick(m);
    m.rd_en_i = 0;
  }
};

TEST(RtlAssertions, EngineRulesHoldOnLegalAccesses) {
  AssertionLog log;
  EnginePorts e;
  e.write(kWgt, 0, 575);
  e.write(kAct, 3, 511);
  e.write(kEmb, 2, 255);
  e.read(kOact, 1, 1023);
  e.read(kSum, 0, 127);
  for (int state : {0, 5, 1, 3, 4, 0, 2}) {
    e.m.state_o = static_cast<uint8_t>(state);
    e.m.done_o = state == 4;
    tick(e.m);
  }
  EXPECT_THAT(log.labels(), IsEmpty());
}

TEST(RtlAssertions, EngWriteInRangeFires) {
  for (const auto& [buf, bank, entry] : {std::tuple{kWgt, 0, 576u}, {kAct, 4, 0u}, {kEmb, 3, 0u}, {kOact, 0, 0u}}) {
    AssertionLog log;
    EnginePorts e;
    e.write(buf, bank, entry);
    EXPECT_THAT(log.labels(), ElementsAre("EngWriteInRange"))
        << "buffer " << buf << " bank " << bank << " entry " << entry;
  }
}

TEST(RtlAssertions, EngReadInRangeFires) {
  AssertionLog log;
  EnginePorts e;
  e.read(kOact, 2, 0);
  ASSERT_THAT(log.labels(), ElementsAre("EngReadInRange"));
  EXPECT_EQ(log.failures()[0].message,
            "host read of buffer 5 bank 2 entry 0: outside the buffer (2 banks of 1024 entries)");
}

TEST(RtlAssertions, EngStateLegalFires) {
  AssertionLog log;
  EnginePorts e;
  e.m.state_o = 6;
  tick(e.m);
  EXPECT_THAT(log.labels(), ElementsAre("EngStateLegal"));
}

TEST(RtlAssertions, EngDonePulseFires) {
  AssertionLog log;
  EnginePorts e;
  e.m.done_o = 1;
  tick(e.m);
  tick(e.m);
  EXPECT_THAT(log.labels(), ElementsAre("EngDonePulse"));
}

// ---------------------------------------------------------------------------------------------
// RAM checker: Depth = 576 (not a power of two: addresses 576 to 1023 exist in the address bits).

TEST(RtlAssertions, RamRulesFire) {
  {
    AssertionLog log;
    Vern_ram_sva r;
    r.we_i = 1;
    r.waddr_i = 575;
    r.re_i = 1;
    r.raddr_i = 575;
    tick(r);
    EXPECT_THAT(log.labels(), IsEmpty());
  }
  {
    AssertionLog log;
    Vern_ram_sva r;
    r.we_i = 1;
    r.waddr_i = 576;
    tick(r);
    EXPECT_THAT(log.labels(), ElementsAre("RamWriteInRange"));
  }
  {
    AssertionLog log;
    Vern_ram_sva r;
    r.re_i = 1;
    r.raddr_i = 1023;
    tick(r);
    ASSERT_THAT(log.labels(), ElementsAre("RamReadInRange"));
    EXPECT_EQ(log.failures()[0].message, "read of entry 1023 of a RAM of 576 entries");
  }
}

// ---------------------------------------------------------------------------------------------
// Controller checker.

TEST(RtlAssertions, ControllerRulesFire) {
  // Each unit's command and busy inputs (the model's ports are references, not members to point at).
  using Lines = std::pair<uint8_t&, uint8_t&>;
  const std::vector<std::pair<std::string, std::function<Lines(Vern_controller_sva&)>>> units = {
      {"CtlReadCmdWhenIdle", [](Vern_controller_sva& m) { return Lines(m.rd_cmd_o, m.rd_busy_i); }},
      {"CtlWriteCmdWhenIdle", [](Vern_controller_sva& m) { return Lines(m.wr_cmd_o, m.wr_busy_i); }},
      {"CtlStartWhenIdle", [](Vern_controller_sva& m) { return Lines(m.eng_start_o, m.eng_busy_i); }}};
  for (const auto& [label, lines] : units) {
    AssertionLog log;
    Vern_controller_sva m;
    reset(m);
    auto [cmd, busy] = lines(m);
    cmd = 1;  // to an idle unit: fine
    tick(m);
    cmd = 0;
    busy = 1;  // busy, no command: fine
    tick(m);
    EXPECT_THAT(log.labels(), IsEmpty()) << label;
    cmd = 1;
    tick(m);
    EXPECT_THAT(log.labels(), ElementsAre(label));
  }
}

// ---------------------------------------------------------------------------------------------
// The checkers bound into the DMAs (tests/rtl/CMakeLists.txt): a memory that breaks the rules.

TEST(RtlAssertions, BoundIntoTheReadDmaTheyCatchDataWithoutARequest) {
  AssertionLog log;
  Vern_dma_rd dma;
  reset(dma);
  dma.r_valid_i = 1;  // no command, no burst
  dma.r_last_i = 1;
  tick(dma);
  ASSERT_THAT(log.labels(), ElementsAre("RdDataWithoutRequest"));
  EXPECT_EQ(log.failures()[0].scope, "ern_dma_rd");
  EXPECT_THAT(log.failures()[0].location, HasSubstr("ern_dma_rd_sva.sv:"));
}

TEST(RtlAssertions, BoundIntoTheReadDmaTheyCatchAnEarlyLastBeat) {
  AssertionLog log;
  Vern_dma_rd dma;
  reset(dma);
  // A descriptor fetch: its first burst has several beats on the 32-byte port.
  dma.cmd_i = 1;
  dma.cmd_fetch_i = 1;
  dma.cmd_addr_i = 0x400;
  dma.ar_ready_i = 1;
  tick(dma);
  dma.cmd_i = 0;
  int len = -1;
  for (int cycle = 0; cycle < 20 && len < 0; ++cycle) {
    dma.eval();
    if (dma.ar_valid_o) len = dma.ar_len_o;
    tick(dma);
  }
  ASSERT_GT(len, 0);
  dma.ar_ready_i = 0;
  dma.r_valid_i = 1;
  dma.r_last_i = 1;  // on the first beat of the first burst
  for (int cycle = 0; cycle < 20 && log.failures().empty(); ++cycle) tick(dma);
  EXPECT_THAT(log.labels(), ElementsAre("RdLastAtBurstEnd"));
}

TEST(RtlAssertions, BoundIntoTheWriteDmaTheyCatchAResponseWithoutARequest) {
  AssertionLog log;
  Vern_dma_wr dma;
  reset(dma);
  dma.b_valid_i = 1;
  tick(dma);
  ASSERT_THAT(log.labels(), ElementsAre("WrResponseWithoutRequest"));
  EXPECT_EQ(log.failures()[0].scope, "ern_dma_wr");
}

}  // namespace
}  // namespace ernsim
