// Numbers a user gives (options, configuration and suite values) are parsed here and only here:
// the whole text must be the number, and it must lie in the stated range, which the error names.
// Nothing wraps (a negative seed), truncates (2^32 into 32 bits) or overflows (1e308 into an int).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ernsim {

// A decimal integer from `lo` to `hi`; Error "WHAT TEXT: expected an integer from LO to HI".
uint64_t parse_uint(const std::string& text, const std::string& what, uint64_t lo, uint64_t hi);

// A finite number from `lo` to `hi`; Error "WHAT TEXT: expected a number from LO to HI".
double parse_real(const std::string& text, const std::string& what, double lo, double hi);

// A JSON value (a configuration's or suite's field) as an integer or number in the range; `what`
// names the field. A float with a fraction, a negative number or a string is refused.
uint64_t json_uint(const nlohmann::json& value, const std::string& what, uint64_t lo, uint64_t hi);
double json_real(const nlohmann::json& value, const std::string& what, double lo, double hi);

}  // namespace ernsim
