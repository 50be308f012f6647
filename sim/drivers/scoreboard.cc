#include "sim/drivers/scoreboard.h"

#include <fmt/format.h>

namespace ernsim {

template <typename T>
int64_t Scoreboard::compare_tensors(const std::string& layer, const std::string& tensor, const Tensor<T>& expected,
                                    const Tensor<T>& got) {
  if (!got.same_shape(expected.channels(), expected.height(), expected.width())) {
    errors_.push_back(fmt::format("{} {}: shape {}x{}x{}, expected {}x{}x{}", layer, tensor, got.channels(),
                                  got.height(), got.width(), expected.channels(), expected.height(), expected.width()));
    return 1;
  }
  int64_t n = 0;
  for (int y = 0; y < expected.height(); ++y) {
    for (int x = 0; x < expected.width(); ++x) {
      for (int c = 0; c < expected.channels(); ++c) {
        const T e = expected.at(c, y, x), g = got.at(c, y, x);
        if (e == g) continue;
        ++n;
        if (kept_.size() < keep_) kept_.push_back({layer, tensor, c, y, x, e, g});
      }
    }
  }
  count_ += n;
  compared_ += static_cast<int64_t>(expected.size());
  return n;
}

int64_t Scoreboard::compare(const std::string& layer, const std::string& tensor, const ActTensor& expected,
                            const ActTensor& got) {
  return compare_tensors(layer, tensor, expected, got);
}

int64_t Scoreboard::compare(const std::string& layer, const std::string& tensor, const IntTensor& expected,
                            const IntTensor& got) {
  return compare_tensors(layer, tensor, expected, got);
}

std::string Scoreboard::report() const {
  if (passed()) return "";
  std::string out;
  for (const std::string& e : errors_) out += "error: " + e + "\n";
  if (count_ > 0) {
    out += fmt::format("{} mismatches in {} compared elements; the first {}:\n", count_, compared_, kept_.size());
    out += fmt::format("  {:<28} {:<10} {:>7} {:>5} {:>5} {:>10} {:>10}\n", "layer", "tensor", "channel", "y", "x",
                       "expected", "got");
    for (const Mismatch& m : kept_) {
      out += fmt::format("  {:<28} {:<10} {:>7} {:>5} {:>5} {:>10} {:>10}\n", m.layer, m.tensor, m.channel, m.y, m.x,
                         m.expected, m.got);
    }
  }
  return out;
}

}  // namespace ernsim
