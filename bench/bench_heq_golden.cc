// Golden inference speed of the HEQ zoo (heq-semantics.md section 3): the packed (bit-plane) path
// against the reference kernels on the same model and image, one thread, medians of the repeats.
// Times are the process's CPU time, which a machine shared with other jobs does not inflate.
//
//   build/bench/bench_heq_golden [PACKED_REPEATS] [REFERENCE_REPEATS] [SIZE_SCALE]
//   (defaults: 5 1 1: every model at its dataset's size, 32x32 or 96x96)
#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "models/heq/golden.h"
#include "models/heq/zoo.h"
#include "models/zoo.h"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double time_ms(const ernsim::heq::Network& net, const ernsim::ActTensor& image, ernsim::KernelPath path, int repeats,
               std::vector<float>& logits) {
  ernsim::GoldenOptions options;
  options.path = path;
  options.keep_tensors = false;
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const std::clock_t start = std::clock();
    logits = ernsim::heq::run_golden(net, image, options).logits;
    ms.push_back(1e3 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC);
  }
  return median(ms);
}

}  // namespace

int main(int argc, char** argv) {
  const int packed_repeats = argc > 1 ? std::atoi(argv[1]) : 5;
  const int reference_repeats = argc > 2 ? std::atoi(argv[2]) : 1;
  const int scale = argc > 3 ? std::atoi(argv[3]) : 1;
  if (packed_repeats < 1 || packed_repeats > 1000 || reference_repeats < 1 || reference_repeats > 1000 || scale < 1 ||
      scale > 16) {
    fmt::print(stderr,
               "usage: bench_heq_golden [PACKED_REPEATS 1..1000] [REFERENCE_REPEATS 1..1000] [SIZE_SCALE 1..16]\n");
    return 2;
  }
  fmt::print("{:<13} {:>7} {:>8} {:>11} {:>9} {:>13} {:>9} {:>8}\n", "model", "input", "GMAC", "packed ms", "GMAC/s",
             "reference ms", "GMAC/s", "speed-up");
  for (const ernsim::heq::ZooModel& m : ernsim::heq::zoo_models()) {
    const int size = m.default_size * scale;
    const ernsim::heq::Network net = ernsim::heq::build_zoo_network(m, size);
    const ernsim::ActTensor image = ernsim::zoo_images(1, size, 1).front();
    std::vector<float> packed_logits, reference_logits;
    const double packed = time_ms(net, image, ernsim::KernelPath::kPacked, packed_repeats, packed_logits);
    const double reference = time_ms(net, image, ernsim::KernelPath::kReference, reference_repeats, reference_logits);
    if (packed_logits != reference_logits) {
      fmt::print(stderr, "error: {}: the packed and reference paths disagree\n", m.name);
      return 1;
    }
    const double gmac = net.macs() / 1e9;
    fmt::print("{:<13} {:>7} {:>8.3f} {:>11.1f} {:>9.2f} {:>13.1f} {:>9.2f} {:>7.1f}x\n", m.name,
               fmt::format("{}x{}", size, size), gmac, packed, gmac / packed * 1e3, reference, gmac / reference * 1e3,
               reference / packed);
  }
  return 0;
}
