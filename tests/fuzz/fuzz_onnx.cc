// libFuzzer target: the ONNX importers on arbitrary bytes (the QONNX importer for graphs with a
// QONNX Quant node, the ERN importer for the others). Rejection with an ernsim::Error is the
// expected outcome for almost every input; a crash, sanitizer report, hang or runaway allocation is
// a bug. A model that imports is also run through its golden model, which exercises the folded
// thresholds and scales the importer produced.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/error.h"
#include "models/golden.h"
#include "models/heq/golden.h"
#include "models/heq/qonnx_import.h"
#include "models/onnx_import.h"

namespace {

template <typename Net>
ernsim::ActTensor fuzz_image(const Net& net) {
  ernsim::ActTensor image(net.tensor(net.input).channels, net.input_height(), net.input_width());
  for (size_t i = 0; i < image.size(); ++i) image.data()[i] = static_cast<uint8_t>(i * 131);
  return image;
}

template <typename Net>
bool small(const Net& net) {
  return int64_t{net.input_height()} * net.input_width() <= 64 * 64 && net.layers.size() <= 64 &&
         net.macs() <= 50000000;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    if (ernsim::heq::is_qonnx_bytes(bytes)) {
      const ernsim::heq::Network net = ernsim::heq::import_qonnx_bytes(bytes, "fuzz.onnx");
      if (small(net)) ernsim::heq::run_golden(net, fuzz_image(net));
    } else {
      const ernsim::Network net = ernsim::import_onnx_bytes(bytes, "fuzz.onnx");
      if (small(net)) ernsim::run_golden(net, fuzz_image(net));
    }
  } catch (const ernsim::Error&) {
  }
  return 0;
}
