#include "models/model_spec.h"

#include "models/error.h"
#include "models/heq/qonnx_import.h"
#include "models/heq/zoo.h"
#include "models/onnx_import.h"
#include "models/zoo.h"

namespace ernsim {

Network load_model_spec(const std::string& spec, std::optional<int> size, uint64_t seed, bool structure_only,
                        const std::string& option) {
  // HEQ networks run in the golden model only (infer, info); the accelerator's HEQ mode is to come.
  if ((spec.rfind("zoo:", 0) == 0 && heq::find_zoo_model(spec.substr(4))) || heq::is_qonnx_file(spec)) {
    fail("{} {}: an HEQ network; only `ernsim infer` and `ernsim info` run HEQ networks so far", option, spec);
  }
  if (spec.rfind("zoo:", 0) == 0) {
    return build_zoo_network(find_zoo_model(spec.substr(4)), size.value_or(kDefaultZooSize), seed, 1000,
                             structure_only ? ZooDetail::kStructure : ZooDetail::kCalibrated);
  }
  for (const std::string prefix : {"random:", "overflow:"}) {
    if (spec.rfind(prefix, 0) != 0) continue;
    const std::string number = spec.substr(prefix.size());
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 19) {
      fail("{} {}: expected {}SEED with a decimal seed", option, spec, prefix);
    }
    if (size) fail("--size: a {} network has its own input size", prefix.substr(0, prefix.size() - 1));
    const uint64_t network_seed = std::stoull(number);
    return prefix == "random:" ? make_random_network(network_seed).net : make_overflow_network(network_seed).net;
  }
  Network net = import_onnx(spec);
  if (size && (*size != net.input_height() || *size != net.input_width())) {
    fail("--size {}: {} has a fixed {}x{} input", *size, spec, net.input_height(), net.input_width());
  }
  return net;
}

}  // namespace ernsim
