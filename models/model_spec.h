// A model named as the user names it, for the command line and the Python API alike:
// "FILE.onnx", "zoo:NAME" (at `size`, default 256), "random:SEED" or "overflow:SEED".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/network.h"

namespace ernsim {

constexpr int kDefaultZooSize = 256;

// `seed` seeds zoo weights. `structure_only`: what estimators need (zoo models without weights and
// calibration). `size` with an ONNX file must match its fixed input size. Errors name `option`.
Network load_model_spec(const std::string& spec, std::optional<int> size, uint64_t seed, bool structure_only,
                        const std::string& option = "--model");

}  // namespace ernsim
