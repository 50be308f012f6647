// HEQ networks (heq-semantics.md) in the commands that run models: `--model zoo:VGG-11` and the
// other HEQ zoo names, and ONNX files in the QONNX form. ERN models keep their own path.
#pragma once

#include <string>
#include <vector>

#include "models/heq/golden.h"
#include "models/heq/network.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

// Whether --model names an HEQ network (an HEQ zoo model or a QONNX file).
bool is_heq_model(const po::variables_map& vm);

// The HEQ zoo model (at --size, default its dataset's size) or the imported QONNX file.
heq::Network load_heq_model(const po::variables_map& vm);

std::vector<ActTensor> load_heq_images(const po::variables_map& vm, const heq::Network& net);

}  // namespace ernsim::cli
