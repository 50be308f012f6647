// FPGA devices (devices/*.json): the resource budget a configuration must fit and the family that
// selects how Yosys maps it (synth_xilinx's 7-series default, or UltraScale+ with UltraRAM).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/estimators/resource_model.h"

namespace ernsim {

struct Device {
  std::string name;
  std::string description;
  std::string part;  // the Xilinx part, as its data sheet names it
  std::string path;
  DeviceFamily family = DeviceFamily::kSeries7;
  Resources budget;  // LUT, FF, BRAM18 (a RAMB36 counts two), URAM288, DSP
};

// A device by name (devices/NAME.json) or by path to a JSON file. Strict like a configuration: an
// unknown key, a wrong type or a value out of range is an Error naming the key (and the closest
// valid key for an unknown one).
Device load_device(const std::string& name_or_path);
Device device_from_json(const nlohmann::json& j, const std::string& origin);

// Names of the devices in devices/, sorted.
std::vector<std::string> device_names();

// "xc7" or "xcup", as devices/*.json and tools/synth.py --family spell them.
std::string family_name(DeviceFamily family);

// One resource's use on a device.
struct ResourceUse {
  std::string resource;  // "LUT", "FF", "BRAM18", "URAM", "DSP"
  double used = 0, available = 0;
  bool fits() const { return used <= available; }
  double percent() const;  // of the device (0 when the device has none and none is used)
};

// Every resource's use, in the order above; the design fits when each one does.
std::vector<ResourceUse> device_use(const Resources& used, const Device& device);
bool fits(const std::vector<ResourceUse>& use);

// The table `estimate` and `synth` print: a line per resource, count, available and percentage,
// "over" for those that do not fit, then whether the design fits, and `note` in parentheses
// (where the counts come from) unless it is empty.
std::string device_use_table(const std::vector<ResourceUse>& use, const Device& device, const std::string& note = "");

// {"device", "part", "fits", "resources": [{"resource", "used", "available", "percent", "fits"}]}
nlohmann::json device_use_json(const std::vector<ResourceUse>& use, const Device& device);

}  // namespace ernsim
