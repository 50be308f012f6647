#include "sim/compiler/buffer_entries.h"

#include <algorithm>

#include "hw_spec.h"

namespace ernsim {

void put_bits(std::vector<uint64_t>& words, int lsb, int width, uint64_t value) {
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    const uint64_t mask = uint64_t{1} << (bit % 64);
    if ((value >> i) & 1) {
      words[bit / 64] |= mask;
    } else {
      words[bit / 64] &= ~mask;
    }
  }
}

uint64_t get_bits(const uint64_t* words, int lsb, int width) {
  uint64_t value = 0;
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    value |= ((words[bit / 64] >> (bit % 64)) & 1) << i;
  }
  return value;
}

int64_t sign_extend(uint64_t value, int width) {
  const uint64_t sign = uint64_t{1} << (width - 1);
  return static_cast<int64_t>((value ^ sign) - sign);
}

uint64_t to_twos(int64_t value, int width) {
  return static_cast<uint64_t>(value) & ((width == 64) ? ~uint64_t{0} : ((uint64_t{1} << width) - 1));
}

bool fits_signed(int64_t value, int width) {
  return value >= -(int64_t{1} << (width - 1)) && value < (int64_t{1} << (width - 1));
}

std::vector<uint64_t> weight_entry(const HwConfig& cfg, const BinaryWeights& w, int og, int tap, int block) {
  std::vector<uint64_t> entry(static_cast<size_t>(cfg.pe_out));
  for (int o = 0; o < cfg.pe_out; ++o) {
    const int channel = og * cfg.pe_out + o;
    entry[o] = channel < w.out_channels() ? w.word(channel, tap, block) : 0;
  }
  return entry;
}

namespace {

// The golden model's quantizer mode as the RTL's threshold-entry encoding (rtl/ern_hw_spec.json).
ThresholdMode threshold_mode(ActMode mode) {
  switch (mode) {
    case ActMode::kIncreasing: return ThresholdMode::kIncreasing;
    case ActMode::kDecreasing: return ThresholdMode::kDecreasing;
    case ActMode::kConstant: return ThresholdMode::kConstant;
  }
  return ThresholdMode::kConstant;
}

}  // namespace

std::vector<uint64_t> threshold_entry(const HwConfig& cfg, const std::vector<Quantizer>& quantizers, int og) {
  const int tw = cfg.thr_width();
  const int entry_bits = cfg.thr_entry_bits();
  // |acc + residual| < 2^(value_width - 1), so clamping a threshold to +/- 2^(value_width - 1)
  // changes no comparison and keeps it in the threshold width.
  const int64_t limit = int64_t{1} << (cfg.value_width() - 1);
  std::vector<uint64_t> words(static_cast<size_t>(HwConfig::words(cfg.pe_out * entry_bits)), 0);
  for (int o = 0; o < cfg.pe_out; ++o) {
    const size_t channel = static_cast<size_t>(og * cfg.pe_out + o);
    const Quantizer q = channel < quantizers.size() ? quantizers[channel] : Quantizer{ActMode::kConstant, {0, 0, 0}, 0};
    const int lsb = o * entry_bits;
    put_bits(words, lsb, 2, static_cast<uint64_t>(threshold_mode(q.mode)));
    for (int m = 0; m < 3; ++m) {
      const int64_t t =
          q.mode == ActMode::kConstant ? (m == 0 ? q.level : 0) : std::clamp<int64_t>(q.threshold[m], -limit, limit);
      put_bits(words, lsb + 2 + m * tw, tw, to_twos(t, tw));
    }
  }
  return words;
}

std::vector<uint64_t> paired_weight_entry(const HwConfig& cfg, const BinaryWeights& w, int og, int ky, int kx) {
  // Word column kx = 0 holds pixels (2x - 1, 2x): taps 0 and 1; column 1 holds 2x + 1 (tap 2) in
  // its lower half, and its upper half is masked by the engine.
  std::vector<uint64_t> entry(static_cast<size_t>(cfg.pe_out), 0);
  const int half = hw_spec::kLanes / 2;
  for (int o = 0; o < cfg.pe_out; ++o) {
    const int channel = og * cfg.pe_out + o;
    if (channel >= w.out_channels()) continue;
    for (int i = 0; i < w.in_channels(); ++i) {
      const uint64_t lower = w.sign(channel, i, ky, kx == 0 ? 0 : 2) > 0;
      entry[o] |= lower << i;
      if (kx == 0) entry[o] |= static_cast<uint64_t>(w.sign(channel, i, ky, 1) > 0) << (half + i);
    }
  }
  return entry;
}

}  // namespace ernsim
