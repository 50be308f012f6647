// libFuzzer target: the ONNX importer on arbitrary bytes. Rejection with an ernsim::Error is the
// expected outcome for almost every input; a crash, sanitizer report, hang or runaway allocation is
// a bug. A model that imports is also run through the golden model, which exercises the folded
// thresholds and scales the importer produced.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/error.h"
#include "models/golden.h"
#include "models/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const ernsim::Network net =
        ernsim::import_onnx_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx");
    if (net.input_height() * net.input_width() <= 64 * 64 && net.layers.size() <= 64) {
      ernsim::ActTensor image(3, net.input_height(), net.input_width());
      for (size_t i = 0; i < image.size(); ++i) image.data()[i] = static_cast<uint8_t>(i * 131);
      ernsim::run_golden(net, image);
    }
  } catch (const ernsim::Error&) {
  }
  return 0;
}
