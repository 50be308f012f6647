// The compiled half of the Python API (`import ernsim`; python/ernsim/__init__.py is the rest):
// golden inference on numpy arrays and the model zoo, in process. Errors are ernsim.Error with the
// command line's one-line message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "models/error.h"
#include "models/golden.h"
#include "models/model_spec.h"
#include "models/version.h"
#include "models/zoo.h"

namespace py = pybind11;

namespace ernsim {
namespace {

using Images = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>;

// numpy uint8 N x C x H x W images of the network's input, or `count` synthetic ones.
std::vector<ActTensor> images_for(const Network& net, const std::optional<Images>& images, int count, uint64_t seed) {
  const TensorInfo& in = net.tensor(net.input);
  if (!images) {
    if (count < 1 || count > 10000) fail("count {}: expected 1 to 10000", count);
    if (in.height != in.width) fail("synthetic images are square; {} needs images", net.name);
    return zoo_images(count, in.height, seed);
  }
  const py::buffer_info b = images->request();
  if (b.ndim != 4 || b.shape[1] != in.channels || b.shape[2] != in.height || b.shape[3] != in.width) {
    std::string shape;
    for (py::ssize_t d : b.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    fail("images must be uint8 N x {} x {} x {}, got shape ({})", in.channels, in.height, in.width, shape);
  }
  if (b.shape[0] < 1 || b.shape[0] > 10000) fail("{} images: expected 1 to 10000", b.shape[0]);
  std::vector<ActTensor> out;
  const auto* data = static_cast<const uint8_t*>(b.ptr);
  const size_t per_image = static_cast<size_t>(in.channels) * in.height * in.width;
  for (py::ssize_t i = 0; i < b.shape[0]; ++i) {
    out.push_back(tensor_from_chw<uint8_t>(data + i * per_image, in.channels, in.height, in.width));
  }
  return out;
}

py::array_t<float> infer(const std::string& model, const std::optional<Images>& images, std::optional<int> size,
                         uint64_t seed, int count) {
  const Network net = load_model_spec(model, size, seed, false, "model");
  const std::vector<ActTensor> inputs = images_for(net, images, count, seed);
  std::vector<std::vector<float>> logits;
  {
    py::gil_scoped_release release;  // long work; other Python threads may run
    for (const ActTensor& image : inputs) logits.push_back(run_golden(net, image).logits);
  }
  const size_t classes = logits.empty() ? 0 : logits[0].size();
  py::array_t<float> result({static_cast<py::ssize_t>(logits.size()), static_cast<py::ssize_t>(classes)});
  auto r = result.mutable_unchecked<2>();
  for (size_t i = 0; i < logits.size(); ++i) {
    for (size_t c = 0; c < classes; ++c) r(static_cast<py::ssize_t>(i), static_cast<py::ssize_t>(c)) = logits[i][c];
  }
  return result;
}

py::list zoo() {
  py::list models;
  for (const ZooModel& m : zoo_models()) {
    py::dict d;
    d["name"] = m.name;
    d["block"] = m.bottleneck ? "bottleneck" : "basic";
    d["blocks"] = std::vector<int>(m.blocks.begin(), m.blocks.end());
    d["paper_weight_mib"] = m.paper_weight_mib;
    d["paper_fps_256"] = m.paper_fps_256;
    d["paper_top1"] = m.paper_top1;
    models.append(d);
  }
  return models;
}

}  // namespace
}  // namespace ernsim

PYBIND11_MODULE(_ernsim, m) {
  m.doc() = "ernsim's golden model and zoo (the compiled half of the ernsim package)";
  py::register_exception<ernsim::Error>(m, "Error", PyExc_ValueError);
  m.attr("__version__") = ernsim::kVersion;
  m.attr("git_commit") = ernsim::kGitCommit;
  m.attr("binary") = ERNSIM_BINARY;
  m.def("infer", &ernsim::infer, py::arg("model"), py::arg("images") = py::none(), py::arg("size") = py::none(),
        py::arg("seed") = 1, py::arg("count") = 1,
        "Golden (bit-exact integer) inference: float32 logits, images x classes. `images`: uint8 N x 3 x H x W "
        "(default: `count` synthetic images).");
  m.def("zoo", &ernsim::zoo, "The ERN model zoo: a dict per model.");
}
