// The CSV of `ernsim sweep`: every point of a design-space sweep, one row each.
#pragma once

#include <string>
#include <vector>

#include "sim/estimators/sweep.h"

namespace ernsim {

// A header and a row per point, in the order given. fits_device is 1 or 0 with a device (for a
// point that fits at all), empty without; a point that does not fit has its reason (csv_field).
std::string sweep_csv(const std::vector<const SweepPoint*>& points, bool with_device);

}  // namespace ernsim
