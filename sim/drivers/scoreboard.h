// Compares what the RTL produced with the golden model, element by element, and keeps every
// mismatch count and the first ones in full (layer, tensor, channel, y, x, expected, got).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/tensor.h"

namespace ernsim {

struct Mismatch {
  std::string layer;
  std::string tensor;
  int channel = 0;
  int y = 0;
  int x = 0;
  int64_t expected = 0;
  int64_t got = 0;
};

class Scoreboard {
 public:
  explicit Scoreboard(size_t keep = 20) : keep_(keep) {}

  // Returns the number of mismatching elements of this comparison.
  int64_t compare(const std::string& layer, const std::string& tensor, const ActTensor& expected, const ActTensor& got);
  int64_t compare(const std::string& layer, const std::string& tensor, const IntTensor& expected, const IntTensor& got);
  // A problem that is not an element mismatch (e.g. a stream value overflowing its width).
  void add_error(const std::string& message) { errors_.push_back(message); }

  int64_t mismatches() const { return count_; }
  int64_t compared() const { return compared_; }
  const std::vector<Mismatch>& first_mismatches() const { return kept_; }
  const std::vector<std::string>& errors() const { return errors_; }
  bool passed() const { return count_ == 0 && errors_.empty(); }
  // "N mismatches in M compared elements" and the first ones, one per line; empty when passed.
  std::string report() const;

 private:
  template <typename T>
  int64_t compare_tensors(const std::string& layer, const std::string& tensor, const Tensor<T>& expected,
                          const Tensor<T>& got);

  size_t keep_;
  int64_t count_ = 0;
  int64_t compared_ = 0;
  std::vector<Mismatch> kept_;
  std::vector<std::string> errors_;
};

}  // namespace ernsim
