// Running the items of a suite: each as a child ernsim process (so that a crash, a hang or SystemC's
// one-elaboration-per-process rule affects one item only), J at a time, each judged from its exit
// status and report. Runs inside the ernsim executable, which it starts again for every item.
#pragma once

#include <string>
#include <vector>

#include "sim/regress/item.h"

namespace ernsim {

// Runs the items that are not skipped, `jobs` child processes at a time, each stopped after
// `timeout` seconds; prints a progress bar and every failure as it happens. Returns the wall time
// in seconds. Ctrl-C stops the children and fails.
double run_items(std::vector<Item>& items, int jobs, double timeout);

// Reruns failure `f` of `item` with everything saved in `dir`: inputs, report, and a waveform of the
// first mismatching layer, with a README.txt of what ran.
void keep_failure(const std::string& dir, const Item& item, const Failure& f);

}  // namespace ernsim
