#include "models/kernels/packed.h"

namespace ernsim {

PackedAct pack(const ActTensor& act) {
  PackedAct packed(act.channels(), act.height(), act.width());
  for (int y = 0; y < act.height(); ++y) {
    for (int x = 0; x < act.width(); ++x) {
      const uint8_t* q = act.pixel(y, x);
      uint64_t* words = packed.pixel(y, x);
      for (int c = 0; c < act.channels(); ++c) {
        const uint64_t bit = uint64_t{1} << (c % kLanes);
        if (q[c] & 1) words[2 * (c / kLanes)] |= bit;
        if (q[c] & 2) words[2 * (c / kLanes) + 1] |= bit;
      }
    }
  }
  return packed;
}

ActTensor unpack(const PackedAct& packed) {
  ActTensor act(packed.channels(), packed.height(), packed.width());
  for (int y = 0; y < packed.height(); ++y) {
    for (int x = 0; x < packed.width(); ++x) {
      const uint64_t* words = packed.pixel(y, x);
      uint8_t* q = act.pixel(y, x);
      for (int c = 0; c < packed.channels(); ++c) {
        const int lane = c % kLanes;
        q[c] = static_cast<uint8_t>(((words[2 * (c / kLanes)] >> lane) & 1) |
                                    (((words[2 * (c / kLanes) + 1] >> lane) & 1) << 1));
      }
    }
  }
  return act;
}

}  // namespace ernsim
