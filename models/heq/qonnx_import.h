// Import of HEQ and FINN/Brevitas-style networks from ONNX in the QONNX dialect
// (heq-semantics.md section 4) into the integer HEQ network: Quant nodes on weights become integer
// codes, batch norm + activation Quant fold into integer thresholds (float64), Add + binary Quant
// become OR skips, the thresholded global average pool and Mul become MUX-OR gates, and the
// classifier becomes integer sums with a host-side scale and bias. Every assumption is checked;
// anything else is refused with one line naming the node and what is unsupported.
#pragma once

#include <string>

#include "models/heq/network.h"

namespace ernsim::heq {

Network import_qonnx(const std::string& path);
// The same from the bytes of a model file; `origin` names it in error messages.
Network import_qonnx_bytes(const std::string& bytes, const std::string& origin);

// Whether the file is an ONNX model with a QONNX (or FINN) Quant node. False for anything that is
// not a readable ONNX model: the ERN importer then reports what is wrong with it.
bool is_qonnx_file(const std::string& path);
bool is_qonnx_bytes(const std::string& bytes);

}  // namespace ernsim::heq
