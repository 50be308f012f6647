// Import of an ERN exported to ONNX by the official library (ern-semantics.md section 4) into the
// integer network. Batch norm and the 2-bit quantizer fold into integer thresholds (in float64),
// every Add becomes a residual add fused into the later conv, and the classifier becomes a
// per-class sum. Anything the importer does not understand is rejected with an Error naming the node.
#pragma once

#include <string>

#include "models/network.h"

namespace ernsim {

Network import_onnx(const std::string& path);
// The same from the bytes of a model file; `origin` names it in error messages.
Network import_onnx_bytes(const std::string& bytes, const std::string& origin);

}  // namespace ernsim
