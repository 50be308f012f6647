// Clocking of the plain C++ Verilated models of the unit tests: one cycle, and a reset.
#pragma once

namespace ernsim {

template <class Model>
void tick(Model& m) {
  m.clk_i = 0;
  m.eval();
  m.clk_i = 1;
  m.eval();
}

template <class Model>
void reset(Model& m) {
  m.rst_ni = 0;
  tick(m);
  m.rst_ni = 1;
  tick(m);
}

}  // namespace ernsim
