// Golden inference speed: the packed fast path against the reference kernels on the same model and
// image, in one run and one thread, so that their ratio is robust to the machine's speed.
//
//   build/bench/bench_golden [MODEL] [SIZE] [PACKED_REPEATS] [REFERENCE_REPEATS]
//   (defaults: ERNs18 256 15 3)
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "models/golden.h"
#include "models/kernels/packed_kernels.h"
#include "models/zoo.h"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// CPU milliseconds of each of `repeats` inferences of one image (one thread: CPU time is the
// inference's own, whatever else shares the machine).
std::vector<double> time_inference(const ernsim::Network& net, const ernsim::ActTensor& image, ernsim::KernelPath path,
                                   int repeats, std::vector<int32_t>& sums) {
  ernsim::GoldenOptions options;
  options.path = path;
  options.keep_tensors = false;
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const std::clock_t start = std::clock();
    sums = ernsim::run_golden(net, image, options).class_sums;
    ms.push_back(1e3 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC);
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string model = argc > 1 ? argv[1] : "ERNs18";
  const int size = argc > 2 ? std::atoi(argv[2]) : 256;
  const int packed_repeats = argc > 3 ? std::atoi(argv[3]) : 15;
  const int reference_repeats = argc > 4 ? std::atoi(argv[4]) : 3;
  try {
    const ernsim::Network net = ernsim::build_zoo_network(ernsim::find_zoo_model(model), size);
    const ernsim::ActTensor image = ernsim::zoo_images(1, size, 1).front();
    fmt::print("golden inference of {} at {}x{}, one image, one thread, CPU time ({:.3f} GMAC; packed conv: {})\n",
               net.name, size, size, net.macs() / 1e9, ernsim::to_string(ernsim::packed_conv_isa()));
    const ernsim::PackedIsa best = ernsim::packed_conv_isa();
    std::vector<int32_t> packed_sums, scalar_sums, reference_sums;
    time_inference(net, image, ernsim::KernelPath::kPacked, 2, packed_sums);  // warm-up
    const double packed = median(time_inference(net, image, ernsim::KernelPath::kPacked, packed_repeats, packed_sums));
    // The portable path, for machines without AVX-512.
    ernsim::set_packed_conv_isa(ernsim::PackedIsa::kScalar);
    const double scalar = median(time_inference(net, image, ernsim::KernelPath::kPacked, packed_repeats, scalar_sums));
    ernsim::set_packed_conv_isa(best);
    const double reference =
        median(time_inference(net, image, ernsim::KernelPath::kReference, reference_repeats, reference_sums));
    if (packed_sums != reference_sums || scalar_sums != reference_sums) {
      fmt::print(stderr, "error: the packed and reference paths disagree\n");
      return 1;
    }
    auto row = [&](const std::string& path, double ms, int repeats) {
      fmt::print("{:<16} {:>10.1f} {:>9.2f} {:>9}\n", path, ms, net.macs() / ms / 1e6, repeats);
    };
    fmt::print("{:<16} {:>10} {:>9} {:>9}\n", "path", "ms/image", "GMAC/s", "repeats");
    row(fmt::format("packed ({})", ernsim::to_string(best)), packed, packed_repeats);
    if (best != ernsim::PackedIsa::kScalar) row("packed (scalar)", scalar, packed_repeats);
    row("reference", reference, reference_repeats);
    fmt::print("packed is {:.1f}x faster than reference (medians); the scalar packed path {:.1f}x\n",
               reference / packed, reference / scalar);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  return 0;
}
