#include "tools/cli/heq_model.h"

#include "models/error.h"
#include "models/heq/qonnx_import.h"
#include "models/heq/zoo.h"

namespace ernsim::cli {

namespace {
const heq::ZooModel* zoo_model(const std::string& spec) {
  return spec.rfind("zoo:", 0) == 0 ? heq::find_zoo_model(spec.substr(4)) : nullptr;
}
}  // namespace

bool is_heq_model(const po::variables_map& vm) {
  const std::string spec = vm["model"].as<std::string>();
  if (spec.rfind("zoo:", 0) == 0) return zoo_model(spec) != nullptr;
  if (spec.rfind("random:", 0) == 0) return false;
  return heq::is_qonnx_file(spec);
}

heq::Network load_heq_model(const po::variables_map& vm) {
  const std::string spec = vm["model"].as<std::string>();
  if (const heq::ZooModel* model = zoo_model(spec)) {
    const int size = vm.count("size") ? static_cast<int>(uint_option(vm, "size", kSizeRange)) : model->default_size;
    return heq::build_zoo_network(*model, size, uint_option(vm, "seed", kSeedRange));
  }
  heq::Network net = heq::import_qonnx(spec);
  if (vm.count("size")) {
    const int size = static_cast<int>(uint_option(vm, "size", kSizeRange));
    if (size != net.input_height() || size != net.input_width()) {
      fail("--size {}: {} has a fixed {}x{} input", size, spec, net.input_height(), net.input_width());
    }
  }
  return net;
}

std::vector<ActTensor> load_heq_images(const po::variables_map& vm, const heq::Network& net) {
  const heq::TensorInfo& in = net.tensor(net.input);
  return load_images(vm, net.name, in.channels, in.height, in.width);
}

}  // namespace ernsim::cli
