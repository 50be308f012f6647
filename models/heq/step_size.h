// Weight quantization of HEQ (heq-semantics.md 1.1 and 1.2): the step size of eq. 3 from the
// weights' own quantiles, TWN's step as the baseline, and eq. 1's integer codes.
#pragma once

#include <vector>

namespace ernsim::heq {

// Quantile at probability p of the values, linear interpolation (numpy's and torch's default).
double quantile(std::vector<double> values, double p);

// Eq. 3: s = 4 * sum_{i=1..h} (|q_-i| + |q_i|) / (n-1)^2 with the n-1 equiprobable cut points;
// n in {3, 5, 7}. Throws Error on an empty tensor or another n.
double heq_step_size(const std::vector<double>& weights, int n);
// TWN: s = 2 * 0.7 * mean |w| (its threshold 0.7 mean|w| is s/2).
double twn_step_size(const std::vector<double>& weights);

// Eq. 1's code Clip(round_half_even(w / s), -(n-1)/2, (n-1)/2).
int weight_code(double w, double s, int n);

// Share of each code -(n-1)/2 .. (n-1)/2 among the weights quantized with step s.
std::vector<double> code_shares(const std::vector<double>& weights, double s, int n);

}  // namespace ernsim::heq
