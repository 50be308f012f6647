// What the driver needs from a simulated layer engine, whatever runs it: the SystemC testbench
// (sc_testbench.h) or the plain C++ Verilator harness of the benchmark (cc_harness.h). Every call takes
// simulated cycles on the engine's host port; none is a backdoor.
#pragma once

#include <cstdint>
#include <string>

#include "hw_spec.h"  // EngineBuffer: generated from rtl/ern_hw_spec.json

namespace ernsim {

struct JobStatus {
  uint64_t cycles = 0;     // from the start pulse to the done pulse
  uint32_t overflows = 0;  // stream values that did not fit the stream width
  bool tile_error = false;
};

class EnginePort {
 public:
  virtual ~EnginePort() = default;
  // One 64-bit word of a buffer entry; one cycle each.
  virtual void write(EngineBuffer buffer, int bank, uint32_t entry, int word, uint64_t data) = 0;
  // `count` consecutive entries from `first`, `words` words each, into out[entry * words + word];
  // pipelined, one word per cycle.
  virtual void read(EngineBuffer buffer, int bank, uint32_t first, int count, int words, uint64_t* out) = 0;
  // Starts the job whose descriptor is loaded and waits for it to finish (under the watchdog).
  virtual JobStatus run_job() = 0;
  // Cycles simulated so far.
  virtual uint64_t cycle() const = 0;
  // Holds the engine's sequencer (no steps issue while held).
  virtual void set_hold(bool hold) = 0;
};

// Names of the engine's sequencer states (state_o), for diagnoses.
inline const char* engine_state_name(uint32_t state) { return name(static_cast<EngineState>(state)); }

}  // namespace ernsim
