#include "sim/testbench/sc_testbench.h"

#include <systemc.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>

#include "models/error.h"
#include "sim/process.h"

namespace ernsim {

// Generated per build (engine_registry.cc): runs the testbench of the named configuration's model.
bool run_registered_engine(const std::string& config, const SimOptions& options, Memory& memory,
                           const MemoryTiming& timing, const std::function<void(SimPorts&)>& body);

namespace {

std::function<int()> g_sc_body;
bool g_elaborated = false;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void parse_trace_window(const std::string& text, SimOptions& options) {
  const size_t colon = text.find(':');
  auto number = [&](const std::string& part, uint64_t fallback) -> uint64_t {
    if (part.empty()) return fallback;
    if (part.find_first_not_of("0123456789") != std::string::npos || part.size() > 18) {
      fail("--trace-window {}: expected A:B with cycle numbers", text);
    }
    return std::stoull(part);
  };
  if (colon == std::string::npos) fail("--trace-window {}: expected A:B (cycles, B exclusive)", text);
  options.trace_from = number(text.substr(0, colon), 0);
  options.trace_to = number(text.substr(colon + 1), std::numeric_limits<uint64_t>::max());
  if (options.trace_to <= options.trace_from) fail("--trace-window {}: the window is empty", text);
}

uint64_t clock_period_ps(double clock_mhz) {
  // Above 100 GHz the rounding to picoseconds would be more than 5%; no accelerator runs below 1 MHz.
  if (!(clock_mhz >= 1) || clock_mhz > 1e5) fail("clock of {} MHz: the testbench takes 1 to 100000 MHz", clock_mhz);
  return static_cast<uint64_t>(std::llround(1e6 / clock_mhz));
}

const CompiledEngine& matching_engine(const HwConfig& config) {
  static const std::vector<CompiledEngine> engines = compiled_engines();
  const CompiledEngine* closest = nullptr;
  std::string closest_difference;
  size_t closest_count = SIZE_MAX;
  for (const CompiledEngine& e : engines) {
    if (e.rtl == config.rtl) return e;
    std::string difference;
    size_t count = 0;
    for (const auto& [key, value] : config.rtl) {
      const auto it = e.rtl.find(key);
      if (it != e.rtl.end() && it->second == value) continue;
      ++count;
      difference += fmt::format("{}{} = {} there, {} here", difference.empty() ? "" : ", ", key,
                                it == e.rtl.end() ? std::string("absent") : std::to_string(it->second), value);
    }
    if (count < closest_count) {
      closest = &e;
      closest_count = count;
      closest_difference = difference;
    }
  }
  if (!closest) fail("configuration {}: this ernsim has no compiled RTL", config.name);
  fail("configuration {}: no RTL compiled into this ernsim has its parameters (closest: {}, where {}); "
       "add it to configs/ and rebuild",
       config.name, closest->name, closest_difference);
}

void run_sc_engine(const HwConfig& config, const SimOptions& options, const std::function<void(EnginePort&)>& body) {
  Memory no_memory;
  run_sc_sim(config, options, no_memory, [&](SimPorts& ports) { body(ports); });
}

void run_sc_sim(const HwConfig& config, const SimOptions& options, Memory& memory,
                const std::function<void(SimPorts&)>& body) {
  if (g_elaborated) fail("the SystemC testbench can be elaborated once per process");
  const CompiledEngine& engine = matching_engine(config);
  SimOptions sim_options = options;
  const bool vcd = ends_with(options.trace_path, ".vcd");
  if (!options.trace_path.empty()) {
    const std::filesystem::path parent = std::filesystem::path(options.trace_path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent)) {
      fail("--trace {}: directory {} does not exist", options.trace_path, parent.string());
    }
    // The FST writer fails silently, so a directory the user may not write is found here, before the run.
    const std::string directory = parent.empty() ? "." : parent.string();
    if (access(directory.c_str(), W_OK | X_OK) != 0) {
      fail("--trace {}: cannot create a file in {}: {}", options.trace_path, directory, std::strerror(errno));
    }
    // One trace format per Verilated model: VCD is converted from FST afterwards.
    if (vcd) sim_options.trace_path = options.trace_path + ".tmp.fst";
  }
  clock_period_ps(options.clock_mhz);  // checked before elaborating
  g_elaborated = true;
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  std::exception_ptr error;
  g_sc_body = [&]() {
    try {
      run_registered_engine(engine.name, sim_options, memory, config.memory, body);
    } catch (...) {
      error = std::current_exception();
    }
    return 0;
  };
  // The kernel's own notes ("simulation stopped by user") are not the user's business.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  char arg0[] = "ernsim";
  char* argv[] = {arg0, nullptr};
  sc_core::sc_elab_and_sim(1, argv);
  g_sc_body = nullptr;
  // A trace request that recorded nothing is not a trace: a window past the end, a layer never
  // computed, or a file that could not be created.
  if (!options.trace_path.empty() && !error && !std::filesystem::exists(sim_options.trace_path)) {
    fail("--trace {}: nothing was recorded (the trace window or layer lies outside the run, or the file could not "
         "be created)",
         options.trace_path);
  }
  // The trace of a failed run is the one most wanted: convert it before reporting the failure.
  if (vcd && std::filesystem::exists(sim_options.trace_path)) {
    const int status = run_program({"fst2vcd", "-f", sim_options.trace_path, "-o", options.trace_path}, true);
    std::remove(sim_options.trace_path.c_str());
    if (status == 127 && !error)
      fail("--trace {}: cannot run fst2vcd to convert FST to VCD (is gtkwave installed?)", options.trace_path);
    if (status != 0 && !error)
      fail("--trace {}: fst2vcd failed to convert FST to VCD (exit status {})", options.trace_path, status);
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace ernsim

// SystemC's library provides main() and calls sc_main; ernsim has its own main and enters SystemC
// through sc_elab_and_sim, which lands here.
int sc_main(int, char**) { return ernsim::g_sc_body ? ernsim::g_sc_body() : 1; }
