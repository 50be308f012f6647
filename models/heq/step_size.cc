#include "models/heq/step_size.h"

#include <algorithm>
#include <cmath>

#include "models/error.h"

namespace ernsim::heq {

namespace {
void check_levels(int n) {
  if (n != 3 && n != 5 && n != 7) fail("weight levels n = {} (expected 3, 5 or 7)", n);
}

double sorted_quantile(const std::vector<double>& sorted, double p) {
  const double pos = p * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}
}  // namespace

double quantile(std::vector<double> values, double p) {
  if (values.empty()) fail("quantile of an empty tensor");
  std::sort(values.begin(), values.end());
  return sorted_quantile(values, p);
}

double heq_step_size(const std::vector<double>& weights, int n) {
  check_levels(n);
  if (weights.empty()) fail("HEQ step size of an empty tensor");
  std::vector<double> sorted = weights;
  std::sort(sorted.begin(), sorted.end());
  const int h = (n - 1) / 2;
  auto cut = [&](int j) { return sorted_quantile(sorted, static_cast<double>(j) / n); };  // c_j
  double sum = 0;
  for (int i = 1; i <= h; ++i) sum += std::fabs(cut(h + 1 - i)) + std::fabs(cut(h + i));
  return 4 * sum / ((n - 1) * (n - 1));
}

double twn_step_size(const std::vector<double>& weights) {
  if (weights.empty()) fail("TWN step size of an empty tensor");
  double sum = 0;
  for (double w : weights) sum += std::fabs(w);
  return 2 * 0.7 * sum / static_cast<double>(weights.size());
}

int weight_code(double w, double s, int n) {
  const int h = (n - 1) / 2;
  return static_cast<int>(std::clamp(std::nearbyint(w / s), -static_cast<double>(h), static_cast<double>(h)));
}

std::vector<double> code_shares(const std::vector<double>& weights, double s, int n) {
  check_levels(n);
  const int h = (n - 1) / 2;
  std::vector<double> shares(n, 0.0);
  for (double w : weights) shares[weight_code(w, s, n) + h] += 1;
  for (double& x : shares) x /= std::max<size_t>(weights.size(), 1);
  return shares;
}

}  // namespace ernsim::heq
