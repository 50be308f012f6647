// The accelerator's memory (DRAM) as bytes: the host driver writes the model, the program and the
// image into it and reads results back; the SystemC memory model serves the accelerator's port
// from it. Every access is range-checked.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "models/error.h"

namespace ernsim {

class Memory {
 public:
  explicit Memory(uint64_t bytes = 0) : bytes_(bytes, 0) {}

  uint64_t size() const { return bytes_.size(); }
  void resize(uint64_t bytes) { bytes_.assign(bytes, 0); }

  void write(uint64_t addr, const void* data, uint64_t n) {
    check(addr, n, "write");
    std::memcpy(&bytes_[addr], data, n);
  }
  void read(uint64_t addr, void* data, uint64_t n) const {
    check(addr, n, "read");
    std::memcpy(data, &bytes_[addr], n);
  }
  uint8_t* at(uint64_t addr, uint64_t n) {
    check(addr, n, "access");
    return &bytes_[addr];
  }
  const uint8_t* at(uint64_t addr, uint64_t n) const {
    check(addr, n, "access");
    return &bytes_[addr];
  }

 private:
  void check(uint64_t addr, uint64_t n, const char* what) const {
    if (addr + n > bytes_.size() || addr + n < addr) {
      fail("memory {} of {} bytes at {:#x} is outside the {} bytes of memory", what, n, addr, bytes_.size());
    }
  }

  std::vector<uint8_t> bytes_;
};

// The memory system: sustained bytes per cycle (shared by reads and writes) and the latency from
// a request to its first beat (reads) or to its response (writes).
struct MemoryTiming {
  double bytes_per_cycle = 32;
  uint32_t latency_cycles = 100;
};

// The memory systems ernsim models. The latency model steps through memory waits cycle by cycle:
// slower memory (below 1 byte per cycle, beyond 10,000 cycles of latency) makes an estimate take
// minutes to hours (docs/verification.md, "Input limits"); beyond 4096 bytes per cycle the port is
// the limit anyway.
constexpr double kMinBytesPerCycle = 1;
constexpr double kMaxBytesPerCycle = 4096;
constexpr uint32_t kMaxLatencyCycles = 10000;

}  // namespace ernsim
