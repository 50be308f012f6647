// Encodings of the engine's buffer entries (docs/rtl.md), shared by the layer-mode driver, which
// writes them through the debug port, and the program compiler, which lays them out in memory.
#pragma once

#include <cstdint>
#include <vector>

#include "models/network.h"
#include "sim/hw_config.h"

namespace ernsim {

// Sets `width` bits at `lsb` of a little-endian vector of 64-bit words.
void put_bits(std::vector<uint64_t>& words, int lsb, int width, uint64_t value);
uint64_t get_bits(const uint64_t* words, int lsb, int width);
int64_t sign_extend(uint64_t value, int width);
uint64_t to_twos(int64_t value, int width);
bool fits_signed(int64_t value, int width);

// Thresholds of output-channel group og: channels past the layer's get a constant 0, so that the
// lanes they fill in 64-lane words read as zero activations.
std::vector<uint64_t> threshold_entry(const HwConfig& config, const std::vector<Quantizer>& quantizers, int og);
// The weight entry of group og at tap t and input block b: one 64-bit word per channel.
std::vector<uint64_t> weight_entry(const HwConfig& config, const BinaryWeights& weights, int og, int tap, int block);
// The weight entry of group og at row ky and word column kx of the conv that reads pixel pairs
// (3x2 words per tap row).
std::vector<uint64_t> paired_weight_entry(const HwConfig& config, const BinaryWeights& weights, int og, int ky, int kx);

}  // namespace ernsim
